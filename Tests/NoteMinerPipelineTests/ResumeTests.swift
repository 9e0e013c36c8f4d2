import Foundation
import Testing
import TestSupport

/// `run` killed with SIGKILL mid-way and resumed gives byte-identical outputs to a clean run.
@Suite(.serialized) struct ResumeTests {
    static let outputs = ["notes.jsonl", "quarantine.jsonl", "profiles.jsonl", "features.csv", "manifest.json", "report.html",
                          "results.sqlite", "fhir/index.jsonl"]

    /// Synthetic notes varied enough that every note is different work.
    static func makeNotes(count: Int) -> Data {
        var lines = ""
        let bodies = [
            "HISTORY OF PRESENT ILLNESS:\\n%d-year-old man with HTN and T2DM presents with chest pain. Denies fever.\\nMEDICATIONS:\\nlisinopril 10 mg daily, metformin 500mg b.i.d.\\n",
            "CHIEF COMPLAINT: cough.\\nFAMILY HISTORY: Mother with breast cancer.\\nSOCIAL HISTORY: former smoker, %d pack-years.\\n",
            "ASSESSMENT AND PLAN:\\n1. Afib on warfarin, INR %d.\\n2. Rule out PE.\\nReturn if you develop shortness of breath.\\n",
            "HPI: She developed hives and itching two days after starting amoxicillin for sinusitis; amoxicillin was stopped. Age %d.\\n",
        ]
        for i in 0..<count {
            let body = String(format: bodies[i % bodies.count], 20 + i % 70)
            let filler = String(repeating: "Patient seen and examined, vitals stable, BP 120/80. ", count: 20 + i % 30)
            lines += "{\"note_id\": \"n\(i)\", \"patient_id\": \"p\(i % 97)\", \"date\": \"2024-01-\(String(format: "%02d", 1 + i % 28))\", \"text\": \"\(body)\(filler)\"}\n"
        }
        return Data(lines.utf8)
    }

    @Test func killedRunResumesToByteIdenticalOutputs() throws {
        let dir = try CLIRunner.temporaryFolder("resume")
        let input = dir.appendingPathComponent("notes.jsonl")
        try Self.makeNotes(count: 2500).write(to: input)
        let clean = dir.appendingPathComponent("clean").path
        let resumed = dir.appendingPathComponent("resumed").path

        let first = try CLIRunner.run(["run", input.path, "--out", clean, "--jobs", "2"])
        #expect(first.status == 0, "\(first.stderr)")

        let killed = try CLIRunner.start(["run", input.path, "--out", resumed, "--jobs", "2"])
        let cache = resumed + "/cache/index-1.tsv"
        var cachedLines = 0
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let d = FileManager.default.contents(atPath: cache) { cachedLines = d.filter { $0 == 0x0A }.count }
            if cachedLines > 100 { break }
            usleep(2_000)
        }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        #expect(killed.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: resumed + "/profiles.jsonl"), "outputs must not exist after a kill")

        let second = try CLIRunner.run(["run", input.path, "--out", resumed, "--jobs", "2"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("from cache"))
        let fromCache = Int(second.stderr.components(separatedBy: "; ").first { $0.hasSuffix("from cache") }?.split(separator: " ").first ?? "0") ?? 0
        #expect(fromCache > 0 && fromCache < 2500, "resume reused \(fromCache) results")
        for name in Self.outputs {
            let a = FileManager.default.contents(atPath: clean + "/" + name)
            let b = FileManager.default.contents(atPath: resumed + "/" + name)
            #expect(a != nil && a == b, "\(name) differs after resume")
        }
        // Every FHIR bundle too; and the notes have ADR sentences, whose numbers the reports print rounded (a
        // cached result holds them as notes.jsonl wrote them, a fresh one must hold the same).
        for bundle in try FileManager.default.contentsOfDirectory(atPath: clean + "/fhir") {
            #expect(FileManager.default.contents(atPath: clean + "/fhir/" + bundle) == FileManager.default.contents(atPath: resumed + "/fhir/" + bundle), "fhir/\(bundle)")
        }
        let cleanNotes = try String(contentsOfFile: clean + "/notes.jsonl", encoding: .utf8)
        #expect(cleanNotes.contains("\"adr_sentences\":[{"), "the notes should give ADR sentences")
        // The completed run left one cache generation, whose lines file is notes.jsonl itself (a hard link).
        let left = try FileManager.default.contentsOfDirectory(atPath: resumed + "/cache").sorted()
        #expect(left == ["index-2.tsv", "lines-2.jsonl"], "\(left)")
        var a = stat(), b = stat()
        #expect(stat(resumed + "/cache/lines-2.jsonl", &a) == 0 && stat(resumed + "/notes.jsonl", &b) == 0)
        #expect(a.st_ino == b.st_ino)

        // A third run reuses everything, and a changed result line in the cache is not trusted blindly: an index
        // entry pointing past the end of its lines file is skipped and the note computed again.
        let third = try CLIRunner.run(["run", input.path, "--out", resumed, "--jobs", "2"])
        #expect(third.status == 0 && third.stderr.contains("2500 from cache"), "\(third.stderr)")
        #expect(FileManager.default.contents(atPath: resumed + "/notes.jsonl") == FileManager.default.contents(atPath: clean + "/notes.jsonl"))
        let index = resumed + "/cache/index-3.tsv"
        var rows = try String(contentsOfFile: index, encoding: .utf8).split(separator: "\n").map(String.init)
        var fields = rows[1].split(separator: "\t").map(String.init)
        fields[1] = "999999999999"
        rows[1] = fields.joined(separator: "\t")
        try (rows.joined(separator: "\n") + "\n").write(toFile: index, atomically: false, encoding: .utf8)
        let fourth = try CLIRunner.run(["run", input.path, "--out", resumed, "--jobs", "2"])
        #expect(fourth.status == 0 && fourth.stderr.contains("2499 from cache"), "\(fourth.stderr)")
        #expect(FileManager.default.contents(atPath: resumed + "/notes.jsonl") == FileManager.default.contents(atPath: clean + "/notes.jsonl"))
    }

    @Test func parallelismDoesNotChangeOutputs() throws {
        let dir = try CLIRunner.temporaryFolder("jobs")
        let input = dir.appendingPathComponent("notes.jsonl")
        try Self.makeNotes(count: 200).write(to: input)
        let one = dir.appendingPathComponent("one").path, two = dir.appendingPathComponent("two").path
        #expect(try CLIRunner.run(["run", input.path, "--out", one, "--jobs", "1"]).status == 0)
        #expect(try CLIRunner.run(["run", input.path, "--out", two, "--jobs", "4", "--no-resume"]).status == 0)
        for name in Self.outputs {
            #expect(FileManager.default.contents(atPath: one + "/" + name) == FileManager.default.contents(atPath: two + "/" + name), "\(name)")
        }
    }
}
