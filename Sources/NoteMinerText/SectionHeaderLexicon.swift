import NoteMinerModel

/// The section headers NoteMiner recognizes, loaded from `Lexicons/sections.tsv` (schema in `Lexicons/README.md`).
///
/// Headers are stored under a normalized key (see `SectionHeaderKey`) in an open-addressing hash table over one
/// byte pool, so the detector can look up a line's prefix without allocating: one FNV-1a hash and one byte
/// comparison per candidate line.
public struct SectionHeaderLexicon: Sendable {
    /// How a header may appear without a colon after it, alone on its line. Ambiguous words ("Plan", "PE",
    /// "Results") are prose as often as they are headers, so they need stronger evidence than a bare line.
    enum Bare: String, Sendable, CaseIterable {
        /// Any case: "history of present illness" alone on a line is a header.
        case any
        /// First letter upper case ("Plan", "PLAN"), so a wrapped prose line "plan" is not.
        case capitalized
        /// Only in ALL CAPS ("PE", "CC"); a line "Pe" or "cc" is not a header.
        case caps
        /// Never without a colon.
        case no
    }

    /// What a matched line does.
    enum Role: String, Sendable, CaseIterable {
        /// Starts a section of the row's category.
        case section
        /// A label inside a section (ROS and exam body systems: "MSK:", "NEURO:"). It never starts a section,
        /// and it keeps the unknown-ALL-CAPS rule from splitting a section at it.
        case subheading
    }

    struct Entry: Sendable {
        var keyStart: Int32
        var keyLength: Int32
        var hash: UInt64
        var category: SectionCategory
        var bare: Bare
        var role: Role
        /// Bit `i` set: used inline inside a section of `SectionCategory.allCases[i]`, the header is a label
        /// of that section and starts nothing ("Vitals: BP 120/80" inside a physical exam).
        var within: UInt32

        func isLabel(inside category: SectionCategory) -> Bool {
            within & (1 << SectionHeaderLexicon.categoryIndex[category]!) != 0
        }
    }

    static let categoryIndex: [SectionCategory: Int] = Dictionary(uniqueKeysWithValues: SectionCategory.allCases.enumerated().map { ($1, $0) })

    /// Longest normalized key accepted; a line prefix longer than this without a colon cannot be a header,
    /// which bounds the per-line work of the detector.
    static let maxKeyLength = 64

    private(set) var entries: [Entry] = []
    private var keyPool: [UInt8] = []
    /// Slot → entry index, or -1. Capacity is a power of two at least 4× the entries (load ≤ 0.25).
    private var slots: [Int32] = []
    private var mask: Int = 0

    /// Number of header rows (sections and subheadings).
    public var count: Int { entries.count }

    static let schemaVersion = "1"
    static let columns: Set<String> = ["header", "category", "bare", "role", "within"]

    /// Reads a header lexicon TSV. Errors (`DataFileError`) name the file and line: unknown columns, unknown
    /// categories (with the allowed ids), bad `bare`/`role` values, headers that normalize to nothing or are
    /// too long, and duplicates after normalization (with the line of the first).
    public static func load(path: String) throws -> SectionHeaderLexicon {
        let file = try TSVFile.load(path: path, allowed: columns, required: ["header"])
        return try build(file)
    }

    /// As `load(path:)`, from text already in memory; `path` is used in error messages.
    public static func parse(text: String, path: String) throws -> SectionHeaderLexicon {
        let file = try TSVFile.parse(text: text, path: path, allowed: columns, required: ["header"])
        return try build(file)
    }

    private static func build(_ file: TSVFile) throws -> SectionHeaderLexicon {
        guard let version = file.metadata["schema_version"] else {
            throw DataFileError(file: file.path, message: "missing '# schema_version: \(schemaVersion)' comment before the header row")
        }
        guard version == schemaVersion else {
            throw DataFileError(file: file.path, message: "schema_version \(version) is not supported (this build reads \(schemaVersion))")
        }
        guard file.columns.contains("category") else {
            throw DataFileError(file: file.path, message: "missing required column(s) category")
        }
        var lexicon = SectionHeaderLexicon()
        var firstLine: [String: Int] = [:]
        for row in file.rows {
            let header = row["header"]
            if header.contains(":") {
                throw DataFileError(file: file.path, line: row.line, message: "header '\(header)' contains a colon; write the header without it")
            }
            let roleText = row["role"]
            guard let role = roleText.isEmpty ? .section : Role(rawValue: roleText) else {
                throw DataFileError(file: file.path, line: row.line, message: "unknown role '\(roleText)'; allowed: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let bareText = row["bare"]
            guard let bare = bareText.isEmpty ? .any : Bare(rawValue: bareText) else {
                throw DataFileError(file: file.path, line: row.line, message: "unknown bare value '\(bareText)'; allowed: \(Bare.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let categoryText = row["category"]
            let category: SectionCategory
            switch role {
            case .section:
                guard !categoryText.isEmpty else {
                    throw DataFileError(file: file.path, line: row.line, message: "empty category for header '\(header)'; allowed: \(SectionCategory.allIDs.joined(separator: ", "))")
                }
                guard let c = SectionCategory(rawValue: categoryText) else {
                    throw DataFileError(file: file.path, line: row.line, message: "unknown category '\(categoryText)'; allowed: \(SectionCategory.allIDs.joined(separator: ", "))")
                }
                category = c
            case .subheading:
                guard categoryText.isEmpty else {
                    throw DataFileError(file: file.path, line: row.line, message: "a subheading never starts a section, so its category must be empty (found '\(categoryText)')")
                }
                category = .other
            }
            var within: UInt32 = 0
            for part in row["within"].split(separator: ",") {
                let id = part.trimmingWhitespace()
                guard let c = SectionCategory(rawValue: id) else {
                    throw DataFileError(file: file.path, line: row.line, message: "unknown category '\(id)' in within; allowed: \(SectionCategory.allIDs.joined(separator: ", "))")
                }
                within |= 1 << categoryIndex[c]!
            }
            if role == .subheading, within != 0 {
                throw DataFileError(file: file.path, line: row.line, message: "a subheading never starts a section, so 'within' must be empty")
            }
            let key = SectionHeaderKey.normalize(Array(header.utf8))
            guard !key.isEmpty, let first = key.first, SectionHeaderKey.isASCIILetter(first) else {
                throw DataFileError(file: file.path, line: row.line, message: "header '\(header)' must start with a letter")
            }
            guard key.count <= maxKeyLength else {
                throw DataFileError(file: file.path, line: row.line, message: "header '\(header)' is longer than \(maxKeyLength) bytes after normalization")
            }
            let keyString = String(decoding: key, as: UTF8.self)
            if let earlier = firstLine[keyString] {
                throw DataFileError(file: file.path, line: row.line, message: "duplicate header '\(header)' (normalized '\(keyString)', first at line \(earlier))")
            }
            firstLine[keyString] = row.line
            lexicon.append(key: key, category: category, bare: bare, role: role, within: within)
        }
        lexicon.rebuildTable()
        return lexicon
    }

    /// A small built-in table (one canonical spelling per category plus the commonest abbreviations), for
    /// callers without a lexicon file. Tools should load `Lexicons/sections.tsv`, which knows far more variants.
    public static let minimal: SectionHeaderLexicon = {
        let rows: [(String, SectionCategory, Bare)] = [
            ("chief complaint", .chiefComplaint, .any), ("cc", .chiefComplaint, .caps),
            ("history of present illness", .historyOfPresentIllness, .any), ("hpi", .historyOfPresentIllness, .caps),
            ("past medical history", .pastMedicalHistory, .any), ("pmh", .pastMedicalHistory, .caps),
            ("past surgical history", .pastSurgicalHistory, .any), ("psh", .pastSurgicalHistory, .caps),
            ("medications", .medications, .capitalized), ("allergies", .allergies, .capitalized),
            ("family history", .familyHistory, .any), ("social history", .socialHistory, .any),
            ("review of systems", .reviewOfSystems, .any), ("ros", .reviewOfSystems, .caps),
            ("physical exam", .physicalExam, .any), ("physical examination", .physicalExam, .any),
            ("vitals", .vitals, .capitalized), ("vital signs", .vitals, .any), ("results", .results, .capitalized),
            ("assessment", .assessment, .capitalized), ("plan", .plan, .capitalized),
            ("assessment and plan", .assessmentAndPlan, .any), ("a/p", .assessmentAndPlan, .caps),
            ("impression", .impression, .capitalized), ("hospital course", .hospitalCourse, .any),
            ("discharge diagnoses", .dischargeDiagnoses, .any), ("discharge medications", .dischargeMedications, .any),
            ("discharge instructions", .dischargeInstructions, .any), ("instructions", .instructions, .capitalized),
            ("procedures", .procedures, .capitalized), ("subjective", .subjective, .capitalized),
            ("objective", .objective, .capitalized),
        ]
        var lexicon = SectionHeaderLexicon()
        for (text, category, bare) in rows {
            lexicon.append(key: SectionHeaderKey.normalize(Array(text.utf8)), category: category, bare: bare, role: .section, within: 0)
        }
        lexicon.rebuildTable()
        return lexicon
    }()

    private mutating func append(key: [UInt8], category: SectionCategory, bare: Bare, role: Role, within: UInt32) {
        let start = Int32(keyPool.count)
        keyPool.append(contentsOf: key)
        entries.append(Entry(keyStart: start, keyLength: Int32(key.count), hash: SectionHeaderKey.fnv1a(key), category: category, bare: bare, role: role, within: within))
    }

    private mutating func rebuildTable() {
        var capacity = 16
        while capacity < entries.count * 4 { capacity <<= 1 }
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
        for (i, e) in entries.enumerated() {
            var s = Int(truncatingIfNeeded: e.hash) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    /// The entry whose normalized key equals `key[0..<length]`, if any. O(1) expected, no allocation.
    func lookup(_ key: UnsafePointer<UInt8>, length: Int) -> Entry? {
        guard length > 0, !slots.isEmpty else { return nil }
        let h = SectionHeaderKey.fnv1a(UnsafeBufferPointer(start: key, count: length))
        return keyPool.withUnsafeBufferPointer { pool -> Entry? in
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let idx = slots[s]
                if idx < 0 { return nil }
                let e = entries[Int(idx)]
                if e.hash == h, Int(e.keyLength) == length {
                    var equal = true
                    let base = Int(e.keyStart)
                    for i in 0..<length where pool[base + i] != key[i] {
                        equal = false
                        break
                    }
                    if equal { return e }
                }
                s = (s + 1) & mask
            }
        }
    }
}

/// Header normalization shared by the loader and the detector, so a lexicon row and a note line meet on the
/// same key: ASCII lower case; runs of spaces, tabs, underscores and hyphens become one space ("Follow-up" =
/// "follow up"); `&` becomes "and" ("A&P" = "a and p", "Assessment & Plan" = "assessment and plan"); spaces
/// around `/` are dropped ("Assessment / Plan" = "assessment/plan"); leading and trailing spaces are dropped.
/// Other bytes (digits, periods, non-ASCII) are kept as they are.
enum SectionHeaderKey {
    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    static func fnv1a<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes.count * 3 + 8)
        let n = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                normalize(src, 0, src.count, into: dst.baseAddress!, capacity: dst.count)
            }
        }
        return Array(out[0..<max(n, 0)])
    }

    /// Writes the key of `src[begin..<end]` into `dst`; returns its length, or -1 if it would exceed `capacity`.
    @inline(__always)
    static func normalize(_ src: UnsafeBufferPointer<UInt8>, _ begin: Int, _ end: Int, into dst: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var n = 0
        var pendingSpace = false
        var i = begin
        while i < end {
            let b = src[i]
            i += 1
            switch b {
            case 0x20, 0x09, 0x5F, 0x2D, 0x0D:  // space, tab, '_', '-', CR
                pendingSpace = n > 0
            case 0x26:  // '&' → " and "
                if n + 4 > capacity { return -1 }
                if n > 0, dst[n - 1] != 0x2F {
                    dst[n] = 0x20
                    n += 1
                }
                dst[n] = 0x61  // a
                dst[n + 1] = 0x6E  // n
                dst[n + 2] = 0x64  // d
                n += 3
                pendingSpace = true
            case 0x2F:  // '/' swallows the spaces around it
                if n >= capacity { return -1 }
                dst[n] = 0x2F
                n += 1
                pendingSpace = false
            default:
                if pendingSpace, dst[n - 1] != 0x2F {
                    if n >= capacity { return -1 }
                    dst[n] = 0x20
                    n += 1
                }
                pendingSpace = false
                if n >= capacity { return -1 }
                dst[n] = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
                n += 1
            }
        }
        return n
    }
}
