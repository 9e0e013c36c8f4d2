import Foundation
import Testing
import TestSupport

/// The commands end to end on Corpora/: export, a hand correction, eval mentions, agree and a broken file.
@Suite struct AnnotationCLITests {
    @Test func exportCorrectEvaluateAgree() throws {
        let dir = try CLIRunner.temporaryFolder("annotations")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpora = CLIRunner.packageRoot.appendingPathComponent("Corpora").path
        for format in ["brat", "jsonl"] {
            let r = try CLIRunner.run(["export", corpora, "--format", format, "--out", dir.appendingPathComponent(format).path, "--jobs", "2"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let brat = dir.appendingPathComponent("brat")
        let attributes = try FileManager.default.attributesOfItem(atPath: brat.appendingPathComponent("ed_note.ann").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        // "Correct" one note: retype the first entity, drop the second.
        let annURL = brat.appendingPathComponent("ed_note.ann")
        var lines = try String(contentsOf: annURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = lines.firstIndex { $0.hasPrefix("T1\t") }!
        let oldType = String(lines[first].split(separator: "\t")[1].split(separator: " ")[0])
        let newType = oldType == "Drug" ? "Condition" : "Drug"
        lines[first] = lines[first].replacingOccurrences(of: "\t\(oldType) ", with: "\t\(newType) ")
        lines.removeAll { $0.hasPrefix("T2\t") || $0.hasSuffix(" T2") || $0.contains(" T2\t") || $0.contains(":T2 ") || $0.hasSuffix(":T2") }
        try lines.joined(separator: "\n").write(to: annURL, atomically: true, encoding: .utf8)

        let eval = try CLIRunner.run(["eval", "mentions", "--gold", brat.path, "--pred", dir.appendingPathComponent("jsonl").path, "--errors"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let json = try JSONSerialization.jsonObject(with: eval.stdout) as! [String: Any]
        let overall = (json["strict"] as! [String: Any])["overall"] as! [String: Any]
        // One gold span retyped (1 fn + 1 fp) and one removed from gold (1 fp).
        #expect(overall["fn"] as? Int == 1 && overall["fp"] as? Int == 2)
        let kinds = Set((json["errors"] as! [[String: Any]]).map { $0["kind"] as! String })
        #expect(kinds == ["type", "spurious"])

        let agree = try CLIRunner.run(["agree", brat.path, dir.appendingPathComponent("jsonl").path, "--format", "text"])
        #expect(agree.status == 0)
        #expect(String(decoding: agree.stdout, as: UTF8.self).contains("Cohen's kappa"))

        // A broken line is reported with file:line and exit status 1.
        try "T1\tCondition 0 99999\tx\n".write(to: annURL, atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["eval", "mentions", "--gold", brat.path, "--pred", dir.appendingPathComponent("jsonl").path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("ed_note.ann:1"))
    }
}
