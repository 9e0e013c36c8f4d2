import Foundation
import Testing
import TestSupport
@testable import NoteMinerReports
import NoteMinerModel
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
        // Whatever window a snippet cuts from this text, it holds the markup, which must arrive escaped.
        let hostile = try render(noteText: { _ in String(repeating: "\"><img src=x onerror=alert(1)>", count: 40) })
        #expect(!hostile.contains("<img"))
        #expect(hostile.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    }

    /// A quote or `<` followed by a combining mark is one Swift character; it must still be escaped (the
    /// library's own escaping compares characters and let such a patient id out of its attribute).
    @Test func combiningMarksDoNotShieldMarkup() throws {
        let id = "P\"\u{301} onmouseover=alert(1) x=\"<\u{338}img src=x>"
        let notes = Fixtures.notes.map { n -> NoteResult in var n = n; n.patientID = id; return n }
        var builder = ProfileBuilder()
        for n in notes { builder.add(n) }
        let writer = try HTMLReportWriter(directory: Fixtures.reportsDirectory)
        let html = writer.render(notes: notes, profiles: builder.profiles(), run: Fixtures.run, noteText: Fixtures.noteText)
        #expect(html.contains("data-patient=\"P&quot;\u{301} onmouseover=alert(1) x=&quot;&lt;\u{338}img src=x&gt;\""))
        #expect(!html.contains("\"\u{301}") && !html.contains("<\u{338}"))
        #expect(HTMLEscaping.escape("a<b>&\"'é") == "a&lt;b&gt;&amp;&quot;&#39;é")
        #expect(HTMLEscaping.escape("plain text") == "plain text")
    }

    @Test func templatePrintsOnlyHighlightedMarkupUnescaped() throws {
        let template = try String(contentsOfFile: Fixtures.reportsDirectory + "/report.mustache", encoding: .utf8)
        #expect(template.components(separatedBy: "{{{").count - 1 == template.components(separatedBy: "{{{highlighted}}}").count - 1)
        #expect(!template.contains("{{&"))
        // The loader enforces it for any template: other names unescaped, or changed delimiters, are refused.
        #expect(throws: Never.self) { try HTMLEscaping.checkUnescapedTags(template) }
        for bad in ["<p>{{{patientID}}}</p>", "{{& text }}", "{{=<% %>=}}<%{patientID}%>", "{{! c }}\n{{{ noteID }}}", "{{{highlighted", "{{% CONTENT_TYPE: TEXT }}{{patientID}}"] {
            #expect(throws: HTMLEscaping.TemplateRuleError.self, "\(bad)") { try HTMLEscaping.checkUnescapedTags(bad) }
        }
        for good in ["{{{highlighted}}}", "{{& highlighted }}", "{{#a}}{{b}}{{/a}}{{!x}}", "{{ text }} {{{ highlighted }}}", ""] {
            #expect(throws: Never.self, "\(good)") { try HTMLEscaping.checkUnescapedTags(good) }
        }
        do {
            _ = try HTMLEscaping.template("line one\n<b>{{{patientID}}}</b>")
            Issue.record("accepted an unescaped patient id")
        } catch {
            #expect(String(describing: error).contains("line 2") && String(describing: error).contains("patientID"))
        }
    }

    @Test func highlightedMarkupEscapesEveryRun() {
        let runs = [HighlightRun("a<b>&\"'", .plain), HighlightRun("<script>", .concept), HighlightRun("x\u{301}<\u{338}", .trigger)]
        #expect(SafeHTML(runs).renderText == "a&lt;b&gt;&amp;&quot;&#39;<mark class=\"concept\">&lt;script&gt;</mark>"
            + "<mark class=\"trigger\">x\u{301}&lt;\u{338}</mark>")
        #expect(SafeHTML([]).renderText.isEmpty)
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
        // ADR rows link to the patient's card.
        let anchor = "p-" + String(SHA256.hex("P001").prefix(12))
        #expect(html.contains("<a href=\"#\(anchor)\">P001</a>") && html.contains("id=\"\(anchor)\""))
    }

    @Test func snippetWindowStopsAtSentenceEnds() {
        let text = Array("First one. Second has the word here. Third.".unicodeScalars)
        let segs = ReportContextProbe.highlight(text, 31, 35)
        #expect(segs == ["Second has the word ", "[here]", "."])
        // A hard-wrapped sentence continues over the line break; a list item or a blank line ends it.
        let wrapped = Array("PLAN:\nShe has type 2\ndiabetes and HTN, well\ncontrolled.\n* next item".unicodeScalars)
        #expect(ReportContextProbe.highlight(wrapped, 34, 37) == ["She has type 2\ndiabetes and ", "[HTN]", ", well\ncontrolled."])
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

    /// The ADR table shows the first `maxADRRows` events in profile order and says how many there are in all.
    @Test func adrTruncationKeepsTheFirstRowsAndCountsAll() throws {
        var writer = try HTMLReportWriter(directory: Fixtures.reportsDirectory)
        // The fixture notes plus copies of them under two more patients: three patients with adverse events.
        var notes = Fixtures.notes
        for suffix in ["b", "c"] {
            notes += Fixtures.notes.map { n in
                var copy = n
                copy.noteID += suffix
                copy.patientID += suffix
                return copy
            }
        }
        var builder = ProfileBuilder()
        for n in notes { builder.add(n) }
        let profiles = builder.profiles()
        let events = profiles.flatMap { p in p.adverseEvents.map { (p.patientID, $0) } }
        try #require(events.count >= 3)
        func rows(_ html: String) -> [String] {
            let body = html.components(separatedBy: "<table class=\"sortable\" id=\"adr-table\">").last ?? ""
            return body.components(separatedBy: "</tbody>")[0].components(separatedBy: "<tr><td>").dropFirst().map {
                $0.components(separatedBy: "</tr>")[0]
            }
        }
        let all = rows(writer.render(notes: notes, profiles: profiles, run: Fixtures.run))
        #expect(all.count == events.count)
        #expect(!writer.render(notes: notes, profiles: profiles, run: Fixtures.run).contains("Showing the first"))
        writer.maxADRRows = 2
        let html = writer.render(notes: notes, profiles: profiles, run: Fixtures.run)
        #expect(html.contains("Showing the first 2 of \(events.count) findings"))
        #expect(rows(html) == Array(all.prefix(2)))
        writer.maxADRRows = 1
        let one = writer.render(notes: notes, profiles: profiles, run: Fixtures.run)
        #expect(one.contains("Showing the first 1 of \(events.count) findings"))
        #expect(rows(one) == [all[0]])
        #expect(all[0].contains(events[0].1.drug))
    }
}

/// Reads the highlighter's output as plain strings, concepts in brackets.
enum ReportContextProbe {
    static func highlight(_ text: [Unicode.Scalar], _ b: Int, _ e: Int) -> [String] {
        HTMLHighlighter.highlight(text: text, spans: [(b, e, 2)], windowFrom: [(b, e, 2)]).map { run in
            run.kind == .concept ? "[\(run.text)]" : run.text
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

/// Writes a sample output folder for the external checks (`scripts/eval/validate_fhir.py`,
/// `scripts/eval/check_report.sh`) when `NOTEMINER_SAMPLE_OUT` names a folder; skipped otherwise.
@Suite struct SampleOutput {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NOTEMINER_SAMPLE_OUT"] != nil))
    func writeSampleFolder() throws {
        let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["NOTEMINER_SAMPLE_OUT"]!)
        var notes = Fixtures.notes
        // More patients with different subsets of the same findings, so the prevalence chart has varied bars.
        for k in 2...7 {
            for var n in Fixtures.notes.prefix(2) {
                n.noteID += "-v\(k)"
                n.patientID = "P00\(k)"
                n.mentions = n.mentions.enumerated().filter { ($0.offset + k) % 3 != 0 }.map(\.element)
                if k % 2 == 0 { n.adrSentences = [] }
                notes.append(n)
            }
        }
        let texts = Fixtures.texts
        let set = ReportSet(reportsDirectory: Fixtures.reportsDirectory,
                            noteText: { id in texts[String(id.split(separator: "-").first ?? "")] })
        let written = try set.write(to: out, notes: notes, run: Fixtures.run)
        #expect(written.contains("report.html"))
    }
}

/// Times each writer on `NOTEMINER_REPORT_BENCH` synthetic notes (two per patient); skipped otherwise. A
/// measurement aid, not a speed test: it asserts only that everything was written.
@Suite struct ReportBench {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NOTEMINER_REPORT_BENCH"] != nil))
    func timeWriters() throws {
        let n = Int(ProcessInfo.processInfo.environment["NOTEMINER_REPORT_BENCH"]!) ?? 10_000
        let base = Fixtures.notes
        var notes: [NoteResult] = []
        notes.reserveCapacity(n)
        for i in 0..<n {
            var note = base[i % base.count]
            note.noteID = "\(note.noteID)-\(i)"
            note.patientID = "P\(i / 2)"
            notes.append(note)
        }
        let texts = Fixtures.texts
        let out = try Fixtures.temporaryFolder()
        let clock = ContinuousClock()
        var profiles: [PatientProfile] = []
        let tProfiles = clock.measure {
            var b = ProfileBuilder()
            for note in notes { b.add(note) }
            profiles = b.profiles()
        }
        var bytes = 0
        let tBundles = clock.measure { for p in profiles { bytes += FHIRWriter.bundle(for: p).count } }
        var timings: [(String, Duration)] = [("profiles", tProfiles), ("fhir bundles in memory (\(bytes) B)", tBundles)]
        for (name, outputs) in [("profiles.jsonl", ReportSet.Outputs.profiles), ("features.csv", .features), ("fhir", .fhir),
                                ("report.html", .html), ("results.sqlite", .sqlite)] {
            let set = ReportSet(outputs: outputs, reportsDirectory: Fixtures.reportsDirectory,
                                noteText: { id in texts[String(id.split(separator: "-").first ?? "")] })
            timings.append((name, try clock.measure { try set.write(to: out, notes: notes, profiles: profiles, run: Fixtures.run) }))
        }
        print("report writers on \(n) notes / \(profiles.count) patients: " + timings.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("fhir").path).count == profiles.count + 1)
    }
}

/// Report snippets are cut from a window of the note rather than from all of its code points; the window must
/// give exactly the snippet the whole note gives, whatever the text around it (spaces, digits, line breaks,
/// sentence ends, multi-byte characters).
@Suite struct SnippetWindowTests {
    static func runs(_ runs: [HighlightRun]) -> [String] { runs.map { "\($0.text)|\($0.kind.rawValue)" } }

    @Test func windowGivesTheSameSnippetAsTheWholeNote() {
        let pieces = ["word ", "é ", "中文 ", ". ", ".\n", "\n", "\n\n", "   ", "\t", "123", "4.", " 5) ", "½", "- ", "• ", "😀", "No fever", ":\n", "\r\n"]
        var rng = SplitMix64(seed: 7)
        for round in 0..<300 {
            var text = ""
            let length = 50 + Int(rng.next() % 1500)
            while text.unicodeScalars.count < length {
                // Long runs of spaces or digits now and then, to cross the window's margin.
                if rng.next() % 40 == 0 {
                    text += String(repeating: rng.next() % 2 == 0 ? " " : "7", count: 100 + Int(rng.next() % 300))
                } else {
                    text += pieces[Int(rng.next() % UInt64(pieces.count))]
                }
            }
            let scalars = Array(text.unicodeScalars)
            let n = scalars.count
            let b = Int(rng.next() % UInt64(n)), e = min(n, b + 1 + Int(rng.next() % 20))
            var spans = [(b, e, 2)]
            if rng.next() % 2 == 0 {
                let tb = max(0, b - Int(rng.next() % 40))
                spans.append((tb, min(n, tb + 3), 1))
            }
            let whole = HTMLHighlighter.highlight(text: scalars, spans: spans, windowFrom: spans)
            let window = HTMLHighlighter.window(of: NoteBytes(utf8: Array(text.utf8)), around: spans)
            let shifted = spans.map { ($0.0 - window.offset, $0.1 - window.offset, $0.2) }
            let cut = HTMLHighlighter.highlight(text: window.scalars, spans: shifted, windowFrom: shifted)
            #expect(Self.runs(cut) == Self.runs(whole), "round \(round)")
            #expect(window.scalars.count <= n)
            #expect(HTMLHighlighter.decodeScalars(Array(text.utf8)[...]) == scalars)
            // Runs are encoded straight from their scalars: the same String as the scalars appended one by one.
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[b..<e])
            #expect(HTMLHighlighter.string(scalars[b..<e]) == String(view))
        }
        #expect(HTMLHighlighter.string([][...]) == "")
        let mixed: [Unicode.Scalar] = ["a", "\u{E9}", "\u{2026}", "\u{1F600}", "\u{0}", "z"]
        #expect(HTMLHighlighter.string(mixed[...]).unicodeScalars.elementsEqual(mixed))
    }

    /// The ASCII shortcuts of the snippet edge search agree with the Unicode properties they stand for, everywhere.
    @Test func asciiShortcutsAgreeWithUnicodeProperties() {
        for v in 0..<0x11_0000 {
            guard let c = Unicode.Scalar(v) else { continue }
            #expect(HTMLHighlighter.isNumeric(c) == (c.properties.numericType != nil), "U+\(String(v, radix: 16))")
            #expect(HTMLHighlighter.isWhitespace(c) == c.properties.isWhitespace, "U+\(String(v, radix: 16))")
        }
    }
}
