import Foundation
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

    /// Loads the table. The header and comments go through `TSVFile` (same column checks and messages as every
    /// data file); the ~98,000 rows are then split on bytes, because building a field dictionary per row made
    /// this one file cost seconds at every start of `extract`. Errors still name `file:line`.
    public static func load(path: String) throws -> ICD10CMCodeSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError(file: path, message: "cannot read file")
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw DataFileError(file: path, message: "file is not valid UTF-8")
        }
        let bytes = [UInt8](data)
        return try bytes.withUnsafeBufferPointer { try parse(bytes: $0, path: path) }
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> ICD10CMCodeSet {
        let newline = UInt8(ascii: "\n"), tab = UInt8(ascii: "\t"), hash = UInt8(ascii: "#")
        func isBlank(_ r: Range<Int>) -> Bool { r.allSatisfy { bytes[$0] == 32 || bytes[$0] == 9 || bytes[$0] == 13 } }
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
        /// A field without surrounding ASCII spaces (the cells TSVFile would trim).
        func cell(_ r: Range<Int>) -> String {
            var lo = r.lowerBound, hi = r.upperBound
            while lo < hi && bytes[lo] == 32 { lo += 1 }
            while hi > lo && bytes[hi - 1] == 32 { hi -= 1 }
            return text(lo..<hi)
        }
        // Comments, blank lines and the header row, handed to TSVFile for the column checks.
        var pos = 0, line = 0
        var headerEnd: Int? = nil
        while pos < bytes.count {
            var end = pos
            while end < bytes.count && bytes[end] != newline { end += 1 }
            line += 1
            let isData = !(isBlank(pos..<end) || bytes[pos] == hash)
            pos = end + 1
            if isData { headerEnd = min(pos, bytes.count); break }
        }
        guard let headerEnd else { throw DataFileError(file: path, message: "no header row") }
        let head = try TSVFile.parse(text: text(0..<headerEnd), path: path, allowed: columns, required: columns)
        guard let codeColumn = head.columns.firstIndex(of: "code"),
              let descriptionColumn = head.columns.firstIndex(of: "description"),
              let billableColumn = head.columns.firstIndex(of: "billable") else {
            throw DataFileError(file: path, message: "missing required column(s)")
        }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(bytes.count / 64)
        var fields: [Range<Int>] = []
        while pos < bytes.count {
            var end = pos
            while end < bytes.count && bytes[end] != newline { end += 1 }
            line += 1
            var lineEnd = end
            if lineEnd > pos && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            defer { pos = end + 1 }
            if isBlank(pos..<lineEnd) || bytes[pos] == hash { continue }
            fields.removeAll(keepingCapacity: true)
            var fieldStart = pos
            for i in pos..<lineEnd where bytes[i] == tab {
                fields.append(fieldStart..<i)
                fieldStart = i + 1
            }
            fields.append(fieldStart..<lineEnd)
            guard fields.count == head.columns.count else {
                throw DataFileError(file: path, line: line,
                                    message: "expected \(head.columns.count) tab-separated fields, found \(fields.count)")
            }
            let code = cell(fields[codeColumn])
            if let problem = CodeSystem.icd10cm.syntaxProblem(code) {
                throw DataFileError(file: path, line: line, message: problem)
            }
            let billable: Bool
            switch cell(fields[billableColumn]) {
            case "1", "true", "yes": billable = true
            case "0", "false", "no": billable = false
            case let other:
                throw DataFileError(file: path, line: line, message: "billable must be 1 or 0, found '\(other)'")
            }
            let description = cell(fields[descriptionColumn])
            if description.isEmpty {
                throw DataFileError(file: path, line: line, message: "empty required field 'description'")
            }
            if entries.updateValue(Entry(description: description, billable: billable), forKey: code) != nil {
                throw DataFileError(file: path, line: line, message: "duplicate code \(code)")
            }
        }
        return ICD10CMCodeSet(entries: entries, metadata: head.metadata)
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
