import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline
import NoteMinerProfiles
import Testing
import TestSupport

/// `--redact` acceptance: no date, phone number, e-mail, ID-like number or titled name survives in the evidence
/// of the sample corpus, checked with patterns written independently of the scanner (regular expressions).
@Suite struct RedactionCorpusTests {
    static let months = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
    /// (class, pattern). Exceptions are the documented ones: doses/counts followed by a unit, decimals, bare years.
    static let patterns: [(String, String)] = [
        ("date", #"\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b"#),
        ("date", #"\b\d{4}[/-]\d{1,2}[/-]\d{1,2}\b"#),
        ("date", #"\b\d{1,2}/\d{4}\b"#),
        ("date", #"\b\#(months)\.? \d{1,2}(?:st|nd|rd|th)?\b"#),
        ("date", #"\b\#(months)\.? (?:19|20)\d\d\b"#),
        ("date", #"\b\d{1,2}(?:st|nd|rd|th)? (?:of )?\#(months)\b"#),
        ("phone", #"\(\d{3}\) ?\d{3}[-. ]\d{4}\b"#),
        ("phone", #"\b\d{3}[-. ]\d{3}[-. ]\d{4}\b"#),
        ("phone", #"\b\d{3}-\d{4}\b"#),
        ("email", #"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#),
        ("id", #"\b\d{3}-\d{2}-\d{4}\b"#),
        ("id", #"(?<![\d.,])\d{6,}(?![\d.])(?! ?(?:mg|mcg|units?|copies|cells|/))"#),
        ("id", #"(?i)\b(?:MRN|MR#|SSN|acct|account)\b[\s#:.]*(?:no\.?|number)?\s*[A-Z0-9-]*\d"#),
        ("name", #"\b(?:Dr|Mr|Mrs|Ms)\.? (?!\[)[A-Z][a-z]"#),
        ("deid", #"\*\*[A-Z]{2,}|\[\*\*"#),
    ]
    static let compiled: [(String, NSRegularExpression)] = patterns.map { ($0.0, try! NSRegularExpression(pattern: $0.1)) }

    static func leaks(_ text: String) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        var found: [String] = []
        for (kind, re) in compiled {
            for m in re.matches(in: text, range: range) {
                found.append("\(kind): \(text[Range(m.range, in: text)!])")
            }
        }
        return found
    }

    /// The sample corpus plus a synthetic note with every PHI class (the corpus has no phone numbers or e-mails).
    static func notes() throws -> [Note] {
        let root = CLIRunner.packageRoot.appendingPathComponent("Corpora")
        var notes: [Note] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".txt") {
            let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
            notes.append(Note(noteID: String(name.dropLast(4)), text: text))
        }
        notes.append(Note(noteID: "synthetic-phi", text: """
            Patient: Rivera, Ana M.            MRN: 00482913
            Name: Ana Rivera  DOB: 04/17/1958  SSN 123-45-6789  Acct no. 77120
            Phone (555) 201-3344, cell 555.201.3345, pager 555-7788; e-mail ana.rivera58@example.org.
            Seen by Dr. Okafor on March 3, 2021 and by Mrs. Lee on 3 Mar 2021; follow-up 2021-04-01.
            Chest pain since Feb 28th. Denies fever. Lisinopril 10 mg daily caused a dry cough; stopped 03/2021.
            Penicillin G 2400000 units IM once. Platelets 250000 /uL. BP 120/80, HR 72, T 98.6F.
            Referred by Ms. Alvarez-Stone, record 55512345, insurance policy XK-449127.
            """))
        return notes
    }

    static var lexicons: String { CLIRunner.packageRoot.appendingPathComponent("Lexicons").path }

    @Test func theUnredactedCorpusHasPHIToFind() throws {
        // Guards the test itself: the patterns do find something to remove in every class.
        let all = try Self.notes().map(\.text).joined(separator: "\n")
        let kinds = Set(Self.leaks(all).map { String($0.prefix(while: { $0 != ":" })) })
        #expect(kinds == ["date", "phone", "email", "id", "name", "deid"])
    }

    @Test func wholeNotesAndEverySentenceAreRedacted() throws {
        let analyzer = try TextStageLoader.load(lexiconDirectory: Self.lexicons)
        let redactor = Redactor()
        for note in try Self.notes() {
            #expect(Self.leaks(redactor.redact(note.text)) == [], "note \(note.noteID)")
            // Every sentence as an evidence snippet, redacted with the whole note as context.
            let doc = analyzer.analyze(note)
            let map = redactor.map(note: note.text)
            for s in doc.sentences {
                let range = doc.codePointRange(s.utf8Range)
                let snippet = doc.text(s.utf8Range)
                let redacted = map.redact(snippet, begin: range.lowerBound)
                #expect(Self.leaks(redacted) == [], "note \(note.noteID) sentence \(snippet.debugDescription) → \(redacted.debugDescription)")
            }
        }
    }

    @Test func redactedResultsKeepOffsetsAndLeakNothing() throws {
        let processor = try PipelineProcessor.load(lexiconDirectory: Self.lexicons)
        var mentions = 0
        for note in try Self.notes() {
            let result = processor.process(note, warnings: [])
            let redacted = result.redacted(noteText: note.text)
            mentions += result.mentions.count
            #expect(redacted.mentions.count == result.mentions.count && redacted.adrSentences.count == result.adrSentences.count)
            for (a, b) in zip(result.mentions, redacted.mentions) {
                #expect(a.begin == b.begin && a.end == b.end && a.conceptID == b.conceptID)
                #expect(Self.leaks(b.text) == [] && b.evidence.allSatisfy { Self.leaks($0.trigger).isEmpty })
            }
            for s in redacted.adrSentences {
                #expect(Self.leaks(s.text) == [], "\(s.text)")
            }
            // A mention's text is a slice of the note: redaction changes it only where PHI was.
            for (a, b) in zip(result.mentions, redacted.mentions) where Self.leaks(a.text).isEmpty {
                #expect(a.text == b.text || b.text.contains("["))
            }
        }
        #expect(mentions > 0)
    }

    @Test func snippetWithoutContextFromACorpusLine() {
        // "Attending: Dr. Smith, MD" — the mention "Smith" alone is redacted only with the note as context.
        let note = "Attending: Dr. Smith, MD\nHe has heart failure."
        let map = Redactor().map(note: note)
        #expect(map.redact("Smith", begin: 15) == "[NAME]")
        #expect(map.redact("heart failure", begin: 32) == "heart failure")
    }
}
