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
/// - `concepts(concept_id PK, preferred_name, category, codes, risk_factor)` — every concept the run's mentions
///   name, in order of first appearance; `codes` is `SYSTEM:CODE` joined by `;`. A concept's attributes come from
///   its lexicon, so they are the same on every mention; if merged results disagree, the first mention's win.
/// - `mentions(mention_id PK, note_id, patient_id, ordinal, span_begin, span_end, text, concept_id, section,
///   sentence, negated, possible, historical, hypothetical, family, evidence_json, ambiguous)` — `ambiguous`
///   mentions are reported but not counted in profiles.
/// - view `mention_details`: `mentions` joined with `concepts`, columns as in schema version 1's `mentions`
///   (`…, concept_id, preferred_name, category, codes, risk_factor, section, …`).
/// - `adr_sentences(adr_id PK, note_id, patient_id, sentence, span_begin, span_end, text, probability, pairs_json,
///   explanation_json)`.
/// - `profiles(patient_id PK, n_notes, age, charlson_index, n_conditions, n_medications, n_adverse_events,
///   profile_json)` — `profile_json` is the `profiles.jsonl` line.
/// - `risk_factors(patient_id, risk_factor, status, first_date, last_date, mentions, evidence_json)`, primary key
///   `(patient_id, risk_factor)`, all 18 risk factors per patient.
///
/// Indexes: `notes(patient_id)`, `mentions(patient_id)`, `mentions(concept_id)`, `concepts(risk_factor)`,
/// `adr_sentences(patient_id)`, `risk_factors(risk_factor, status)`.
///
/// Version 2 moved the concept attributes out of `mentions` (the biggest table: a 10,000-note run has 860,000
/// rows) into `concepts`; `mention_details` gives version 1's columns.
///
/// Rows are inserted in a fixed order (notes in the order given, profiles by patient id) with explicit integer
/// keys, so the same input gives the same rows; the file's bytes may still differ between SQLite versions.
/// The database is built in a temporary file beside the target and renamed over it, so a killed run never
/// leaves a half-written `results.sqlite`.
public enum SQLiteWriter {
    public static let schemaVersion = 2

    static let schema = """
        CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY, schema_version INTEGER NOT NULL, tool_version TEXT NOT NULL,
            lexicon_fingerprint TEXT NOT NULL, model_fingerprint TEXT NOT NULL, started_at TEXT,
            inputs_json TEXT NOT NULL, notes INTEGER NOT NULL, patients INTEGER NOT NULL, mentions INTEGER NOT NULL,
            adr_sentences INTEGER NOT NULL, quarantined INTEGER NOT NULL);
        CREATE TABLE notes (
            note_id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, patient_id TEXT NOT NULL, date TEXT, note_type TEXT,
            age INTEGER, n_mentions INTEGER NOT NULL, n_adr_sentences INTEGER NOT NULL);
        CREATE TABLE concepts (
            concept_id TEXT PRIMARY KEY, preferred_name TEXT NOT NULL, category TEXT NOT NULL, codes TEXT NOT NULL,
            risk_factor TEXT);
        CREATE TABLE mentions (
            mention_id INTEGER PRIMARY KEY, note_id TEXT NOT NULL, patient_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
            span_begin INTEGER NOT NULL, span_end INTEGER NOT NULL, text TEXT NOT NULL, concept_id TEXT NOT NULL,
            section TEXT NOT NULL, sentence INTEGER NOT NULL, negated INTEGER NOT NULL, possible INTEGER NOT NULL,
            historical INTEGER NOT NULL, hypothetical INTEGER NOT NULL, family INTEGER NOT NULL,
            evidence_json TEXT NOT NULL, ambiguous INTEGER NOT NULL);
        CREATE VIEW mention_details AS
            SELECT m.mention_id, m.note_id, m.patient_id, m.ordinal, m.span_begin, m.span_end, m.text, m.concept_id,
                   c.preferred_name, c.category, c.codes, c.risk_factor, m.section, m.sentence, m.negated, m.possible,
                   m.historical, m.hypothetical, m.family, m.evidence_json, m.ambiguous
            FROM mentions m JOIN concepts c USING (concept_id);
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

    /// Created after the rows are in: one sort per index instead of a B-tree update per row. The note-level ones
    /// as soon as the last note is in, while the profiles are still being built.
    static let noteIndexes = """
        CREATE INDEX notes_patient_id ON notes(patient_id);
        CREATE INDEX mentions_patient_id ON mentions(patient_id);
        CREATE INDEX mentions_concept_id ON mentions(concept_id);
        CREATE INDEX concepts_risk_factor ON concepts(risk_factor);
        CREATE INDEX adr_sentences_patient_id ON adr_sentences(patient_id);
        """
    static let profileIndexes = """
        CREATE INDEX risk_factors_status ON risk_factors(risk_factor, status);
        """

    /// Writes `path` (replacing it). `notes` in input order; `profiles` as `ProfileBuilder.profiles()` gives them.
    public static func write(path: String, notes: [NoteResult], profiles: [PatientProfile], run: RunInfo) throws {
        let stream = try SQLiteStream(path: path)
        for n in notes { stream.add(n) }
        stream.notesComplete()
        for p in profiles { stream.add(p, line: p.jsonLine()) }
        try stream.finish(run: run)
    }

    struct Counts {
        var notes = 0, patients = 0, mentions = 0, adrSentences = 0
    }

    static func insertRun(_ db: Database, counts: Counts, run: RunInfo) throws {
        var inputs = JSONWriter()
        inputs.beginArray()
        for i in run.inputs { inputs.string(i) }
        inputs.endArray()
        let args: [(any DatabaseValueConvertible)?] = [
            1, schemaVersion, run.toolVersion, run.lexiconFingerprint, run.modelFingerprint, run.startedAt,
            text(inputs.bytes), counts.notes, counts.patients, counts.mentions, counts.adrSentences, run.quarantined,
        ]
        try db.execute(sql: "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", arguments: StatementArguments(args))
    }

    /// The prepared INSERTs and the running keys of one database being written.
    final class Inserter {
        // Through the C API: with GRDB's boxed argument arrays, the mentions table was the costliest part of a
        // batch run's reports.
        private let noteStmt, conceptStmt, mentionStmt, mentionBatchStmt, adrStmt, profileStmt, riskStmt: RawStatement
        private var concepts = Set<String>()
        private var seen = Set<String>()
        private var json = JSONWriter()
        private var lastConcept: String?
        var counts = Counts()

        /// Mention rows go in `mentionBatch` at a time, one multi-row INSERT each: a statement run per row spent
        /// a quarter of SQLite's time on running and resetting the statement rather than storing the row. Rows
        /// wait here until a batch is full (across notes); `flushMentions` writes the rest one by one.
        static let mentionBatch = 16
        private var pending = PendingMentions()
        /// Parameter columns as numbered in the table (`mention_id` is 1 and is not bound, see `keyless`).
        static let intColumns: [Int32] = [4, 5, 6, 10, 11, 12, 13, 14, 15, 17]
        static let textColumns: [Int32] = [2, 3, 7, 8, 9, 16]

        /// `INSERT INTO table(columns 2…n) VALUES (?2,…,?n), …` for `rows` rows: parameter `?(r·n + c)` is row
        /// `r`'s column `c`. The integer key (column 1) is left to SQLite, which numbers rows 1, 2, … as the
        /// explicit keys did, but appends each without first searching the table for the key (a B-tree descent
        /// per row).
        static func keyless(_ table: String, _ columns: [String], rows: Int = 1) -> String {
            let n = columns.count
            let values = (0..<rows).map { r in "(" + (2...n).map { "?\(r * n + $0)" }.joined(separator: ",") + ")" }
            return "INSERT INTO \(table)(" + columns.dropFirst().joined(separator: ",") + ") VALUES " + values.joined(separator: ",")
        }
        static let mentionColumnNames = ["mention_id", "note_id", "patient_id", "ordinal", "span_begin", "span_end", "text", "concept_id",
                                         "section", "sentence", "negated", "possible", "historical", "hypothetical", "family",
                                         "evidence_json", "ambiguous"]
        static let adrColumnNames = ["adr_id", "note_id", "patient_id", "sentence", "span_begin", "span_end", "text", "probability",
                                     "pairs_json", "explanation_json"]

        init(_ db: Database) throws {
            noteStmt = try RawStatement(db, sql: "INSERT INTO notes VALUES (?,?,?,?,?,?,?,?)")
            conceptStmt = try RawStatement(db, sql: "INSERT INTO concepts VALUES (?,?,?,?,?)")
            mentionStmt = try RawStatement(db, sql: Self.keyless("mentions", Self.mentionColumnNames))
            mentionBatchStmt = try RawStatement(db, sql: Self.keyless("mentions", Self.mentionColumnNames, rows: Self.mentionBatch))
            adrStmt = try RawStatement(db, sql: Self.keyless("adr_sentences", Self.adrColumnNames))
            profileStmt = try RawStatement(db, sql: "INSERT INTO profiles VALUES (?,?,?,?,?,?,?,?)")
            riskStmt = try RawStatement(db, sql: "INSERT INTO risk_factors VALUES (?,?,?,?,?,?,?)")
        }

        func note(_ n: NoteResult) throws {
            let ordinal = counts.notes
            counts.notes += 1
            counts.mentions += n.mentions.count
            counts.adrSentences += n.adrSentences.count
            // A note id given twice (a duplicated input) keeps its first record, like the profile builder keeps one.
            guard seen.insert(n.noteID).inserted else { return }
            try noteStmt.bind(1, n.noteID); try noteStmt.bind(2, ordinal); try noteStmt.bind(3, n.patientID)
            try noteStmt.bind(4, n.date); try noteStmt.bind(5, n.noteType); try noteStmt.bind(6, n.age)
            try noteStmt.bind(7, n.mentions.count); try noteStmt.bind(8, n.adrSentences.count)
            try noteStmt.step()
            // The waiting rows are a local while the note's mentions are added: appending to a class's stored
            // arrays checks exclusive access on every call (five texts per row), which cost more than the appends.
            var pending = PendingMentions()
            swap(&pending, &self.pending)
            defer { swap(&pending, &self.pending) }
            // Records read in place: `for m in n.mentions` copied each one, retaining and releasing its strings.
            try n.mentions.withUnsafeBufferPointer { ms in
                for i in ms.indices {
                    let p = ms.baseAddress! + i
                    if p.pointee.conceptID != lastConcept {
                        // A concept is added to its table the first time a mention names it (the set is asked only
                        // when the concept changes from the previous mention's).
                        if !concepts.contains(p.pointee.conceptID) { try concept(p.pointee) }
                        lastConcept = p.pointee.conceptID
                    }
                    // In `intColumns` and `textColumns` order.
                    pending.ints.append(i)
                    pending.ints.append(p.pointee.begin); pending.ints.append(p.pointee.end); pending.ints.append(p.pointee.sentence)
                    pending.ints.append(p.pointee.negated ? 1 : 0); pending.ints.append(p.pointee.possible ? 1 : 0)
                    pending.ints.append(p.pointee.historical ? 1 : 0); pending.ints.append(p.pointee.hypothetical ? 1 : 0)
                    pending.ints.append(p.pointee.family ? 1 : 0); pending.ints.append(p.pointee.ambiguous ? 1 : 0)
                    pending.append(n.noteID); pending.append(n.patientID); pending.append(p.pointee.text)
                    pending.append(p.pointee.conceptID); pending.append(p.pointee.section)
                    let start = pending.bytes.count
                    if p.pointee.evidence.isEmpty {
                        pending.bytes.append(UInt8(ascii: "[")); pending.bytes.append(UInt8(ascii: "]"))
                    } else {
                        json.reset()
                        NoteResult.writeEvidence(p.pointee.evidence, into: &json)
                        json.withBytes { pending.bytes.append(contentsOf: $0) }
                    }
                    pending.texts.append(start..<pending.bytes.count)
                    if pending.rows == Self.mentionBatch {
                        try pending.write(mentionBatchStmt, rows: 0..<pending.rows)
                        pending.clear()
                    }
                }
            }
            for a in n.adrSentences {
                var pairs = JSONWriter(reserving: 256), expl = JSONWriter(reserving: 1024)
                NoteResult.writePairs(a.pairs, into: &pairs)
                NoteResult.writeExplanation(a.explanation, into: &expl)
                // Rounded like notes.jsonl so the table and the JSON agree digit for digit.
                let probability = JSONWriter.rounded(a.probability, digits: 4)
                let s = adrStmt
                try s.bind(2, n.noteID); try s.bind(3, n.patientID); try s.bind(4, a.sentence)
                try s.bind(5, a.begin); try s.bind(6, a.end); try s.bind(7, a.text); try s.bind(8, probability)
                try pairs.withBytes { try s.bindText(9, $0) }
                try expl.withBytes { try s.bindText(10, $0) }
                try s.step()
            }
        }

        /// Writes the mention rows still waiting for a full batch, one by one. Called before the indexes are built.
        func flushMentions() throws {
            for r in 0..<pending.rows { try pending.write(mentionStmt, rows: r..<(r + 1)) }
            pending.clear()
        }

        private func concept(_ m: MentionRecord) throws {
            concepts.insert(m.conceptID)
            let codes = m.codes.map { $0.system + ":" + $0.code }.joined(separator: ";")
            let s = conceptStmt
            try s.bind(1, m.conceptID); try s.bind(2, m.preferredName); try s.bind(3, m.category); try s.bind(4, codes)
            try s.bind(5, m.riskFactor)
            try s.step()
        }

        /// `line` is the profile's `profiles.jsonl` line, serialized once for both outputs. It is bound straight
        /// from its bytes: a patient's line can be hundreds of MB (a huge note with tens of thousands of ADR
        /// sentences), and a `String` copy added that much to the peak.
        func profile(_ p: PatientProfile, line: [UInt8]) throws {
            counts.patients += 1
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
                json.reset()
                PatientProfile.writeEvidence(f.evidence, into: &json)
                let s = riskStmt
                try s.bind(1, p.patientID); try s.bind(2, id.rawValue); try s.bind(3, f.status.rawValue)
                try s.bind(4, f.firstDate); try s.bind(5, f.lastDate); try s.bind(6, f.mentions); try json.withBytes { try s.bindText(7, $0) }
                try s.step()
            }
        }
    }

    private static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Mention rows waiting for a multi-row INSERT: per row the integer columns (`Inserter.intColumns` order) and
    /// the text columns (`Inserter.textColumns` order) as ranges of `bytes`, bound from there without a copy.
    struct PendingMentions {
        var ints: [Int] = []
        var texts: [Range<Int>] = []
        var bytes: [UInt8] = []
        var rows: Int { ints.count / Inserter.intColumns.count }

        mutating func append(_ text: String) {
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            texts.append(start..<bytes.count)
        }

        mutating func clear() {
            ints.removeAll(keepingCapacity: true)
            texts.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
        }

        /// Inserts rows `rows` with one run of `statement`, which has a row of parameters for each. Texts are bound
        /// without a copy, so the statement runs before `bytes` can change, and are bound again before every run;
        /// the bindings are kept so integers equal to the ones still bound need no new bind (`bindKept`).
        func write(_ statement: RawStatement, rows: Range<Int>) throws {
            let intColumns = Inserter.intColumns, textColumns = Inserter.textColumns
            let columns = Inserter.mentionColumnNames.count
            try bytes.withUnsafeBufferPointer { bytes in
                for r in rows {
                    let base = Int32((r - rows.lowerBound) * columns)
                    for (k, column) in intColumns.enumerated() { try statement.bindKept(base + column, ints[r * intColumns.count + k]) }
                    for (k, column) in textColumns.enumerated() {
                        try statement.bindStatic(base + column, UnsafeBufferPointer(rebasing: bytes[texts[r * textColumns.count + k]]))
                    }
                }
                try statement.step(keepBindings: true)
            }
        }
    }
}

/// An INSERT driven through the SQLite C API, for rows where GRDB's argument arrays cost too much: they copy
/// every text into a `String` and box every value.
final class RawStatement {
    private var stmt: OpaquePointer?
    private let connection: OpaquePointer?

    /// Per parameter (1-based), the integer `bindKept` bound there and still bound; `Int.min` when unknown. A raw
    /// buffer: a stored array in a class is checked for exclusive access on every write.
    private let keptInts: UnsafeMutableBufferPointer<Int>

    init(_ db: Database, sql: String) throws {
        connection = db.sqliteConnection
        var prepared: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection, sql, -1, &prepared, nil)
        stmt = prepared
        keptInts = .allocate(capacity: Int(sqlite3_bind_parameter_count(prepared)) + 1)
        keptInts.initialize(repeating: .min)
        guard rc == SQLITE_OK else { throw error("prepare") }
    }

    deinit {
        sqlite3_finalize(stmt)
        keptInts.deallocate()
    }

    /// SQLITE_TRANSIENT: SQLite copies the bytes before the bind call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func error(_ what: String) -> SQLiteWriterError {
        SQLiteWriterError(path: "", reason: "\(what): " + String(cString: sqlite3_errmsg(connection)))
    }

    private func check(_ rc: Int32, _ what: String) throws { if rc != SQLITE_OK { throw error(what) } }

    func bind(_ i: Int32, _ v: Int) throws {
        keptInts[Int(i)] = .min
        try check(sqlite3_bind_int64(stmt, i, sqlite3_int64(v)), "bind")
    }
    /// Binds `v` unless it is bound there already: bindings stay across `step(keepBindings: true)`, and most of a
    /// mention row's integers (its five flags and `ambiguous`, nearly always 0) repeat the row before.
    func bindKept(_ i: Int32, _ v: Int) throws {
        if keptInts[Int(i)] == v { return }
        try check(sqlite3_bind_int64(stmt, i, sqlite3_int64(v)), "bind")
        keptInts[Int(i)] = v
    }
    func bind(_ i: Int32, _ v: Int?) throws {
        if let v { try bind(i, v) } else { try bindNull(i) }
    }
    func bind(_ i: Int32, _ v: String) throws {
        var v = v
        try v.withUTF8 { try bindText(i, $0, copy: true) }
    }
    func bind(_ i: Int32, _ v: String?) throws {
        if let v { try bind(i, v) } else { try bindNull(i) }
    }
    func bind(_ i: Int32, _ v: Double) throws {
        keptInts[Int(i)] = .min
        try check(sqlite3_bind_double(stmt, i, v), "bind")
    }
    /// UTF-8 text SQLite copies.
    func bindText(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws { try bindText(i, bytes, copy: true) }
    /// Binds without a copy: the bytes must stay valid until `step()` returns.
    func bindStatic(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws { try bindText(i, bytes, copy: false) }

    /// UTF-8 text; `copy` false hands SQLite the caller's bytes (SQLITE_STATIC), true lets it copy them.
    private func bindText(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>, copy: Bool) throws {
        keptInts[Int(i)] = .min
        guard bytes.count <= Int(Int32.max) else { throw SQLiteWriterError(path: "", reason: "a value of \(bytes.count) bytes is too big for SQLite") }
        guard let base = bytes.baseAddress else { return try check(sqlite3_bind_text(stmt, i, "", 0, Self.transient), "bind") }
        try check(sqlite3_bind_text(stmt, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                                    copy ? Self.transient : nil), "bind")
    }

    func bindNull(_ i: Int32) throws {
        keptInts[Int(i)] = .min
        try check(sqlite3_bind_null(stmt, i), "bind")
    }

    /// Runs the INSERT. `keepBindings`: the values stay bound for the next row, for columns that repeat. A column
    /// bound with `bindStatic` must then be rebound before the next `step` (its buffer is gone by then; SQLite
    /// does not read a binding again until a step, and finalizing does not read it).
    func step(keepBindings: Bool = false) throws {
        let rc = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        if !keepBindings {
            sqlite3_clear_bindings(stmt)
            keptInts.update(repeating: .min)
        }
        guard rc == SQLITE_DONE else { throw error("insert") }
    }
}

public struct SQLiteWriterError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write the results database: \(reason)" }
}
