import NoteMinerModel

/// Clinical tokenizer. (Interim: whitespace split with ASCII lower-casing; the clinical tokenizer replaces it.)
public struct Tokenizer: Sendable {
    public init() {}

    /// Appends the tokens of `text` (UTF-8) to `tokens` and their normalized forms to `norm`.
    public func tokenize(_ text: UnsafeBufferPointer<UInt8>, tokens: inout [Token], norm: inout [UInt8]) {
        var i = 0
        let n = text.count
        while i < n {
            while i < n, text[i] == 0x20 || text[i] == 0x0A || text[i] == 0x09 || text[i] == 0x0D { i += 1 }
            if i >= n { break }
            let start = i
            while i < n, !(text[i] == 0x20 || text[i] == 0x0A || text[i] == 0x09 || text[i] == 0x0D) { i += 1 }
            let nb = Int32(norm.count)
            for j in start..<i { let b = text[j]; norm.append(b >= 65 && b <= 90 ? b + 32 : b) }
            tokens.append(Token(utf8Begin: Int32(start), utf8End: Int32(i), normBegin: nb, normEnd: Int32(norm.count), kind: .word, flags: []))
        }
    }
}
