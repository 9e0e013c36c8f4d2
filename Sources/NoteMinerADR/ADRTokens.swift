/// The classifier's own light tokenization of one sentence: runs of ASCII letters/digits (and any non-ASCII
/// bytes, so accented words stay whole) are words, every other non-space byte is a one-byte punctuation
/// token. It is deliberately simpler than NoteMinerText's tokenizer: the model must see the same tokens at
/// training time (bare sentences from a JSONL file) and at run time (sentences cut from notes).
struct ADRToken: Sendable, Hashable {
    var begin: Int
    var end: Int
    /// FNV-1a of the normalized form: ASCII lower-cased, each run of digits collapsed to one `0`.
    var hash: UInt64
    var isWord: Bool
    /// The first byte of the normalized form (punctuation byte, or first letter), for cheap checks.
    var first: UInt8
}

enum ADRText {
    @inline(__always)
    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b >= 0x80
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C || b == 0x0B }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>) -> [ADRToken] {
        var tokens: [ADRToken] = []
        tokenize(bytes, into: &tokens)
        return tokens
    }

    /// Replaces the contents of `tokens` (its storage kept: see `ADRScratch`).
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [ADRToken]) {
        tokens.removeAll(keepingCapacity: true)
        tokens.reserveCapacity(bytes.count / 4 + 4)
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if isSpace(b) { i += 1; continue }
            if isAlnum(b) {
                let start = i
                var h = FNV1a64()
                var lastDigit = false
                while i < n, isAlnum(bytes[i]) {
                    let c = bytes[i]
                    if isDigit(c) {
                        if !lastDigit { h.combine(UInt8(ascii: "0")) }
                        lastDigit = true
                    } else {
                        h.combine(lower(c))
                        lastDigit = false
                    }
                    i += 1
                }
                let f = isDigit(b) ? UInt8(ascii: "0") : lower(b)
                tokens.append(ADRToken(begin: start, end: i, hash: h.value, isWord: true, first: f))
            } else {
                var h = FNV1a64()
                h.combine(b)
                tokens.append(ADRToken(begin: i, end: i + 1, hash: h.value, isWord: false, first: b))
                i += 1
            }
        }
    }

    /// The normalized form of a token, as hashed (for feature names and patterns).
    static func normalized(_ bytes: UnsafeBufferPointer<UInt8>, _ t: ADRToken) -> String {
        var out: [UInt8] = []
        var lastDigit = false
        for i in t.begin..<t.end {
            let c = bytes[i]
            if isDigit(c) {
                if !lastDigit { out.append(UInt8(ascii: "0")) }
                lastDigit = true
            } else {
                out.append(lower(c))
                lastDigit = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hashWord(_ s: String) -> UInt64 {
        var copy = s
        return copy.withUTF8 { buf in
            let toks = tokenize(buf)
            return toks.first?.hash ?? FNV1a64.offsetBasis
        }
    }
}
