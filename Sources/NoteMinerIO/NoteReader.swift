import Foundation
import NoteMinerModel

/// Per-note metadata from a manifest, a JSON Lines record or CSV columns.
struct NoteMetadata: Sendable, Hashable {
    var patientID: String?
    var date: String?
    var noteType: String?
}

/// Reads notes from the inputs a user names, in a stable order, one at a time (constant memory for large
/// JSON Lines files and folders):
/// - a folder: every `*.txt` file in it, sorted by name; the note id is the file name without the extension;
///   an optional `manifest.csv` in the folder (note_id, patient_id, date, note_type) gives their metadata;
/// - a `.csv` file with a header row: one note per record (text, note_id, patient_id, date, note_type columns,
///   names configurable);
/// - a `.jsonl`/`.ndjson` file, or `-` for standard input: one JSON object per line with `note_id` and `text`
///   (optional `patient_id`, `date`, `note_type`);
/// - any other file: one note whose id is the file name without its extension.
///
/// A note that cannot be read becomes a `.refused` item with a reason and the run goes on; only problems with
/// the inputs as a whole (a path that does not exist) throw.
public struct NoteReader: Sequence, Sendable {
    public struct Options: Sendable {
        /// Notes larger than this (in bytes) are refused as `too_large`; 0 disables the limit.
        public var maxNoteBytes: Int = 10 * 1024 * 1024
        /// Follow symbolic links in folders that point outside the folder.
        public var followExternalLinks = false
        /// Accept repeated note ids (streaming workers see one partition and cannot judge duplicates).
        public var allowDuplicateIDs = false
        /// Report blank JSON Lines lines as refused records instead of skipping them, so a streaming
        /// consumer gets exactly one output line per input line.
        public var yieldBlankLines = false
        /// How note bytes are decoded (`--encoding`); JSON Lines inputs accept only byte-oriented encodings.
        public var encoding: TextEncoding = .auto
        /// Column names for CSV inputs.
        public var csvColumns = CSVColumns()
        public init() {}
    }

    enum Source: Sendable {
        case textFile(path: String, metadata: NoteMetadata?)
        case csv(path: String)
        case jsonLines(path: String)
        case standardInput
        case refusedFile(path: String, reason: RefusalReason, message: String)
    }

    let sources: [Source]
    let options: Options

    public init(inputs: [String], options: Options = Options()) throws {
        self.options = options
        var sources: [Source] = []
        let fm = FileManager.default
        for input in inputs {
            if !options.encoding.isByteOriented, input == "-" || Self.isJSONLines(input) {
                throw InputError("--encoding \(options.encoding.rawValue) applies to text files only; JSON Lines input '\(input)' must be UTF-8, Windows-1252 or Latin-1")
            }
            if input == "-" {
                sources.append(.standardInput)
                continue
            }
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDir) else {
                throw InputError("input '\(input)' does not exist")
            }
            if isDir.boolValue {
                sources += try Self.folderSources(input, options: options)
            } else if Self.isJSONLines(input) {
                sources.append(.jsonLines(path: input))
            } else if input.lowercased().hasSuffix(".csv") {
                _ = try CSVNoteStream(path: input, names: options.csvColumns)  // fail early on a missing text column
                sources.append(.csv(path: input))
            } else if let format = Self.unsupportedFormat(input) {
                sources.append(.refusedFile(path: input, reason: .unsupportedFormat,
                                            message: "\(format) input is not supported; convert it to JSON Lines (one {\"note_id\", \"text\"} object per line)"))
            } else {
                sources.append(.textFile(path: input, metadata: nil))
            }
        }
        self.sources = sources
    }

    /// Table formats that would otherwise be read as one note of text: refusing them keeps every row from
    /// silently becoming a single garbled note.
    static func unsupportedFormat(_ path: String) -> String? {
        let lower = path.lowercased()
        if lower.hasSuffix(".tsv") { return "TSV" }
        return nil
    }

    static func isJSONLines(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")
    }

    static func folderSources(_ folder: String, options: Options) throws -> [Source] {
        let fm = FileManager.default
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: folder)
        } catch {
            throw InputError("cannot list folder '\(folder)': \(error.localizedDescription)")
        }
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        let manifestPath = (folder as NSString).appendingPathComponent("manifest.csv")
        let manifest = fm.fileExists(atPath: manifestPath) ? try FolderManifest.load(path: manifestPath) : FolderManifest()
        var out: [Source] = []
        // Byte-wise name order: stable across locales and platforms.
        for name in names.filter({ $0.lowercased().hasSuffix(".txt") }).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = (folder as NSString).appendingPathComponent(name)
            let attributes = try? fm.attributesOfItem(atPath: path)
            if attributes?[.type] as? FileAttributeType == .typeSymbolicLink, !options.followExternalLinks {
                let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                if !(target.hasPrefix(root + "/")) {
                    out.append(.refusedFile(path: path, reason: .unsafePath, message: "symbolic link points outside the input folder (to \(target)); use --follow-links to allow"))
                    continue
                }
            }
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { continue }
            let id = Iterator.noteID(forFile: path)
            out.append(.textFile(path: path, metadata: manifest.rows[id].map { NoteMetadata(patientID: $0.patientID, date: $0.date, noteType: $0.noteType) }))
        }
        return out
    }

    public func makeIterator() -> Iterator { Iterator(sources: sources, options: options) }

    /// Total size of the input files in bytes (0 for standard input), for progress and ETA.
    public var estimatedTotalBytes: Int {
        sources.reduce(0) { sum, s in
            switch s {
            case .textFile(let p, _), .jsonLines(let p), .csv(let p):
                return sum + ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? Int ?? 0)
            default: return sum
            }
        }
    }

    /// Pulls one note at a time; holds at most one open line reader.
    public struct Iterator: IteratorProtocol {
        private var sources: ArraySlice<Source>
        private let options: Options
        private var lines: LineReader? = nil
        private var csv: CSVNoteStream? = nil
        private var linesName = ""
        private var seenIDs = Set<String>()

        init(sources: [Source], options: Options) {
            self.sources = sources[...]
            self.options = options
        }

        public mutating func next() -> NoteInput? {
            while true {
                if let stream = csv {
                    if let item = stream.next() {
                        let location = SourceLocation(file: stream.path, line: stream.record)
                        switch item {
                        case .bad(let id, let message):
                            return .refused(QuarantineRecord(noteID: id, source: location, reason: .malformedRecord, message: message))
                        case .note(let id, let text, let patient, let date, let type):
                            return decoded(id: id, bytes: Array(text.utf8), encoding: .utf8, location: location, metadata: NoteMetadata(patientID: patient, date: date, noteType: type))
                        }
                    }
                    csv = nil
                }
                if let reader = lines {
                    if let line = reader.next() {
                        if let item = jsonLine(line, number: reader.lineNumber, length: reader.lastLineLength) { return item }
                        continue
                    }
                    lines = nil
                }
                guard let source = sources.popFirst() else { return nil }
                switch source {
                case .textFile(let path, let metadata):
                    return textFile(path, metadata: metadata)
                case .csv(let path):
                    do {
                        csv = try CSVNoteStream(path: path, names: options.csvColumns)
                    } catch {
                        return .refused(QuarantineRecord(noteID: nil, source: SourceLocation(file: path), reason: .unreadable, message: "\(error)"))
                    }
                case .refusedFile(let path, let reason, let message):
                    return .refused(QuarantineRecord(noteID: Self.noteID(forFile: path), source: SourceLocation(file: path), reason: reason, message: message))
                case .jsonLines(let path):
                    guard let reader = LineReader(path: path, maxLineBytes: options.maxNoteBytes) else {
                        return .refused(QuarantineRecord(noteID: nil, source: SourceLocation(file: path), reason: .unreadable, message: "cannot open JSON Lines file: \(String(cString: strerror(errno)))"))
                    }
                    lines = reader
                    linesName = path
                case .standardInput:
                    guard let reader = LineReader(standardInput: (), maxLineBytes: options.maxNoteBytes) else {
                        return .refused(QuarantineRecord(noteID: nil, source: SourceLocation(file: "<stdin>"), reason: .unreadable, message: "cannot read standard input"))
                    }
                    lines = reader
                    linesName = "<stdin>"
                }
            }
        }

        static func noteID(forFile path: String) -> String {
            ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        }

        private mutating func textFile(_ path: String, metadata: NoteMetadata?) -> NoteInput {
            let id = Self.noteID(forFile: path)
            let location = SourceLocation(file: path)
            if options.maxNoteBytes > 0, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > options.maxNoteBytes {
                return .refused(QuarantineRecord(noteID: id, source: location, reason: .tooLarge, message: "\(size) bytes exceeds the per-note limit of \(options.maxNoteBytes) bytes"))
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                return .refused(QuarantineRecord(noteID: id, source: location, reason: .unreadable, message: "cannot read file"))
            }
            return decoded(id: id, bytes: [UInt8](data), encoding: options.encoding, location: location, metadata: metadata)
        }

        private mutating func decoded(id: String, bytes: [UInt8], encoding: TextEncoding, location: SourceLocation, metadata: NoteMetadata?) -> NoteInput {
            if !options.allowDuplicateIDs, !seenIDs.insert(id).inserted {
                return .refused(QuarantineRecord(noteID: id, source: location, reason: .duplicateID, message: "note id already used by an earlier note"))
            }
            switch NoteTextDecoder.decode(bytes, encoding: encoding) {
            case .refused(let reason, let message):
                return .refused(QuarantineRecord(noteID: id, source: location, reason: reason, message: message))
            case .text(let text, let warnings):
                let note = Note(noteID: id, patientID: metadata?.patientID, date: metadata?.date, noteType: metadata?.noteType, text: text)
                return .note(note, warnings: warnings, source: location)
            }
        }

        private mutating func jsonLine(_ raw: [UInt8], number: Int, length: Int) -> NoteInput? {
            let location = SourceLocation(file: linesName, line: number)
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {  // blank line: not a note
                return options.yieldBlankLines
                    ? .refused(QuarantineRecord(noteID: nil, source: location, reason: .malformedRecord, message: "blank line"))
                    : nil
            }
            if options.maxNoteBytes > 0, length > options.maxNoteBytes {
                return .refused(QuarantineRecord(noteID: nil, source: location, reason: .tooLarge, message: "line of \(length) bytes exceeds the per-note limit of \(options.maxNoteBytes) bytes"))
            }
            if options.encoding == .auto || options.encoding == .utf8, let record = FlatJSONObject.parse(raw) {
                return flatRecord(record, location: location)
            }
            guard let (object, extraWarnings) = Self.parseJSONLine(raw, encoding: options.encoding) else {
                return .refused(QuarantineRecord(noteID: nil, source: location, reason: .malformedRecord, message: "not a valid JSON object"))
            }
            guard let dict = object as? [String: Any] else {
                return .refused(QuarantineRecord(noteID: nil, source: location, reason: .malformedRecord, message: "line is JSON but not an object"))
            }
            let id: String
            switch dict["note_id"] ?? dict["id"] {
            case let s as String where !s.isEmpty: id = s
            case let n as NSNumber: id = n.stringValue
            default:
                return .refused(QuarantineRecord(noteID: nil, source: location, reason: .missingID, message: "record has no 'note_id' string"))
            }
            guard let text = dict["text"] as? String else {
                return .refused(QuarantineRecord(noteID: id, source: location, reason: .missingText, message: "record has no 'text' string"))
            }
            func string(_ key: String) -> String? {
                switch dict[key] {
                case let s as String: return s.isEmpty ? nil : s
                case let n as NSNumber: return n.stringValue
                default: return nil
                }
            }
            // The text is already Unicode: decode its UTF-8 as such (NUL and binary checks only).
            let item = decoded(id: id, bytes: Array(text.utf8), encoding: .utf8, location: location, metadata: NoteMetadata(patientID: string("patient_id"), date: string("date"), noteType: string("note_type")))
            if case .note(let note, let warnings, let source) = item, !extraWarnings.isEmpty {
                return .note(note, warnings: extraWarnings + warnings, source: source)
            }
            return item
        }

        /// A record of strings and nulls, read as `jsonLine` reads the same record from JSONSerialization.
        private mutating func flatRecord(_ record: FlatJSONObject, location: SourceLocation) -> NoteInput {
            let id: String
            switch record["note_id"] ?? record["id"] {
            case .string(let s) where !s.isEmpty: id = String(decoding: s, as: UTF8.self)
            default:
                return .refused(QuarantineRecord(noteID: nil, source: location, reason: .missingID, message: "record has no 'note_id' string"))
            }
            guard case .string(let text) = record["text"] else {
                return .refused(QuarantineRecord(noteID: id, source: location, reason: .missingText, message: "record has no 'text' string"))
            }
            func string(_ key: String) -> String? {
                guard case .string(let s) = record[key], !s.isEmpty else { return nil }
                return String(decoding: s, as: UTF8.self)
            }
            return decoded(id: id, bytes: text, encoding: .utf8, location: location, metadata: NoteMetadata(patientID: string("patient_id"), date: string("date"), noteType: string("note_type")))
        }

        /// Parses one JSON Lines record. Lines that are not valid UTF-8 are decoded first, by the same rules as
        /// note files (Windows-1252 when clearly so, else U+FFFD repair), and the decision is reported.
        static func parseJSONLine(_ raw: [UInt8], encoding: TextEncoding) -> (Any, [NoteWarning])? {
            if encoding == .auto || encoding == .utf8, let o = try? JSONSerialization.jsonObject(with: Data(raw), options: []) {
                return (o, [])
            }
            let text: String
            let decodingWarnings: [NoteWarning]
            switch NoteTextDecoder.decode(raw, encoding: encoding) {
            case .text(let t, let w):
                text = t
                decodingWarnings = w
            case .refused:
                return nil
            }
            // Valid UTF-8 that did not parse is not rescued by decoding it again.
            if decodingWarnings.isEmpty, encoding == .auto || encoding == .utf8 { return nil }
            let warnings = decodingWarnings.filter { $0.code != "bom_removed" }
            guard let o = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: []) else { return nil }
            return (o, warnings)
        }
    }
}
