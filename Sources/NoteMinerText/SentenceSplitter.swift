import NoteMinerModel

/// Sentence splitter. (Interim: one sentence per section; the ICU + clinical splitter replaces it.)
public struct SentenceSplitter: Sendable {
    public init() {}

    public func split(_ text: UnsafeBufferPointer<UInt8>, tokens: [Token], sections: [Section]) -> [Sentence] {
        var out: [Sentence] = []
        var t = 0
        for s in sections {
            let tb = t
            while t < tokens.count, tokens[t].utf8End <= s.utf8End { t += 1 }
            if t > tb { out.append(Sentence(utf8Begin: tokens[tb].utf8Begin, utf8End: tokens[t - 1].utf8End, tokenBegin: Int32(tb), tokenEnd: Int32(t))) }
        }
        return out
    }
}
