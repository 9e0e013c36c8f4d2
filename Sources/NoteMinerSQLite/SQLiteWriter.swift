import Foundation
import GRDB
import NoteMinerModel
import NoteMinerProfiles

/// `results.sqlite`: the run's findings as tables a user can query with any SQLite client.
///
/// Schema (version `schemaVersion`, also stored as `PRAGMA user_version`); offsets are Unicode code point offsets
/// into the note text, half-open `[span_begin, span_end)`; booleans are 0/1; `*_json` columns hold the same JSON
/// as the matching `notes.jsonl` / `profiles.jsonl` fragment (query them with SQLite's `json_each`):
///
/// - `runs(run_id, schema_version, tool_version, lexicon_fingerprint, model_fingerprint, started_at, inputs_json,
///   notes, patients, mentions, adr_sentences, quarantined)` — one row.
/// - `notes(note_id PK, ordinal, patient_id, date, note_type, age, n_mentions, n_adr_sentences)` — input order.
/// - `mentions(mention_id PK, note_id, patient_id, ordinal, span_begin, span_end, text, concept_id, preferred_name,
///   category, codes, risk_factor, section, sentence, negated, possible, historical, hypothetical, family,
///   evidence_json)` — `codes` is `SYSTEM:CODE` joined by `;`.
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
            evidence_json TEXT NOT NULL);
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
            let queue = try DatabaseQueue(path: tmp)
            try queue.write { db in
                try db.execute(sql: schema)
                try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
                try insertRun(db, notes: notes, profiles: profiles, run: run)
                try insertNotes(db, notes)
                try insertProfiles(db, profiles)
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
            text(inputs.bytes), notes.count, profiles.count, notes.reduce(0) { $0 + $1.mentions.count },
            notes.reduce(0) { $0 + $1.adrSentences.count }, run.quarantined,
        ]
        try db.execute(sql: "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", arguments: StatementArguments(args))
    }

    private static func insertNotes(_ db: Database, _ notes: [NoteResult]) throws {
        let noteStmt = try db.makeStatement(sql: "INSERT INTO notes VALUES (?,?,?,?,?,?,?,?)")
        let mentionStmt = try db.makeStatement(sql: "INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        let adrStmt = try db.makeStatement(sql: "INSERT INTO adr_sentences VALUES (?,?,?,?,?,?,?,?,?,?)")
        var mentionID = 0, adrID = 0
        var seen = Set<String>()
        for (ordinal, n) in notes.enumerated() {
            // A note id given twice (a duplicated input) keeps its first record, like the profile builder keeps one.
            guard seen.insert(n.noteID).inserted else { continue }
            try noteStmt.execute(arguments: StatementArguments([
                n.noteID, ordinal, n.patientID, n.date, n.noteType, n.age, n.mentions.count, n.adrSentences.count,
            ] as [(any DatabaseValueConvertible)?]))
            for (i, m) in n.mentions.enumerated() {
                mentionID += 1
                var ev = JSONWriter()
                ev.beginArray()
                for e in m.evidence {
                    ev.beginObject(); ev.field("attribute", e.attribute); ev.field("trigger", e.trigger)
                    ev.field("begin", e.begin); ev.field("end", e.end); ev.endObject()
                }
                ev.endArray()
                let codes = m.codes.map { $0.system + ":" + $0.code }.joined(separator: ";")
                try mentionStmt.execute(arguments: StatementArguments([
                    mentionID, n.noteID, n.patientID, i, m.begin, m.end, m.text, m.conceptID, m.preferredName,
                    m.category, codes, m.riskFactor, m.section, m.sentence, m.negated, m.possible, m.historical,
                    m.hypothetical, m.family, text(ev.bytes),
                ] as [(any DatabaseValueConvertible)?]))
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
                try adrStmt.execute(arguments: StatementArguments([
                    adrID, n.noteID, n.patientID, a.sentence, a.begin, a.end, a.text, probability,
                    text(pairs.bytes), text(expl.bytes),
                ] as [(any DatabaseValueConvertible)?]))
            }
        }
    }

    private static func insertProfiles(_ db: Database, _ profiles: [PatientProfile]) throws {
        let profileStmt = try db.makeStatement(sql: "INSERT INTO profiles VALUES (?,?,?,?,?,?,?,?)")
        let rfStmt = try db.makeStatement(sql: "INSERT INTO risk_factors VALUES (?,?,?,?,?,?,?)")
        for p in profiles {
            var line = p.jsonLine()
            if line.last == UInt8(ascii: "\n") { line.removeLast() }
            try profileStmt.execute(arguments: StatementArguments([
                p.patientID, p.notes.count, p.age, p.charlson.index, p.conditions.count, p.medications.count,
                p.adverseEvents.count, text(line),
            ] as [(any DatabaseValueConvertible)?]))
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

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

public struct SQLiteWriterError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write the results database: \(reason)" }
}
