import Foundation
import GRDB
import GRDBSQLite
import NoteMinerModel
import NoteMinerProfiles

/// `results.sqlite`: the run's findings as tables a user can query with any SQLite client.
///
/// Schema (version `schemaVersion`, also stored as `PRAGMA user_version`); offsets are Unicode code point offsets
/// into the note text, half-open `[span_begin, span_end)`; booleans are 0/1; `*_json` columns hold the same JSON
/// as the matching `notes.jsonl` / `profiles.jsonl` fragment (query them with SQLite's `json_each`):
///
/// - `runs(run_id, schema_version, tool_version, lexicon_fingerprint, model_fingerprint, started_at, inputs_json,
///   notes, patients, mentions, adr_sentences, quarantined)` — one row; `notes` counts distinct note ids.
/// - `notes(note_id PK, ordinal, patient_id, date, note_type, age, n_mentions, n_adr_sentences)` — input order.
/// - `mentions(mention_id PK, note_id, patient_id, ordinal, span_begin, span_end, text, concept_id, preferred_name,
///   category, codes, risk_factor, section, sentence, negated, possible, historical, hypothetical, family,
///   evidence_json, ambiguous)` — `codes` is `SYSTEM:CODE` joined by `;`; `ambiguous` mentions are reported but
///   not counted in profiles.
/// - `adr_sentences(adr_id PK, note_id, patient_id, sentence, span_begin, span_end, text, probability, pairs_json,
///   explanation_json)`.
/// - `profiles(patient_id PK, n_notes, age, charlson_index, n_conditions, n_medications, n_adverse_events,
///   profile_json)` — `profile_json` is the `profiles.jsonl` line.
/// - `risk_factors(patient_id, risk_factor, status, first_date, last_date, mentions, evidence_json)`, primary key
///   `(patient_id, risk_factor)`, all 18 risk factors per patient.
///
/// Indexes: `notes(patient_id)`, `mentions(patient_id)`, `mentions(concept_id)`, `mentions(risk_factor)`,
/// `adr_sentences(patient_id)`, `risk_factors(risk_factor, status)`.
///
/// Rows are inserted in a fixed order (notes in the order given, profiles by patient id) with explicit integer
/// keys, so the same input gives the same rows; the file's bytes may still differ between SQLite versions.
/// The database is built in a temporary file beside the target and renamed over it, so a killed run never
/// leaves a half-written `results.sqlite`.
public enum SQLiteWriter {
    public static let schemaVersion = 1

    static let schema = """
        CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY, schema_version INTEGER NOT NULL, tool_version TEXT NOT NULL,
            lexicon_fingerprint TEXT NOT NULL, model_fingerprint TEXT NOT NULL, started_at TEXT,
            inputs_json TEXT NOT NULL, notes INTEGER NOT NULL, patients INTEGER NOT NULL, mentions INTEGER NOT NULL,
            adr_sentences INTEGER NOT NULL, quarantined INTEGER NOT NULL);
        CREATE TABLE notes (
            note_id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, patient_id TEXT NOT NULL, date TEXT, note_type TEXT,
            age INTEGER, n_mentions INTEGER NOT NULL, n_adr_sentences INTEGER NOT NULL);
        CREATE TABLE mentions (
            mention_id INTEGER PRIMARY KEY, note_id TEXT NOT NULL, patient_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
            span_begin INTEGER NOT NULL, span_end INTEGER NOT NULL, text TEXT NOT NULL, concept_id TEXT NOT NULL,
            preferred_name TEXT NOT NULL, category TEXT NOT NULL, codes TEXT NOT NULL, risk_factor TEXT,
            section TEXT NOT NULL, sentence INTEGER NOT NULL, negated INTEGER NOT NULL, possible INTEGER NOT NULL,
            historical INTEGER NOT NULL, hypothetical INTEGER NOT NULL, family INTEGER NOT NULL,
            evidence_json TEXT NOT NULL, ambiguous INTEGER NOT NULL);
        CREATE TABLE adr_sentences (
            adr_id INTEGER PRIMARY KEY, note_id TEXT NOT NULL, patient_id TEXT NOT NULL, sentence INTEGER NOT NULL,
            span_begin INTEGER NOT NULL, span_end INTEGER NOT NULL, text TEXT NOT NULL, probability REAL NOT NULL,
            pairs_json TEXT NOT NULL, explanation_json TEXT NOT NULL);
        CREATE TABLE profiles (
            patient_id TEXT PRIMARY KEY, n_notes INTEGER NOT NULL, age INTEGER, charlson_index INTEGER NOT NULL,
            n_conditions INTEGER NOT NULL, n_medications INTEGER NOT NULL, n_adverse_events INTEGER NOT NULL,
            profile_json TEXT NOT NULL);
        CREATE TABLE risk_factors (
            patient_id TEXT NOT NULL, risk_factor TEXT NOT NULL, status TEXT NOT NULL, first_date TEXT,
            last_date TEXT, mentions INTEGER NOT NULL, evidence_json TEXT NOT NULL,
            PRIMARY KEY (patient_id, risk_factor));
        """

    /// Created after the rows are in: one sort per index instead of a B-tree update per row.
    static let indexes = """
        CREATE INDEX notes_patient_id ON notes(patient_id);
        CREATE INDEX mentions_patient_id ON mentions(patient_id);
        CREATE INDEX mentions_concept_id ON mentions(concept_id);
        CREATE INDEX mentions_risk_factor ON mentions(risk_factor);
        CREATE INDEX adr_sentences_patient_id ON adr_sentences(patient_id);
        CREATE INDEX risk_factors_status ON risk_factors(risk_factor, status);
        """

    /// Writes `path` (replacing it). `notes` in input order; `profiles` as `ProfileBuilder.profiles()` gives them.
    public static func write(path: String, notes: [NoteResult], profiles: [PatientProfile], run: RunInfo) throws {
        let fm = FileManager.default
        let tmp = path + ".tmp"
        for p in [tmp, tmp + "-journal"] where fm.fileExists(atPath: p) { try fm.removeItem(atPath: p) }
        do {
            var config = Configuration()
            // The file is private until the rename below, so journaling and syncing buy nothing: a crash leaves
            // only the temporary file, which the next write removes.
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF")
                try db.execute(sql: "PRAGMA synchronous = OFF")
            }
            let queue = try DatabaseQueue(path: tmp, configuration: config)
            try queue.write { db in
                try db.execute(sql: schema)
                try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
                try insertRun(db, notes: notes, profiles: profiles, run: run)
                try insertNotes(db, notes)
                Memory.releaseFreed()
                try insertProfiles(db, profiles)
                try db.execute(sql: indexes)
            }
            try queue.close()
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw SQLiteWriterError(path: path, reason: String(describing: error))
        }
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        try fm.moveItem(atPath: tmp, toPath: path)
    }

    private static func insertRun(_ db: Database, notes: [NoteResult], profiles: [PatientProfile], run: RunInfo) throws {
        var inputs = JSONWriter()
        inputs.beginArray()
        for i in run.inputs { inputs.string(i) }
        inputs.endArray()
        let args: [(any DatabaseValueConvertible)?] = [
            1, schemaVersion, run.toolVersion, run.lexiconFingerprint, run.modelFingerprint, run.startedAt,
            text(inputs.bytes), Set(notes.map(\.noteID)).count, profiles.count, notes.reduce(0) { $0 + $1.mentions.count },
            notes.reduce(0) { $0 + $1.adrSentences.count }, run.quarantined,
        ]
        try db.execute(sql: "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", arguments: StatementArguments(args))
    }

    private static func insertNotes(_ db: Database, _ notes: [NoteResult]) throws {
        // Through the C API: with GRDB's boxed argument arrays, the mentions table was the costliest part of a
        // batch run's reports.
        let noteStmt = try RawStatement(db, sql: "INSERT INTO notes VALUES (?,?,?,?,?,?,?,?)")
        let mentionStmt = try RawStatement(db, sql: "INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        let adrStmt = try RawStatement(db, sql: "INSERT INTO adr_sentences VALUES (?,?,?,?,?,?,?,?,?,?)")
        var mentionID = 0, adrID = 0
        var seen = Set<String>()
        var ev = JSONWriter()
        for (ordinal, n) in notes.enumerated() {
            // A note id given twice (a duplicated input) keeps its first record, like the profile builder keeps one.
            guard seen.insert(n.noteID).inserted else { continue }
            try noteStmt.bind(1, n.noteID); try noteStmt.bind(2, ordinal); try noteStmt.bind(3, n.patientID)
            try noteStmt.bind(4, n.date); try noteStmt.bind(5, n.noteType); try noteStmt.bind(6, n.age)
            try noteStmt.bind(7, n.mentions.count); try noteStmt.bind(8, n.adrSentences.count)
            try noteStmt.step()
            for (i, m) in n.mentions.enumerated() {
                mentionID += 1
                ev.reset()
                ev.beginArray()
                for e in m.evidence {
                    ev.beginObject(); ev.field("attribute", e.attribute); ev.field("trigger", e.trigger)
                    ev.field("begin", e.begin); ev.field("end", e.end); ev.endObject()
                }
                ev.endArray()
                let codes = m.codes.count == 1 ? m.codes[0].system + ":" + m.codes[0].code
                    : m.codes.map { $0.system + ":" + $0.code }.joined(separator: ";")
                let s = mentionStmt
                try s.bind(1, mentionID); try s.bind(2, n.noteID); try s.bind(3, n.patientID); try s.bind(4, i)
                try s.bind(5, m.begin); try s.bind(6, m.end); try s.bind(7, m.text); try s.bind(8, m.conceptID)
                try s.bind(9, m.preferredName); try s.bind(10, m.category); try s.bind(11, codes); try s.bind(12, m.riskFactor)
                try s.bind(13, m.section); try s.bind(14, m.sentence); try s.bind(15, m.negated); try s.bind(16, m.possible)
                try s.bind(17, m.historical); try s.bind(18, m.hypothetical); try s.bind(19, m.family)
                try s.bind(20, bytes: ev.bytes); try s.bind(21, m.ambiguous)
                try s.step()
            }
            for a in n.adrSentences {
                adrID += 1
                var pairs = JSONWriter()
                pairs.beginArray()
                for p in a.pairs { pairs.beginObject(); pairs.field("drug", p.drug); pairs.field("effect", p.effect); pairs.endObject() }
                pairs.endArray()
                var expl = JSONWriter()
                expl.beginArray()
                for c in a.explanation {
                    expl.beginObject(); expl.field("feature", c.feature); expl.field("contribution", c.contribution, digits: 4)
                    expl.endObject()
                }
                expl.endArray()
                // Rounded like notes.jsonl so the table and the JSON agree digit for digit.
                let probability = Double(JSONWriter.format(a.probability, digits: 4)) ?? a.probability
                let s = adrStmt
                try s.bind(1, adrID); try s.bind(2, n.noteID); try s.bind(3, n.patientID); try s.bind(4, a.sentence)
                try s.bind(5, a.begin); try s.bind(6, a.end); try s.bind(7, a.text); try s.bind(8, probability)
                try s.bind(9, bytes: pairs.bytes); try s.bind(10, bytes: expl.bytes)
                try s.step()
            }
        }
    }

    private static func insertProfiles(_ db: Database, _ profiles: [PatientProfile]) throws {
        // The profile JSON is bound straight from its bytes: a patient's line can be hundreds of MB (a huge note
        // with tens of thousands of ADR sentences), and a `String` copy for GRDB added that much to the peak.
        let profileStmt = try RawStatement(db, sql: "INSERT INTO profiles VALUES (?,?,?,?,?,?,?,?)")
        let rfStmt = try db.makeStatement(sql: "INSERT INTO risk_factors VALUES (?,?,?,?,?,?,?)")
        for p in profiles {
            let line = p.jsonLine()
            let length = line.last == UInt8(ascii: "\n") ? line.count - 1 : line.count
            try profileStmt.bind(1, p.patientID)
            try profileStmt.bind(2, p.notes.count)
            try profileStmt.bind(3, p.age)
            try profileStmt.bind(4, p.charlson.index)
            try profileStmt.bind(5, p.conditions.count)
            try profileStmt.bind(6, p.medications.count)
            try profileStmt.bind(7, p.adverseEvents.count)
            try line.withUnsafeBufferPointer { buf in
                try profileStmt.bindStatic(8, UnsafeBufferPointer(rebasing: buf[..<length]))
                try profileStmt.step()
            }
            for (id, f) in p.riskFactors {
                var ev = JSONWriter()
                ev.beginArray()
                for e in f.evidence {
                    ev.beginObject(); ev.field("note_id", e.noteID); ev.field("begin", e.begin); ev.field("end", e.end)
                    ev.field("text", e.text); ev.field("section", e.section); ev.endObject()
                }
                ev.endArray()
                try rfStmt.execute(arguments: StatementArguments([
                    p.patientID, id.rawValue, f.status.rawValue, f.firstDate, f.lastDate, f.mentions, text(ev.bytes),
                ] as [(any DatabaseValueConvertible)?]))
            }
        }
    }

    private static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// An INSERT driven through the SQLite C API, for rows where GRDB's argument arrays cost too much: they copy
/// every text into a `String` and box every value.
final class RawStatement {
    private var stmt: OpaquePointer?
    private let connection: OpaquePointer?

    init(_ db: Database, sql: String) throws {
        connection = db.sqliteConnection
        guard sqlite3_prepare_v2(connection, sql, -1, &stmt, nil) == SQLITE_OK else { throw error("prepare") }
    }

    deinit { sqlite3_finalize(stmt) }

    /// SQLITE_TRANSIENT: SQLite copies the bytes before the bind call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func error(_ what: String) -> SQLiteWriterError {
        SQLiteWriterError(path: "", reason: "\(what): " + String(cString: sqlite3_errmsg(connection)))
    }

    private func check(_ rc: Int32, _ what: String) throws { if rc != SQLITE_OK { throw error(what) } }

    func bind(_ i: Int32, _ v: Int) throws { try check(sqlite3_bind_int64(stmt, i, sqlite3_int64(v)), "bind") }
    func bind(_ i: Int32, _ v: Int?) throws {
        if let v { try bind(i, v) } else { try check(sqlite3_bind_null(stmt, i), "bind") }
    }
    func bind(_ i: Int32, _ v: String) throws {
        var v = v
        try v.withUTF8 { try bindText(i, $0, copy: true) }
    }
    func bind(_ i: Int32, _ v: String?) throws {
        if let v { try bind(i, v) } else { try check(sqlite3_bind_null(stmt, i), "bind") }
    }
    func bind(_ i: Int32, _ v: Bool) throws { try bind(i, v ? 1 : 0) }
    func bind(_ i: Int32, _ v: Double) throws { try check(sqlite3_bind_double(stmt, i, v), "bind") }
    func bind(_ i: Int32, bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try bindText(i, $0, copy: true) }
    }
    /// Binds without a copy: the bytes must stay valid until `step()` returns.
    func bindStatic(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws { try bindText(i, bytes, copy: false) }

    /// UTF-8 text; `copy` false hands SQLite the caller's bytes (SQLITE_STATIC), true lets it copy them.
    private func bindText(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>, copy: Bool) throws {
        guard bytes.count <= Int(Int32.max) else { throw SQLiteWriterError(path: "", reason: "a value of \(bytes.count) bytes is too big for SQLite") }
        guard let base = bytes.baseAddress else { return try check(sqlite3_bind_text(stmt, i, "", 0, Self.transient), "bind") }
        try check(sqlite3_bind_text(stmt, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                                    copy ? Self.transient : nil), "bind")
    }

    func step() throws {
        let rc = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        guard rc == SQLITE_DONE else { throw error("insert") }
    }
}

public struct SQLiteWriterError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write the results database: \(reason)" }
}
