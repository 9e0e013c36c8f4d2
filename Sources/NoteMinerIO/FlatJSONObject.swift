/// The fast path for the usual JSON Lines note record: one object whose values are all strings or null
/// (`{"note_id": "...", "patient_id": "...", "text": "..."}`).
///
/// Foundation's JSONSerialization builds a String for the note text, which the reader then turned back into
/// bytes; on a batch of dense notes that parse was 2–3% of the run. This parser yields the unescaped bytes
/// directly. It accepts only what it can answer exactly as JSONSerialization would: anything else (a number,
/// a nested value, a duplicate key, invalid UTF-8, a lone surrogate, malformed JSON) returns nil and the record
/// goes through JSONSerialization, so errors and odd records are reported exactly as before.
struct FlatJSONObject {
    enum Value: Equatable {
        case string([UInt8])
        case null
    }

    /// Keys with their values, in record order.
    private(set) var fields: [(key: [UInt8], value: Value)] = []

    subscript(key: String) -> Value? {
        let k = Array(key.utf8)
        return fields.first { $0.key == k }?.value
    }

    /// nil: not a flat object of strings and nulls (or not valid UTF-8) — use the general parser.
    static func parse(_ raw: [UInt8]) -> FlatJSONObject? {
        raw.withUnsafeBufferPointer { parse($0) }
    }

    static func parse(_ p: UnsafeBufferPointer<UInt8>) -> FlatJSONObject? {
        // Non-ASCII bytes must be valid UTF-8, as JSONSerialization requires; checked once for the whole line.
        var ascii = true
        for b in p where b >= 0x80 { ascii = false; break }
        if !ascii, String(validating: p, as: UTF8.self) == nil { return nil }

        var i = 0
        let n = p.count
        @inline(__always) func skipSpace() {
            while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
        }
        /// A string starting at the quote at `i`, unescaped; nil when malformed.
        func string() -> [UInt8]? {
            guard i < n, p[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out: [UInt8] = []
            var runStart = i
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
                    i += 1
                    return out
                }
                if b < 0x20 { return nil }  // raw control characters are not allowed in JSON strings
                if b != UInt8(ascii: "\\") { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
                guard i + 1 < n else { return nil }
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
                    guard var scalar = hex4() else { return nil }
                    if scalar >= 0xD800, scalar < 0xDC00 {
                        // A high surrogate must be followed by an escaped low one.
                        guard i + 1 < n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else { return nil }
                        i += 2
                        guard let low = hex4(), low >= 0xDC00, low < 0xE000 else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00, scalar < 0xE000 {
                        return nil
                    }
                    appendUTF8(scalar, to: &out)
                default:
                    return nil
                }
                runStart = i
            }
            return nil
        }
        func hex4() -> UInt32? {
            guard i + 4 <= n else { return nil }
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

        var object = FlatJSONObject()
        skipSpace()
        guard i < n, p[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                if object.fields.contains(where: { $0.key == key }) { return nil }
                skipSpace()
                guard i < n, p[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace()
                guard i < n else { return nil }
                if p[i] == UInt8(ascii: "\"") {
                    guard let s = string() else { return nil }
                    object.fields.append((key, .string(s)))
                } else if i + 4 <= n, p[i] == UInt8(ascii: "n"), p[i + 1] == UInt8(ascii: "u"), p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l") {
                    i += 4
                    object.fields.append((key, .null))
                } else {
                    return nil
                }
                skipSpace()
                guard i < n else { return nil }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                return nil
            }
        }
        skipSpace()
        return i == n ? object : nil
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
