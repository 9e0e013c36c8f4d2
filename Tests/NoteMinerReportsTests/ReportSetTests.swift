import Foundation
import Testing
@testable import NoteMinerReports
import NoteMinerProfiles

@Suite struct HTMLReportTests {
    func render(noteText: (@Sendable (String) -> String?)? = Fixtures.noteText) throws -> String {
        let writer = try HTMLReportWriter(directory: Fixtures.reportsDirectory)
        return writer.render(notes: Fixtures.notes, profiles: Fixtures.profiles, run: Fixtures.run, noteText: noteText)
    }

    @Test func noteTextIsHTMLEscaped() throws {
        for html in [try render(), try render(noteText: nil)] {
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            // The page's own script is the only one.
            #expect(html.components(separatedBy: "<script").count == 2)
        }
        let hostile = try render(noteText: { _ in "\"><img src=x onerror=alert(1)> chest pain" })
        #expect(!hostile.contains("<img"))
    }

    @Test func templateNeverUsesUnescapedTags() throws {
        let template = try String(contentsOfFile: Fixtures.reportsDirectory + "/report.mustache", encoding: .utf8)
        #expect(!template.contains("{{{") && !template.contains("{{&"))
    }

    @Test func pageIsSelfContained() throws {
        let html = try render()
        for needle in ["http://", "https://", "src=\"", "<link", "@import", "url("] {
            #expect(!html.contains(needle), "found \(needle)")
        }
    }

    @Test func evidenceHighlightsConceptAndTrigger() throws {
        let html = try render()
        #expect(html.contains("He <mark class=\"trigger\">denies</mark> <mark class=\"concept\">chest pain</mark>."))
        #expect(html.contains("<mark class=\"trigger\">Mother</mark> has <mark class=\"concept\">breast cancer</mark>."))
        // The ADR sentence highlights the drug mentions inside it.
        #expect(html.contains("Started <mark class=\"concept\">lisinopril</mark>"))
        #expect(html.contains("<mark class=\"trigger\">dry cough</mark>"))
        // Without texts, the matched words and trigger are still shown.
        let bare = try render(noteText: nil)
        #expect(bare.contains("<mark class=\"concept\">chest pain</mark>  negated: <mark class=\"trigger\">denies</mark>"))
    }

    @Test func summaryCountsAndPrevalence() throws {
        let html = try render()
        #expect(html.contains("<div class=\"n\">3</div><div class=\"l\">notes</div>"))
        #expect(html.contains("<div class=\"n\">2</div><div class=\"l\">patients</div>"))
        #expect(html.contains("<div class=\"n\">1</div><div class=\"l\">quarantined notes</div>"))
        // Hypertension: 1 of 2 patients present.
        #expect(html.contains("<div class=\"name\">Hypertension</div>\n      <div class=\"bar\"><span class=\"s-present\" style=\"width:50%\">"))
        #expect(html.contains("class=\"sortable\""))
    }

    @Test func snippetWindowStopsAtSentenceEnds() {
        let text = Array("First one. Second has the word here. Third.".unicodeScalars)
        let segs = ReportContextProbe.highlight(text, 31, 35)
        #expect(segs == ["Second has the word ", "[here]", "."])
        let long = Array((String(repeating: "a", count: 300) + " target " + String(repeating: "b", count: 300)).unicodeScalars)
        let cut = ReportContextProbe.highlight(long, 301, 307)
        #expect(cut.first == "\u{2026}" && cut.last == "\u{2026}")
    }

    @Test func truncationIsAnnounced() throws {
        var writer = try HTMLReportWriter(directory: Fixtures.reportsDirectory)
        writer.maxPatientCards = 1
        let html = writer.render(notes: Fixtures.notes, profiles: Fixtures.profiles, run: Fixtures.run)
        #expect(html.contains("Showing the first 1 of 2 patients"))
        #expect(html.components(separatedBy: "<article class=\"card\"").count == 2)
    }
}

/// Reads the highlighter's output as plain strings, concepts in brackets.
enum ReportContextProbe {
    static func highlight(_ text: [Unicode.Scalar], _ b: Int, _ e: Int) -> [String] {
        HTMLHighlighter.highlight(text: text, spans: [(b, e, 2)], windowFrom: [(b, e, 2)]).map { seg in
            let t = seg["text"] as! String
            return seg["concept"] as! Bool ? "[\(t)]" : t
        }
    }
}

@Suite struct ReportSetTests {
    func files(in folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
        for case let url as URL in e where !url.hasDirectoryPath && url.lastPathComponent != "results.sqlite" {
            out[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
        }
        return out
    }

    @Test func writesEveryOutputAndIsByteIdenticalAcrossWrites() throws {
        let set = ReportSet(reportsDirectory: Fixtures.reportsDirectory, noteText: Fixtures.noteText)
        let a = try Fixtures.temporaryFolder("a"), b = try Fixtures.temporaryFolder("b")
        let written = try set.write(to: a, notes: Fixtures.notes, run: Fixtures.run)
        try set.write(to: b, notes: Fixtures.notes, profiles: Fixtures.profiles, run: Fixtures.run)
        for name in ["profiles.jsonl", "features.csv", "report.html", "results.sqlite", "fhir/P001.json", "fhir/index.jsonl"] {
            #expect(written.contains(name), "missing \(name)")
            #expect(FileManager.default.fileExists(atPath: a.appendingPathComponent(name).path))
        }
        let fa = try files(in: a), fb = try files(in: b)
        #expect(fa.keys.sorted() == fb.keys.sorted())
        for (k, v) in fa { #expect(fb[k] == v, "\(k) differs") }
        // Rewriting into the same folder gives the same bytes too (no leftovers, no appends).
        try set.write(to: a, notes: Fixtures.notes, run: Fixtures.run)
        #expect(try files(in: a) == fa)
        let profiles = try String(contentsOf: a.appendingPathComponent("profiles.jsonl"), encoding: .utf8)
        #expect(profiles.split(separator: "\n").count == 2)
        let csv = try String(contentsOf: a.appendingPathComponent("features.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("patient_id,n_notes,hypertension,hypertension_status"))
    }

    @Test func missingTemplateFailsBeforeWritingAnything() throws {
        let folder = try Fixtures.temporaryFolder()
        let empty = try Fixtures.temporaryFolder("empty")
        #expect(throws: ReportError.self) {
            try ReportSet(reportsDirectory: empty.path).write(to: folder, notes: Fixtures.notes, run: Fixtures.run)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
