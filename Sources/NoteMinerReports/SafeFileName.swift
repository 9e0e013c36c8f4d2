import NoteMinerModel

/// File names for per-patient outputs (`fhir/<name>.json`).
///
/// Patient ids come from input files and can be anything: `../x`, `a/b`, NUL bytes, 10,000 characters, names
/// that differ only in case (which collide on macOS and Windows file systems), or `CON` (reserved on Windows).
/// None of these may escape the output folder or overwrite another patient's file. So an id is used as is only
/// when it is 1–64 bytes of `[A-Za-z0-9._-]` starting with a letter or digit, is not a Windows device name, and
/// its lowercased form is not taken yet; otherwise the name is a slug of the id (unsafe characters → `_`, at most
/// 40 bytes) plus `-h` and the first 12 hex digits of the id's SHA-256. Names are assigned over the whole sorted
/// set of ids, so they are the same on every run. `fhir/index.jsonl` maps every patient id to its file.
enum SafeFileName {
    private static let reserved: Set<String> = {
        var s: Set<String> = ["con", "prn", "aux", "nul"]
        for i in 1...9 { s.insert("com\(i)"); s.insert("lpt\(i)") }
        return s
    }()

    private static func isSafeByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func isAlnum(_ b: UInt8) -> Bool { isSafeByte(b) && b != UInt8(ascii: ".") && b != UInt8(ascii: "_") && b != UInt8(ascii: "-") }

    static func isSafeAsIs(_ id: String) -> Bool {
        let u = Array(id.utf8)
        guard (1...64).contains(u.count), isAlnum(u[0]), u.allSatisfy(isSafeByte) else { return false }
        let stem = id.split(separator: ".", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        return !reserved.contains(stem)
    }

    static func hashed(_ id: String, hexDigits: Int = 12) -> String {
        var slug: [UInt8] = []
        for b in id.utf8 {
            let c = isSafeByte(b) ? b : UInt8(ascii: "_")
            if c == UInt8(ascii: "_"), slug.last == UInt8(ascii: "_") { continue }
            slug.append(c)
            if slug.count >= 40 { break }
        }
        while let f = slug.first, !isAlnum(f) { slug.removeFirst() }
        let base = slug.isEmpty ? "patient" : String(decoding: slug, as: UTF8.self)
        return base + "-h" + String(SHA256.hex(id).prefix(hexDigits))
    }

    /// One distinct name (without extension) per id, in the order given.
    static func assign(_ ids: [String]) -> [String] {
        var used = Set<String>()
        var out: [String] = []
        out.reserveCapacity(ids.count)
        for id in ids {
            var name = isSafeAsIs(id) && !used.contains(id.lowercased()) ? id : hashed(id)
            var digits = 12
            while used.contains(name.lowercased()) && digits < 64 {
                digits += 4
                name = hashed(id, hexDigits: digits)
            }
            used.insert(name.lowercased())
            out.append(name)
        }
        return out
    }
}
