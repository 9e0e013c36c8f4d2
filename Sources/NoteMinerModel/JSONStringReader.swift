/// Reads one JSON string from bytes, for the fast paths that parse JSON Lines records themselves (input notes,
/// cached results) and hand anything unusual to Foundation's parser.
public enum JSONStringReader {
    /// Reads the string whose opening quote is at `p[i]`, appends its unescaped UTF-8 to `out` and moves `i` past
    /// the closing quote. False, with `i` anywhere, when it is not a valid JSON string: no quote at `i`, no closing
    /// quote, a raw control character, an unknown escape, or a lone surrogate (these go to the general parser).
    /// The caller checks that the bytes are valid UTF-8 (`isValidUTF8`).
    public static func read(_ p: UnsafeBufferPointer<UInt8>, at i: inout Int, into out: inout [UInt8]) -> Bool {
        let n = p.count
        guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
        i += 1
        var runStart = i
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
                i += 1
                return true
            }
            if b < 0x20 { return false }  // raw control characters are not allowed in JSON strings
            if b != UInt8(ascii: "\\") { i += 1; continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
            guard i + 1 < n else { return false }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(p, at: &i) else { return false }
                if scalar >= 0xD800, scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low one.
                    guard i + 1 < n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else { return false }
                    i += 2
                    guard let low = hex4(p, at: &i), low >= 0xDC00, low < 0xE000 else { return false }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    return false
                }
                appendUTF8(scalar, to: &out)
            default:
                return false
            }
            runStart = i
        }
        return false
    }

    /// Whether `p` is valid UTF-8, as Foundation's JSON parsers require of a whole record: checked once per line
    /// (plain ASCII, most lines, in one pass) so the strings in it can be made without checks.
    public static func isValidUTF8(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for b in p where b >= 0x80 { ascii = false; break }
        return ascii || String(validating: p, as: UTF8.self) != nil
    }

    private static func hex4(_ p: UnsafeBufferPointer<UInt8>, at i: inout Int) -> UInt32? {
        guard i + 4 <= p.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        i += 4
        return v
    }

    private static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18)); out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        }
    }
}
