/// A note after the text stage: tokens, sentences and sections over one immutable UTF-8 buffer.
///
/// Invariants (checked by tests on every corpus note): tokens are in order and do not overlap; every token
/// lies inside exactly one sentence; sentences are in order, do not overlap, and lie inside one section;
/// sections tile the text. All ranges are UTF-8 byte offsets; `codePoints` converts them for output.
public struct Document: Sendable {
    public let note: Note
    public let utf8: [UInt8]
    /// Set with `setTokens`, which keeps `normHashes` in step.
    public private(set) var tokens: [Token]
    public var sentences: [Sentence]
    public var sections: [Section]
    /// Concatenated NFKC-casefolded token forms; `Token.normRange` indexes into it.
    public private(set) var normStorage: [UInt8]
    /// `Document.hash` of each token's form (`normHashes[i]` for `tokens[i]`): the key both lexicon matchers (concepts
    /// and ConText triggers) look a token up by, computed once with the tokens instead of by each matcher.
    public private(set) var normHashes: [UInt32]
    public let codePoints: CodePointIndex
    public var warnings: [NoteWarning]

    public init(note: Note, tokens: [Token] = [], sentences: [Sentence] = [], sections: [Section] = [],
                normStorage: [UInt8] = [], warnings: [NoteWarning] = []) {
        self.note = note
        let bytes = Array(note.text.utf8)
        self.utf8 = bytes
        self.tokens = []
        self.sentences = sentences
        self.sections = sections
        self.normStorage = []
        self.normHashes = []
        self.codePoints = CodePointIndex(utf8: bytes)
        self.warnings = warnings
        setTokens(tokens, normStorage: normStorage)
    }

    /// Sets the tokens and their forms (`Token.normRange` indexes `normStorage`), and their hashes.
    public mutating func setTokens(_ tokens: [Token], normStorage: [UInt8]) {
        self.tokens = tokens
        self.normStorage = normStorage
        var hashes = [UInt32](repeating: 0, count: tokens.count)
        normStorage.withUnsafeBufferPointer { norm in
            tokens.withUnsafeBufferPointer { tokens in
                hashes.withUnsafeMutableBufferPointer { out in
                    for i in tokens.indices { out[i] = Self.hash(UnsafeBufferPointer(rebasing: norm[tokens[i].normRange])) }
                }
            }
        }
        normHashes = hashes
    }

    /// 32-bit FNV-1a, the hash of token forms (and of the lexicon matchers' interned forms).
    @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// The note text of a UTF-8 byte range.
    public func text(_ range: Range<Int>) -> String {
        String(decoding: utf8[range], as: UTF8.self)
    }

    public func text(of token: Token) -> String { text(token.utf8Range) }

    public func norm(of token: Token) -> String {
        String(decoding: normStorage[token.normRange], as: UTF8.self)
    }

    /// Code point offsets of a UTF-8 byte range, half-open.
    public func codePointRange(_ range: Range<Int>) -> Range<Int> {
        codePoints.codePointOffset(utf8: range.lowerBound)..<codePoints.codePointOffset(utf8: range.upperBound)
    }

    /// Index of the section containing UTF-8 offset `offset` (binary search; sections tile the text).
    public func sectionIndex(containing offset: Int) -> Int? {
        var lo = 0, hi = sections.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(sections[mid].utf8End) <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo < sections.count && Int(sections[lo].utf8Begin) <= offset ? lo : nil
    }

    /// Index of the sentence containing token index `token` (binary search).
    public func sentenceIndex(containingToken token: Int) -> Int? {
        var lo = 0, hi = sentences.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(sentences[mid].tokenEnd) <= token { lo = mid + 1 } else { hi = mid }
        }
        return lo < sentences.count && Int(sentences[lo].tokenBegin) <= token ? lo : nil
    }
}
