import NoteMinerModel

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
        if !JSONStringReader.isValidUTF8(p) { return nil }

        var i = 0
        let n = p.count
        @inline(__always) func skipSpace() {
            while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
        }
        /// A string starting at the quote at `i`, unescaped; nil when malformed.
        func string() -> [UInt8]? {
            var out: [UInt8] = []
            return JSONStringReader.read(p, at: &i, into: &out) ? out : nil
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
}
