import NoteMinerModel

/// Period-final abbreviations and measurement units the tokenizer and sentence splitter need to know about.
/// Loaded from `Lexicons/abbreviations.tsv` (schema in `Lexicons/README.md`); `builtIn` is a small subset for
/// callers that have no lexicon folder (tests, quick tools).
///
/// Entries are matched case-insensitively on ASCII and packed into two machine words, so a lookup from the
/// tokenizer's hot loop hashes 16 bytes instead of building a `String`.
public struct AbbreviationTable: Sendable {
    /// How an entry behaves. Raw values are the `kind` column of the TSV file.
    public enum Kind: String, Sendable, CaseIterable {
        /// Precedes a name ("Dr.", "Mrs."): the period never ends a sentence.
        case title
        /// Used mid-sentence ("e.g.", "vs.", "approx.", "pt."): the period practically never ends a sentence.
        case inline
        /// May end a sentence ("b.i.d.", "etc."): a sentence ends after it only if the next word is capitalized.
        case abbreviation
        /// A unit written straight after a number ("500mg", "98.6F") or joined by a slash ("mg/kg").
        case unit
    }

    /// Longest entry accepted, in bytes (period included).
    public static let maxLength = 16

    private var entries: [Key: Kind] = [:]
    /// Longest entry stored; lets the tokenizer skip lookups for long words.
    private(set) var longest = 0
    /// Bit `c - 'a'` set when some entry starts with letter `c` (any case): most words fail this test before hashing.
    private var firstLetters: UInt32 = 0

    public init() {}

    /// A table from (entry, kind) pairs. Entries that are not valid (see `validate`) are rejected.
    public init(_ pairs: [(String, Kind)]) throws {
        for (text, kind) in pairs {
            if let problem = Self.validate(text, kind: kind) {
                throw DataFileError(file: "<built-in>", message: "\(text): \(problem)")
            }
            insert(text, kind: kind)
        }
    }

    public var count: Int { entries.count }

    /// The kind of an entry, case-insensitively (`"Dr."`, `"MG"`).
    public func kind(of text: String) -> Kind? {
        Array(text.utf8).withUnsafeBufferPointer { kind($0, 0..<$0.count) }
    }

    /// All entries, sorted, for documentation and tests.
    public var allEntries: [(text: String, kind: Kind)] {
        entries.map { ($0.key.string, $0.value) }.sorted { $0.text < $1.text }
    }

    /// Lookup of `bytes[range]`; nil when absent, too long or not ASCII.
    @inline(__always)
    func kind(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Kind? {
        guard range.count > 0, range.count <= longest else { return nil }
        let c = (bytes[range.lowerBound] | 0x20) &- 0x61
        guard c < 26, firstLetters & (1 << UInt32(c)) != 0, let key = Key(bytes, range) else { return nil }
        return entries[key]
    }

    /// Why an entry is unacceptable, or nil. Units are letters and digits (no period); the other kinds end in
    /// a period and hold only letters, digits and inner periods, so the tokenizer can produce them as one token.
    static func validate(_ text: String, kind: Kind) -> String? {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "empty entry" }
        if bytes.count > maxLength { return "longer than \(maxLength) bytes" }
        let isAlnum = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
        switch kind {
        case .unit:
            if !bytes.allSatisfy(isAlnum) { return "a unit must be ASCII letters and digits only" }
            if !(bytes[0] | 0x20 >= 0x61 && bytes[0] | 0x20 <= 0x7A) { return "a unit must start with a letter" }
        case .title, .inline, .abbreviation:
            if bytes.last != UInt8(ascii: ".") { return "a \(kind.rawValue) must end with a period" }
            if !bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: ".") }) {
                return "a \(kind.rawValue) must be ASCII letters, digits and periods only"
            }
            if !(bytes[0] | 0x20 >= 0x61 && bytes[0] | 0x20 <= 0x7A) { return "must start with a letter" }
            if bytes.count >= 2, zip(bytes, bytes.dropFirst()).contains(where: { $0 == 0x2E && $1 == 0x2E }) {
                return "two periods in a row"
            }
        }
        return nil
    }

    private mutating func insert(_ text: String, kind: Kind) {
        let bytes = Array(text.utf8)
        let key = bytes.withUnsafeBufferPointer { Key($0, 0..<$0.count) }!
        entries[key] = kind
        longest = max(longest, bytes.count)
        let c = (bytes[0] | 0x20) &- 0x61
        if c < 26 { firstLetters |= 1 << UInt32(c) }
    }

    /// Loads `Lexicons/abbreviations.tsv`: columns `abbreviation`, `kind` (title, inline, abbreviation, unit) and
    /// an optional `note`; `# schema_version: 1` is required. Errors name the file and line.
    public static func load(path: String) throws -> AbbreviationTable {
        let file = try TSVFile.load(path: path, allowed: ["abbreviation", "kind", "note"], required: ["abbreviation", "kind"])
        return try from(file)
    }

    /// Same as `load(path:)` for text already in memory (`path` is used in error messages).
    public static func parse(text: String, path: String) throws -> AbbreviationTable {
        try from(TSVFile.parse(text: text, path: path, allowed: ["abbreviation", "kind", "note"], required: ["abbreviation", "kind"]))
    }

    private static func from(_ file: TSVFile) throws -> AbbreviationTable {
        guard let version = file.metadata["schema_version"] else {
            throw DataFileError(file: file.path, message: "missing '# schema_version: 1' line before the header")
        }
        guard version == "1" else {
            throw DataFileError(file: file.path, message: "unsupported schema_version \(version); this NoteMiner reads version 1")
        }
        var table = AbbreviationTable()
        var firstLine: [String: Int] = [:]
        for row in file.rows {
            let text = row["abbreviation"]
            guard let kind = Kind(rawValue: row["kind"]) else {
                throw DataFileError(file: file.path, line: row.line,
                                    message: "unknown kind '\(row["kind"])'; allowed: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let problem = validate(text, kind: kind) {
                throw DataFileError(file: file.path, line: row.line, message: "'\(text)': \(problem)")
            }
            let folded = text.lowercased()
            if let previous = firstLine[folded] {
                throw DataFileError(file: file.path, line: row.line, message: "duplicate entry '\(text)' (first on line \(previous))")
            }
            firstLine[folded] = row.line
            table.insert(text, kind: kind)
        }
        return table
    }

    /// The entries every NoteMiner build knows without a lexicon folder. `Lexicons/abbreviations.tsv` contains all
    /// of them (a test checks), so loading the file never loses one.
    public static let builtIn: AbbreviationTable = {
        var t = AbbreviationTable()
        for s in ["dr.", "mr.", "mrs.", "ms.", "prof."] { t.insert(s, kind: .title) }
        for s in ["e.g.", "i.e.", "vs.", "approx.", "pt.", "cf."] { t.insert(s, kind: .inline) }
        for s in ["b.i.d.", "t.i.d.", "q.i.d.", "q.d.", "p.r.n.", "p.o.", "q.h.s.", "a.m.", "p.m.", "etc."] {
            t.insert(s, kind: .abbreviation)
        }
        for s in ["mg", "mcg", "g", "kg", "ml", "l", "dl", "cc", "mmol", "meq", "iu", "u", "mm", "cm", "mmhg",
                  "bpm", "f", "c", "h", "hr", "hrs", "min", "x"] {
            t.insert(s, kind: .unit)
        }
        return t
    }()

    /// Up to 16 lower-cased ASCII bytes, zero-padded. Entries never contain NUL, so padding cannot collide.
    struct Key: Hashable {
        var lo: UInt64 = 0
        var hi: UInt64 = 0

        @inline(__always)
        init?(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
            guard range.count <= 16 else { return nil }
            var k = 0
            for i in range {
                var b = bytes[i]
                if b >= 0x80 || b == 0 { return nil }
                if b >= 0x41 && b <= 0x5A { b |= 0x20 }
                if k < 8 { lo |= UInt64(b) << (8 * UInt64(k)) } else { hi |= UInt64(b) << (8 * UInt64(k - 8)) }
                k += 1
            }
        }

        var string: String {
            var out: [UInt8] = []
            for k in 0..<16 {
                let b = UInt8(truncatingIfNeeded: (k < 8 ? lo >> (8 * UInt64(k)) : hi >> (8 * UInt64(k - 8))))
                if b == 0 { break }
                out.append(b)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
