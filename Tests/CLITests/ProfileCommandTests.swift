import Foundation
import NoteMinerProfiles
import Testing
import TestSupport

/// `noteminer profile` merges per-note results produced anywhere (Spark partitions, array jobs, resumed runs).
/// The outputs must not depend on how the results were split or in which order the pieces arrive.
@Suite struct ProfileCommandTests {
    static let outputs = ["profiles.jsonl", "features.csv"]

    /// Records with mentions, assertions, codes and ADR sentences, written with the library's own encoder, so the
    /// merge is exercised on rich records whatever the extraction stages emit today.
    static func richRecords(count: Int) -> [[UInt8]] {
        let factors: [(String, String, String)] = [("diabetes", "E11.9", "type 2 diabetes"), ("hypertension", "I10", "hypertension"),
                                                   ("heart_failure", "I50.9", "heart failure"), ("copd", "J44.9", "COPD"),
                                                   ("chronic_kidney_disease", "N18.4", "CKD stage 4"), ("cancer", "C34.90", "lung cancer")]
        return (0..<count).map { i in
            var mentions: [MentionRecord] = []
            for k in 0..<(1 + i % 4) {
                let (rf, code, text) = factors[(i + k * 5) % factors.count]
                mentions.append(MentionRecord(begin: 10 * k, end: 10 * k + text.count, text: text, conceptID: rf, preferredName: text,
                                              category: "condition", codes: [CodingRecord(system: "ICD-10-CM", code: code)],
                                              riskFactor: rf, section: k % 2 == 0 ? "assessment_and_plan" : "past_medical_history",
                                              sentence: k, negated: (i + k) % 5 == 0, possible: (i + k) % 7 == 0,
                                              historical: (i + k) % 3 == 0, family: (i * k) % 11 == 1))
            }
            let adr = i % 6 == 0
                ? [ADRSentenceRecord(sentence: 2, begin: 40, end: 90, text: "Developed rash after amoxicillin.", probability: 0.5 + Double(i % 40) / 100,
                                     pairs: [PairRecord(drug: "amoxicillin", effect: "rash")],
                                     explanation: [ContributionRecord(feature: "after", contribution: 1.25)])]
                : []
            return NoteResult(noteID: "rich-\(i)", patientID: "patient-\(i % 31)", date: String(format: "2023-%02d-%02d", 1 + i % 12, 1 + i % 27),
                              noteType: i % 2 == 0 ? "discharge_summary" : "progress_note", age: i % 3 == 0 ? 40 + i % 45 : nil,
                              mentions: mentions, adrSentences: adr).jsonLine().dropLast().map { $0 }
        }
    }

    func profile(_ inputs: [String], out: String) throws -> [String: [UInt8]] {
        let outcome = try CLI.run(["profile"] + inputs + ["--out", out], stderr: out + ".err")
        #expect(outcome.status == 0, "profile failed: \((try? String(contentsOfFile: out + ".err", encoding: .utf8)) ?? "")")
        var files: [String: [UInt8]] = [:]
        for name in Self.outputs { files[name] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))) }
        return files
    }

    @Test func sevenPartitionsInRandomOrderGiveByteIdenticalProfiles() throws {
        let dir = try CLI.temporaryFolder("profile-merge")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Per-note results from `stream` (whatever the pipeline extracts) plus rich records for the same patients.
        try CLI.write((0..<400).map { SyntheticNotes.jsonLine($0, patients: 31) }, to: dir + "/notes.jsonl")
        let streamed = try CLI.run(["stream", "--lexicons", CLI.lexicons], stdin: dir + "/notes.jsonl", stdout: dir + "/streamed.jsonl")
        #expect(streamed.status == 0)
        let records = try CLI.lines(of: dir + "/streamed.jsonl") + Self.richRecords(count: 300)
        #expect(records.count == 700)
        try CLI.write(records, to: dir + "/all.jsonl")
        let expected = try profile([dir + "/all.jsonl"], out: dir + "/whole")
        #expect(expected["profiles.jsonl"]!.count > 1000)

        var rng = SplitMix64(seed: 20_240_907)
        for trial in 0..<4 {
            var parts = Array(repeating: [[UInt8]](), count: 7)
            for record in records.shuffled(using: &rng) { parts[Int.random(in: 0..<7, using: &rng)].append(record) }
            let partDir = dir + "/parts-\(trial)"
            try FileManager.default.createDirectory(atPath: partDir, withIntermediateDirectories: true)
            var paths: [String] = []
            for (i, part) in parts.enumerated() {
                // Spark names its output files part-NNNNN; trial 0 hands `profile` the folder as Spark leaves it.
                let path = partDir + (trial == 0 ? String(format: "/part-%05d", i) : "/p\(i).jsonl")
                try CLI.write(part, to: path)
                paths.append(path)
            }
            if trial == 0 { try Data().write(to: URL(fileURLWithPath: partDir + "/_SUCCESS")) }
            let merged = try profile(trial == 0 ? [partDir] : paths.shuffled(using: &rng), out: dir + "/merged-\(trial)")
            for name in Self.outputs {
                #expect(merged[name] == expected[name], "trial \(trial): \(name) differs after a 7-way random split")
            }
        }
    }

    /// An error record can carry the note id; read as a result it would add an empty note (and patient).
    @Test func errorRecordsFromStreamAreLeftOutAndReported() throws {
        let dir = try CLI.temporaryFolder("profile-errors")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rich = Self.richRecords(count: 40)
        try CLI.write(rich, to: dir + "/clean.jsonl")
        let errors = [Array("{\"note_id\":\"lost-note\",\"error\":{\"reason\":\"missing_text\",\"message\":\"record has no 'text' string\"},\"line\":3}".utf8),
                      Array("{\"note_id\":null,\"error\":{\"reason\":\"malformed_record\",\"message\":\"blank line\"},\"line\":9}".utf8)]
        try CLI.write(Array(rich[..<20]) + errors + Array(rich[20...]), to: dir + "/with-errors.jsonl")
        let clean = try profile([dir + "/clean.jsonl"], out: dir + "/clean")
        let outcome = try CLI.run(["profile", dir + "/with-errors.jsonl", "--out", dir + "/mixed"], stderr: dir + "/mixed.err")
        #expect(outcome.status == 3)
        #expect((try String(contentsOfFile: dir + "/mixed.err", encoding: .utf8)).contains("2 error record(s)"))
        for name in Self.outputs {
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/mixed/" + name))) == clean[name], "\(name) changed by error records")
        }
    }

    /// The profiles a cluster builds from streamed results equal those of a single-machine `run`.
    @Test func profileOfStreamedResultsEqualsRun() throws {
        let dir = try CLI.temporaryFolder("profile-run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try CLI.write((0..<300).map { SyntheticNotes.jsonLine($0, patients: 23) }, to: dir + "/notes.jsonl")
        let run = try CLI.run(["run", dir + "/notes.jsonl", "--lexicons", CLI.lexicons, "--jobs", "2", "--out", dir + "/run"], stderr: dir + "/run.err")
        #expect(run.status == 0)
        let streamed = try CLI.run(["stream", "--lexicons", CLI.lexicons], stdin: dir + "/notes.jsonl", stdout: dir + "/streamed.jsonl")
        #expect(streamed.status == 0)
        // Per-note results are the same bytes either way.
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/streamed.jsonl")) == Data(contentsOf: URL(fileURLWithPath: dir + "/run/notes.jsonl")))
        let fromStream = try profile([dir + "/streamed.jsonl"], out: dir + "/profiled")
        for name in Self.outputs {
            #expect(fromStream[name] == [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/run/" + name))), "\(name) differs from run's")
        }
    }
}
