import NoteMinerModel

/// The ICD-10-CM code table derived by `scripts/derive_lexicons.py` (`Lexicons/icd10cm_codes.tsv`): every
/// category and code of the release, in dotted form, with its description and whether it is billable.
/// Lexicon codes are checked against it so a coder is never handed a code that does not exist.
public struct ICD10CMCodeSet: Sendable {
    public struct Entry: Sendable, Hashable {
        public var description: String
        public var billable: Bool
    }

    private var entries: [String: Entry]
    /// `# source:` and other metadata comments of the table, for provenance in reports.
    public private(set) var metadata: [String: String]

    public var count: Int { entries.count }

    public init(entries: [String: Entry], metadata: [String: String] = [:]) {
        self.entries = entries
        self.metadata = metadata
    }

    public static let columns: Set<String> = ["code", "description", "billable"]

    public static func load(path: String) throws -> ICD10CMCodeSet {
        let file = try TSVFile.load(path: path, allowed: columns, required: columns)
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(file.rows.count)
        for row in file.rows {
            let code = row["code"]
            if let problem = CodeSystem.icd10cm.syntaxProblem(code) {
                throw DataFileError(file: path, line: row.line, message: problem)
            }
            let billable: Bool
            switch row["billable"] {
            case "1", "true", "yes": billable = true
            case "0", "false", "no": billable = false
            case let other:
                throw DataFileError(file: path, line: row.line, message: "billable must be 1 or 0, found '\(other)'")
            }
            if entries[code] != nil {
                throw DataFileError(file: path, line: row.line, message: "duplicate code \(code)")
            }
            entries[code] = Entry(description: row["description"], billable: billable)
        }
        return ICD10CMCodeSet(entries: entries, metadata: file.metadata)
    }

    /// Accepts the dotted ("E11.9") and the undotted ("E119") spelling.
    public func contains(_ code: String) -> Bool { entries[Self.dotted(code)] != nil }

    public func display(_ code: String) -> String? { entries[Self.dotted(code)]?.description }

    public func isBillable(_ code: String) -> Bool { entries[Self.dotted(code)]?.billable ?? false }

    /// All codes, sorted, for tests and reports.
    public var codes: [String] { entries.keys.sorted() }

    /// The dotted form of a code written with or without the dot (a dot goes after the third character).
    public static func dotted(_ code: String) -> String {
        let trimmed = code.uppercased()
        if trimmed.contains(".") || trimmed.count <= 3 { return trimmed }
        let cut = trimmed.index(trimmed.startIndex, offsetBy: 3)
        return String(trimmed[..<cut]) + "." + String(trimmed[cut...])
    }
}
