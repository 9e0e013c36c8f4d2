import Foundation
import NoteMinerIO
import NoteMinerModel
import Testing
import TestSupport

/// The torture corpus (every broken input at once) through the reader and through `noteminer run`:
/// nothing lost, nothing crashes, nothing escapes.
@Suite(.serialized) struct TortureTests {
    /// What a case became, in the expectation's terms.
    static func outcome(_ item: NoteInput, expected: TortureCorpus.Expectation) -> TortureCorpus.Expectation {
        switch item {
        case .refused(let r):
            return .quarantined(r.reason.rawValue)
        case .note(_, let warnings, _):
            if case .resultWithWarning(let code) = expected, warnings.contains(where: { $0.code == code }) { return expected }
            return warnings.contains(where: { $0.code != "bom_removed" }) ? .resultWithWarning(warnings.map(\.code).joined(separator: ",")) : .result
        }
    }

    @Test func readerGivesEveryCaseItsExpectedOutcomeInOrder() throws {
        let root = try CLIRunner.temporaryFolder("torture-reader")
        defer { try? FileManager.default.removeItem(at: root) }
        let layout = try TortureCorpus.generate(in: root, bigNoteBytes: 11 * 1024 * 1024, manyLines: 20_000)
        let items = Array(try NoteReader(inputs: layout.inputs))
        #expect(items.count == layout.cases.count)
        for (item, c) in zip(items, layout.cases) {
            #expect(Self.outcome(item, expected: c.expectation) == c.expectation, "\(c.name)")
            if case .refused(let r) = item { #expect(!r.message.isEmpty && !r.source.file.isEmpty, "\(c.name)") }
            if case .note(let note, _, _) = item { #expect(!note.text.contains("SECRET"), "\(c.name) read outside the folder") }
        }
    }

    /// Path → (kind, size, modification time, permissions) of everything under `url`, not following links.
    static func snapshot(_ url: URL, excluding: Set<String> = []) -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: url.path) else { return out }
        for case let rel as String in e {
            if excluding.contains(where: { rel == $0 || rel.hasPrefix($0 + "/") }) { continue }
            let a = (try? fm.attributesOfItem(atPath: url.path + "/" + rel)) ?? [:]
            out[rel] = "\(a[.type] ?? "?") \(a[.size] ?? "?") \(a[.modificationDate] ?? "?") \(a[.posixPermissions] ?? "?")"
        }
        return out
    }

    @Test func runOverTheTortureCorpusAccountsForEveryNoteAndWritesOnlyUnderOut() throws {
        let root = try CLIRunner.temporaryFolder("torture-run")
        defer { try? FileManager.default.removeItem(at: root) }
        let layout = try TortureCorpus.generate(in: root)
        let fm = FileManager.default
        let cwd = root.appendingPathComponent("cwd")
        try fm.createDirectory(at: cwd, withIntermediateDirectories: true)
        let out = root.appendingPathComponent("out")
        let sensitive = ["/etc/passwd", NSTemporaryDirectory() + "escape", "/tmp/escape", root.deletingLastPathComponent().path + "/escape"]
        func sensitiveState() -> [String] { sensitive.map { p in "\(p) \((try? fm.attributesOfItem(atPath: p)).map { "\($0[.size] ?? "") \($0[.modificationDate] ?? "")" } ?? "absent")" } }
        let before = Self.snapshot(root, excluding: ["out"])
        let sensitiveBefore = sensitiveState()

        let r = try CLIRunner.run(["run"] + layout.inputs + ["--out", out.path, "--jobs", "2"], currentDirectory: cwd)
        #expect(r.status == 3, "\(r.stderr.suffix(2000))")

        // Nothing outside --out changed: the input tree, the working directory, the usual escape targets.
        #expect(Self.snapshot(root, excluding: ["out"]) == before)
        #expect(sensitiveState() == sensitiveBefore)

        // Accounting: manifest counts, notes.jsonl lines and quarantine records all agree with the corpus.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
        let counts = manifest?["counts"] as? [String: Any]
        let notesIn = counts?["notes_in"] as? Int ?? -1
        let results = counts?["results"] as? Int ?? -1
        let quarantined = counts?["quarantined"] as? Int ?? -1
        #expect(notesIn == layout.cases.count)
        #expect(notesIn == results + quarantined)
        #expect(results == layout.expectedResults)
        let noteLines = try Data(contentsOf: out.appendingPathComponent("notes.jsonl")).split(separator: 0x0A)
        #expect(noteLines.count == results)
        let quarantineLines = try Data(contentsOf: out.appendingPathComponent("quarantine.jsonl")).split(separator: 0x0A)
        #expect(quarantineLines.count == quarantined)
        var reasons: [String] = []
        for line in quarantineLines {
            let q = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] ?? [:]
            let reason = q["reason"] as? String ?? ""
            #expect(RefusalReason(rawValue: reason) != nil, "unknown reason in \(String(decoding: line, as: UTF8.self))")
            #expect(!(q["message"] as? String ?? "").isEmpty && !(q["source"] as? String ?? "").isEmpty)
            reasons.append(reason)
        }
        #expect(reasons.sorted() == layout.expectedQuarantined)

        // Every output is a regular file or folder under --out, owner-only, and no output holds the outside note.
        let outPath = out.resolvingSymlinksInPath().path
        var files = 0
        for case let rel as String in fm.enumerator(atPath: out.path)! {
            let path = out.path + "/" + rel
            let a = try fm.attributesOfItem(atPath: path)
            let type = a[.type] as? FileAttributeType
            let mode = (a[.posixPermissions] as? Int) ?? 0o777
            #expect(type == .typeRegular || type == .typeDirectory, "\(rel) is \(String(describing: type))")
            #expect(URL(fileURLWithPath: path).resolvingSymlinksInPath().path.hasPrefix(outPath + "/"))
            #expect(mode & 0o077 == 0, "\(rel) has mode \(String(mode, radix: 8))")
            if type == .typeRegular {
                files += 1
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(data.range(of: Data("SECRET outside note".utf8)) == nil, "\(rel) holds text from outside the input folder")
            }
        }
        #expect(files >= 4)
    }
}
