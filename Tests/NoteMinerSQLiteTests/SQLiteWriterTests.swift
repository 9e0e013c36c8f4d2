import Foundation
import GRDB
import NoteMinerModel
import NoteMinerProfiles
import Testing
@testable import NoteMinerSQLite
import TestSupport

private func notes() -> [NoteResult] {
    [
        NoteResult(noteID: "a1", patientID: "P1", date: "2024-01-02", noteType: "discharge", age: 71, mentions: [
            MentionRecord(begin: 10, end: 22, text: "hypertension", conceptID: "C0020538", preferredName: "Hypertension",
                          category: "condition", codes: [CodingRecord(system: "ICD-10-CM", code: "I10")],
                          riskFactor: "hypertension", section: "history"),
            MentionRecord(begin: 30, end: 40, text: "chest pain", conceptID: "C0008031", preferredName: "Chest pain",
                          category: "condition", section: "ros", negated: true,
                          evidence: [EvidenceRecord(attribute: "negated", trigger: "denies", begin: 23, end: 29)]),
            MentionRecord(begin: 50, end: 59, text: "metformin", conceptID: "RX6809", preferredName: "Metformin", category: "drug"),
        ], adrSentences: [
            ADRSentenceRecord(sentence: 3, begin: 45, end: 90, text: "On metformin she had diarrhea.", probability: 0.876543,
                              pairs: [PairRecord(drug: "metformin", effect: "diarrhea")]),
        ]),
        NoteResult(noteID: "a2", patientID: "P1", mentions: [
            MentionRecord(begin: 0, end: 8, text: "diabetes", conceptID: "C0011849", preferredName: "Diabetes mellitus",
                          category: "condition", codes: [CodingRecord(system: "ICD-10-CM", code: "E11.9")], riskFactor: "diabetes"),
        ]),
        NoteResult(noteID: "b1", patientID: "P2 with 'quotes' and ; semicolons"),
    ]
}

private func profiles(_ notes: [NoteResult]) -> [PatientProfile] {
    var b = ProfileBuilder()
    for n in notes { b.add(n) }
    return b.profiles()
}

private let run = RunInfo(toolVersion: "9.9.9", lexiconFingerprint: "lex", modelFingerprint: "model", startedAt: nil,
                          quarantined: 2, inputs: ["in.jsonl"])

private func temporaryPath() throws -> String {
    try TestScratch.folder("sqlite").appendingPathComponent("results.sqlite").path
}

/// All rows of all tables, in rowid order, as text.
private func dump(_ path: String) throws -> [String] {
    let q = try DatabaseQueue(path: path)
    return try q.read { db in
        var out: [String] = []
        for table in ["runs", "notes", "concepts", "mentions", "adr_sentences", "profiles", "risk_factors"] {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") {
                out.append(table + ": " + row.description)
            }
        }
        return out
    }
}

@Suite struct SQLiteWriterTests {
    @Test func tablesIndexesAndRowCounts() throws {
        let path = try temporaryPath()
        let ns = notes()
        try SQLiteWriter.write(path: path, notes: ns, profiles: profiles(ns), run: run)
        let q = try DatabaseQueue(path: path)
        try q.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            #expect(tables == ["adr_sentences", "concepts", "mentions", "notes", "profiles", "risk_factors", "runs"])
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY name")
            #expect(indexes.contains("mentions_patient_id") && indexes.contains("mentions_concept_id"))
            #expect(indexes.contains("notes_patient_id") && indexes.contains("adr_sentences_patient_id"))
            #expect(indexes.contains("concepts_risk_factor"))
            // The planner uses the indexes for the queries users run most.
            let detail = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT * FROM mentions WHERE concept_id = ?", arguments: ["x"])
                .map { $0["detail"] as String? ?? "" }.joined()
            #expect(detail.contains("mentions_concept_id"))
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == SQLiteWriter.schemaVersion)

            func count(_ t: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)") ?? -1 }
            #expect(try count("runs") == 1)
            #expect(try count("notes") == 3)
            #expect(try count("mentions") == 4)
            #expect(try count("adr_sentences") == 1)
            #expect(try count("profiles") == 2)
            #expect(try count("risk_factors") == 2 * RiskFactorID.allCases.count)

            let runRow = try #require(try Row.fetchOne(db, sql: "SELECT * FROM runs"))
            #expect(runRow["notes"] as Int == 3 && runRow["mentions"] as Int == 4 && runRow["quarantined"] as Int == 2)
            #expect(runRow["started_at"] as String? == nil)

            let negated = try Row.fetchOne(db, sql: "SELECT * FROM mentions WHERE concept_id = 'C0008031'")!
            #expect(negated["negated"] as Bool == true && negated["span_begin"] as Int == 30)
            #expect(negated["ambiguous"] as Bool == false)
            #expect(negated["evidence_json"] as String == #"[{"attribute":"negated","trigger":"denies","begin":23,"end":29}]"#)
            #expect(try String.fetchOne(db, sql: "SELECT codes FROM concepts WHERE concept_id = 'C0020538'") == "ICD-10-CM:I10")
            // One row per concept, in order of first appearance; the view gives every mention its concept's columns.
            #expect(try count("concepts") == 4)
            #expect(try String.fetchAll(db, sql: "SELECT concept_id FROM concepts ORDER BY rowid") == ["C0020538", "C0008031", "RX6809", "C0011849"])
            let viewRow = try #require(try Row.fetchOne(db, sql: "SELECT * FROM mention_details WHERE concept_id = 'C0020538'"))
            #expect(viewRow["codes"] as String == "ICD-10-CM:I10" && viewRow["risk_factor"] as String == "hypertension")
            #expect(viewRow["preferred_name"] as String == "Hypertension" && viewRow["span_begin"] as Int == 10)
            #expect(try count("mention_details") == 4)
            #expect(try Row.fetchOne(db, sql: "SELECT * FROM mention_details WHERE concept_id = 'RX6809'")?["risk_factor"] as String? == nil)

            let status = try String.fetchOne(db, sql: "SELECT status FROM risk_factors WHERE patient_id = 'P1' AND risk_factor = 'hypertension'")
            #expect(status == "present")
            #expect(try Double.fetchOne(db, sql: "SELECT probability FROM adr_sentences") == 0.8765)
            let drug = try String.fetchOne(db, sql: "SELECT json_extract(pairs_json, '$[0].drug') FROM adr_sentences")
            #expect(drug == "metformin")
            let profile = try String.fetchOne(db, sql: "SELECT profile_json FROM profiles WHERE patient_id = 'P1'")
            #expect(profile.map { Array($0.utf8) + [10] } == profiles(ns).first?.jsonLine())
        }
    }

    @Test func sameInputGivesSameRows() throws {
        let a = try temporaryPath(), b = try temporaryPath()
        let ns = notes()
        try SQLiteWriter.write(path: a, notes: ns, profiles: profiles(ns), run: run)
        try SQLiteWriter.write(path: b, notes: ns, profiles: profiles(ns), run: run)
        let rows = try dump(a)
        #expect(rows.count > 40)
        #expect(rows == (try dump(b)))
        // Overwriting an existing database replaces it rather than appending.
        try SQLiteWriter.write(path: a, notes: ns, profiles: profiles(ns), run: run)
        #expect(try dump(a) == rows)
        #expect(!FileManager.default.fileExists(atPath: a + ".tmp"))
    }

    /// Mention rows are inserted in multi-row batches that run across notes, and the rest one by one: every row
    /// must come out as its record, numbered in order, whatever batch it fell in.
    @Test func mentionRowsMatchTheirRecordsAcrossBatches() throws {
        var ns: [NoteResult] = []
        var rng = SplitMix64(seed: 11)
        var expected: [[String]] = []
        for k in 0..<9 {
            var note = NoteResult(noteID: "n\(k)", patientID: "P\(k % 3)")
            for i in 0..<Int(rng.next() % 23) {
                let flags = (0..<6).map { _ in rng.next() % 5 == 0 }
                let evidence = flags[0] ? [EvidenceRecord(attribute: "negated", trigger: "no \(i)", begin: 1, end: 3)] : []
                let concept = "C\(rng.next() % 4)"
                let section = i % 2 == 0 ? "history" : "plan"
                var record = MentionRecord(begin: 10 * i, end: 10 * i + 4, text: "t\(k)-\(i) é", conceptID: concept,
                                           preferredName: "x", category: "condition", section: section, sentence: i / 3)
                record.negated = flags[0]; record.possible = flags[1]; record.historical = flags[2]
                record.hypothetical = flags[3]; record.family = flags[4]; record.ambiguous = flags[5]
                record.evidence = evidence
                note.mentions.append(record)
                let m = note.mentions[i]
                func b(_ v: Bool) -> String { v ? "1" : "0" }
                var json = JSONWriter()
                NoteResult.writeEvidence(m.evidence, into: &json)
                expected.append([note.noteID, note.patientID, "\(i)", "\(m.begin)", "\(m.end)", m.text, m.conceptID, m.section,
                                 "\(m.sentence)", b(m.negated), b(m.possible), b(m.historical), b(m.hypothetical), b(m.family),
                                 String(decoding: json.bytes, as: UTF8.self), b(m.ambiguous)])
            }
            ns.append(note)
        }
        #expect(expected.count > 3 * SQLiteWriter.Inserter.mentionBatch && expected.count % SQLiteWriter.Inserter.mentionBatch != 0)
        let path = try temporaryPath()
        try SQLiteWriter.write(path: path, notes: ns, profiles: profiles(ns), run: run)
        let rows = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mentions ORDER BY mention_id").map { row in
                (row["mention_id"] as Int, (1..<row.count).map { row[$0].map { "\($0.databaseValue.storage.value ?? "")" } ?? "" })
            }
        }
        #expect(rows.map(\.0) == Array(1...expected.count))
        for (r, e) in zip(rows, expected) {
            #expect(r.1 == e, "mention \(r.0)")
        }
    }

    @Test func duplicateNoteIdsKeepTheFirstRecord() throws {
        let path = try temporaryPath()
        var ns = notes()
        ns.append(NoteResult(noteID: "a1", patientID: "other"))
        try SQLiteWriter.write(path: path, notes: ns, profiles: profiles(ns), run: run)
        let q = try DatabaseQueue(path: path)
        let patient = try q.read { try String.fetchOne($0, sql: "SELECT patient_id FROM notes WHERE note_id = 'a1'") }
        #expect(patient == "P1")
    }

    /// The stream a run feeds while notes finish: the same rows as writing at the end, whatever order of calls
    /// the threads see; a failure is reported by `finish` (never a hang), and a cancelled or abandoned stream
    /// leaves no file behind.
    @Test func streamEqualsWriteAndFailsCleanly() throws {
        let ns = notes()
        let a = try temporaryPath(), b = try temporaryPath()
        try SQLiteWriter.write(path: a, notes: ns, profiles: profiles(ns), run: run)
        let stream = try SQLiteStream(path: b)
        for n in ns { stream.add(n) }
        usleep(20_000)  // let the thread insert the notes before the profiles arrive
        stream.notesComplete()
        for p in profiles(ns) { stream.add(p, line: p.jsonLine()) }
        try stream.finish(run: run)
        #expect(try dump(a) == (try dump(b)))

        let missing = "/nonexistent-\(UUID().uuidString)/results.sqlite"
        let failing = try SQLiteStream(path: missing)
        for _ in 0..<1000 { for n in ns { failing.add(n) } }
        for p in profiles(ns) { failing.add(p, line: [UInt8](repeating: 0x41, count: 1 << 20)) }
        #expect(throws: SQLiteWriterError.self) { try failing.finish(run: run) }

        let c = try temporaryPath()
        let cancelled = try SQLiteStream(path: c)
        for n in ns { cancelled.add(n) }
        cancelled.cancel()
        #expect(!FileManager.default.fileExists(atPath: c) && !FileManager.default.fileExists(atPath: c + ".tmp"))
        let d = try temporaryPath()
        do {
            let dropped = try SQLiteStream(path: d)
            for n in ns { dropped.add(n) }
        }
        #expect(!FileManager.default.fileExists(atPath: d) && !FileManager.default.fileExists(atPath: d + ".tmp"))
    }
}
