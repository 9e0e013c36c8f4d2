import Foundation

/// An error in a data file NoteMiner loads (lexicons, rules, models): always names the file and, where it
/// applies, the 1-based line, so a user editing a lexicon can go straight to the bad entry.
public struct DataFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A tab-separated data file with a header row. Lines starting with `#` and blank lines are ignored
/// (comments carry schema version and provenance). Every row keeps its line number for error messages.
public struct TSVFile: Sendable {
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String: String]
        public init(line: Int, fields: [String: String]) {
            self.line = line
            self.fields = fields
        }
        /// A field value; empty string when the column is absent or empty.
        public subscript(_ column: String) -> String { fields[column] ?? "" }
    }

    public var path: String
    public var columns: [String]
    public var rows: [Row]
    /// `# key: value` comment lines before the header, e.g. `# schema_version: 1`.
    public var metadata: [String: String]

    /// Reads and checks a TSV file: every column must be in `allowed`, every `required` column present,
    /// and every row must have as many fields as the header.
    public static func load(path: String, allowed: Set<String>, required: Set<String>) throws -> TSVFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError(file: path, message: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataFileError(file: path, message: "file is not valid UTF-8")
        }
        return try parse(text: text, path: path, allowed: allowed, required: required)
    }

    public static func parse(text: String, path: String, allowed: Set<String>, required: Set<String>) throws -> TSVFile {
        var columns: [String]? = nil
        var rows: [Row] = []
        var metadata: [String: String] = [:]
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.trimmingWhitespace().isEmpty { continue }
            if line.hasPrefix("#") {
                if columns == nil, let colon = line.firstIndex(of: ":") {
                    let key = line[line.index(after: line.startIndex)..<colon].trimmingWhitespace()
                    let value = line[line.index(after: colon)...].trimmingWhitespace()
                    if !key.isEmpty, !key.contains(" ") { metadata[key] = value }
                }
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0) }
            guard let header = columns else {
                let unknown = fields.filter { !allowed.contains($0) }
                if !unknown.isEmpty {
                    throw DataFileError(file: path, line: lineNumber, message: "unknown column(s) \(unknown.joined(separator: ", ")); allowed: \(allowed.sorted().joined(separator: ", "))")
                }
                let missing = required.subtracting(fields)
                if !missing.isEmpty {
                    throw DataFileError(file: path, line: lineNumber, message: "missing required column(s) \(missing.sorted().joined(separator: ", "))")
                }
                if Set(fields).count != fields.count {
                    throw DataFileError(file: path, line: lineNumber, message: "duplicate column in header")
                }
                columns = fields
                continue
            }
            // Trailing optional columns may be left off; extra fields are an error (usually a stray tab).
            guard fields.count <= header.count else {
                throw DataFileError(file: path, line: lineNumber, message: "expected at most \(header.count) tab-separated fields, found \(fields.count)")
            }
            var dict: [String: String] = [:]
            for (c, v) in zip(header, fields) { dict[c] = v.trimmingWhitespace() }
            for c in required where dict[c, default: ""].isEmpty {
                throw DataFileError(file: path, line: lineNumber, message: "empty required field '\(c)'")
            }
            rows.append(Row(line: lineNumber, fields: dict))
        }
        guard let header = columns else { throw DataFileError(file: path, message: "no header row") }
        return TSVFile(path: path, columns: header, rows: rows, metadata: metadata)
    }
}

/// A JSON Lines data file whose objects have a closed set of keys. Blank lines and lines starting with `#`
/// (or `//`) are ignored.
public enum JSONLinesFile {
    public struct Record: @unchecked Sendable {
        public var line: Int
        public var object: [String: Any]
    }

    public static func load(path: String, allowedKeys: Set<String>, requiredKeys: Set<String>) throws -> [Record] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError(file: path, message: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataFileError(file: path, message: "file is not valid UTF-8")
        }
        return try parse(text: text, path: path, allowedKeys: allowedKeys, requiredKeys: requiredKeys)
    }

    public static func parse(text: String, path: String, allowedKeys: Set<String>, requiredKeys: Set<String>) throws -> [Record] {
        var records: [Record] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace(newlines: true)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("//") { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            } catch {
                throw DataFileError(file: path, line: lineNumber, message: "invalid JSON: \(error.localizedDescription)")
            }
            guard let dict = object as? [String: Any] else {
                throw DataFileError(file: path, line: lineNumber, message: "expected a JSON object")
            }
            let unknown = Set(dict.keys).subtracting(allowedKeys)
            if !unknown.isEmpty {
                throw DataFileError(file: path, line: lineNumber, message: "unknown key(s) \(unknown.sorted().joined(separator: ", ")); allowed: \(allowedKeys.sorted().joined(separator: ", "))")
            }
            let missing = requiredKeys.subtracting(dict.keys)
            if !missing.isEmpty {
                throw DataFileError(file: path, line: lineNumber, message: "missing key(s) \(missing.sorted().joined(separator: ", "))")
            }
            records.append(Record(line: lineNumber, object: dict))
        }
        return records
    }
}
