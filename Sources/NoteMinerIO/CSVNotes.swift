import CSV
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NoteMinerModel

/// Column names for CSV inputs (`--text-column`, `--id-column`, ...).
public struct CSVColumns: Sendable, Hashable {
    public var text = "text"
    public var id = "note_id"
    public var patient = "patient_id"
    public var date = "date"
    public var noteType = "note_type"
    public init() {}
}

/// Metadata rows of a folder's `manifest.csv` (note_id, patient_id, date, note_type), keyed by note id.
struct FolderManifest: Sendable {
    var rows: [String: (patientID: String?, date: String?, noteType: String?)] = [:]

    static func load(path: String) throws -> FolderManifest {
        guard let stream = InputStream(fileAtPath: path) else { throw InputError("cannot read manifest '\(path)'") }
        let reader: CSVReader
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true, trimFields: true)
        } catch {
            throw InputError("\(path): cannot read the CSV header row")
        }
        let header = reader.headerRow ?? []
        guard let idIndex = header.firstIndex(of: "note_id") else {
            throw InputError("\(path): manifest needs a 'note_id' column (columns: note_id, patient_id, date, note_type)")
        }
        func index(_ name: String) -> Int? { header.firstIndex(of: name) }
        let p = index("patient_id"), d = index("date"), t = index("note_type")
        var m = FolderManifest()
        var row = 1
        while let fields = reader.next() {
            row += 1
            guard fields.count == header.count else {
                throw InputError("\(path): row \(row) has \(fields.count) fields, the header has \(header.count)")
            }
            func value(_ i: Int?) -> String? { i.flatMap { fields[$0].isEmpty ? nil : fields[$0] } }
            m.rows[fields[idIndex]] = (value(p), value(d), value(t))
        }
        return m
    }
}

/// Streams notes from a CSV file with a header row; one note per record. A record whose field count does not
/// match the header (a stray quote, a short row) is refused with its record number, and reading goes on.
final class CSVNoteStream {
    private let reader: CSVReader
    private let header: [String]
    private let columns: (text: Int, id: Int?, patient: Int?, date: Int?, type: Int?)
    let path: String
    private(set) var record = 0
    /// An odd number of quote characters means a quoted field is never closed: CSV then reads the rest of
    /// the file into that field, so the last record is refused instead of passed on as one huge note.
    private let unbalancedQuotes: Bool
    private var pending: [String]?

    init(path: String, names: CSVColumns) throws {
        self.path = path
        unbalancedQuotes = Self.hasOddQuoteCount(path: path)
        guard let stream = InputStream(fileAtPath: path) else { throw InputError("cannot read CSV file '\(path)'") }
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true)
        } catch {
            throw InputError("\(path): cannot read the CSV header row")
        }
        header = reader.headerRow ?? []
        guard let text = header.firstIndex(of: names.text) else {
            throw InputError("\(path): no text column '\(names.text)' (columns: \(header.joined(separator: ", "))); use --text-column")
        }
        columns = (text, header.firstIndex(of: names.id), header.firstIndex(of: names.patient),
                   header.firstIndex(of: names.date), header.firstIndex(of: names.noteType))
    }

    enum Item {
        case note(id: String, text: String, patient: String?, date: String?, type: String?)
        case bad(id: String?, message: String)
    }

    static func hasOddQuoteCount(path: String) -> Bool {
        guard let f = fopen(path, "rb") else { return false }
        defer { fclose(f) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var odd = false
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            for i in 0..<n where buffer[i] == 0x22 { odd.toggle() }
        }
        return odd
    }

    func next() -> Item? {
        // Read one record ahead so the last one is known as last.
        if pending == nil { pending = reader.next() }
        guard let fields = pending else { return nil }
        pending = reader.next()
        record += 1
        if pending == nil, unbalancedQuotes {
            func value(_ i: Int?) -> String? { i.flatMap { $0 < fields.count && !fields[$0].isEmpty ? fields[$0] : nil } }
            return .bad(id: value(columns.id), message: "record \(record) opens a quoted field that is never closed; the rest of the file was read into it (fix the quotes and rerun)")
        }
        func value(_ i: Int?) -> String? { i.flatMap { $0 < fields.count && !fields[$0].isEmpty ? fields[$0] : nil } }
        let id = value(columns.id) ?? "\((path as NSString).lastPathComponent)#\(record)"
        guard fields.count == header.count else {
            return .bad(id: value(columns.id), message: "record \(record) has \(fields.count) fields, the header has \(header.count) (unbalanced quotes?)")
        }
        return .note(id: id, text: fields[columns.text], patient: value(columns.patient), date: value(columns.date), type: value(columns.type))
    }
}
