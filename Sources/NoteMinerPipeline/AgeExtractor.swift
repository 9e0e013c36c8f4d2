/// Finds the patient's stated age ("62-year-old", "62 year old", "62 yo", "62 y/o", "age: 62", "aged 62")
/// for the Charlson age points. Takes the first statement in the note: notes open with the patient's age, and a
/// later "her 90-year-old mother" must not win. Ages outside 0–120 are ignored.
public enum AgeExtractor {
    public static func age(in text: String) -> Int? {
        var text = text
        // Read in place and lower-cased byte by byte: the statement is usually in the first lines, and
        // lower-casing a copy of the first 20 KB first cost more than the search.
        return text.withUTF8 { age(in: UnsafeBufferPointer(rebasing: $0.prefix(20_000))) }
    }

    private struct Lowered {
        let raw: UnsafeBufferPointer<UInt8>
        @inline(__always) subscript(_ i: Int) -> UInt8 {
            let c = raw[i]
            return c >= 65 && c <= 90 ? c + 32 : c
        }
        subscript(_ r: Range<Int>) -> [UInt8] { r.map { self[$0] } }
    }

    private static func age(in raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let b = Lowered(raw: raw)
        let n = raw.count
        func number(endingAt end: Int) -> Int? {
            var i = end
            while i > 0, b[i - 1] == 0x20 || b[i - 1] == 0x2D { i -= 1 }  // spaces or hyphen before the unit
            let stop = i
            var start = stop
            while start > 0, b[start - 1] >= 0x30, b[start - 1] <= 0x39, stop - start < 3 { start -= 1 }
            guard start < stop else { return nil }
            if start > 0, (b[start - 1] >= 0x30 && b[start - 1] <= 0x39) || b[start - 1] == 0x2E || b[start - 1] == 0x2F { return nil }
            let v = Int(String(decoding: b[start..<stop], as: UTF8.self)) ?? -1
            return (0...120).contains(v) ? v : nil
        }
        func matches(_ word: StaticString, at i: Int) -> Bool {
            let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard i + w.count <= n else { return false }
            for k in 0..<w.count where b[i + k] != w[k] { return false }
            let after = i + w.count
            return after == n || !(b[after] >= 0x61 && b[after] <= 0x7A)
        }
        var i = 0
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "y") {
                if matches("year-old", at: i) || matches("year old", at: i) || matches("years old", at: i)
                    || matches("years-old", at: i) || matches("yo", at: i) || matches("y/o", at: i) || matches("y.o.", at: i) {
                    if let v = number(endingAt: i) { return v }
                }
            } else if c == UInt8(ascii: "a"), matches("age", at: i) || matches("aged", at: i) {
                var j = i + (matches("aged", at: i) ? 4 : 3)
                while j < n, b[j] == 0x20 || b[j] == 0x3A { j += 1 }
                var k = j
                while k < n, b[k] >= 0x30, b[k] <= 0x39, k - j < 3 { k += 1 }
                if k > j, k == n || !(b[k] >= 0x30 && b[k] <= 0x39), i == 0 || !(b[i - 1] >= 0x61 && b[i - 1] <= 0x7A) {
                    if let v = Int(String(decoding: b[j..<k], as: UTF8.self)), (0...120).contains(v) { return v }
                }
            }
            i += 1
        }
        return nil
    }
}
