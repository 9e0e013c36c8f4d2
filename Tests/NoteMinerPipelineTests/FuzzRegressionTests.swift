import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline
import NoteMinerText
import Testing
import TestSupport

/// Replays the fuzz seeds and every saved fuzz crash (`Fuzz/Regressions/`) through every stage with the fuzz
/// targets' invariant checks, so a crash once found stays fixed in the normal test suite.
@Suite struct FuzzRegressionTests {
    static func inputs() -> [(String, [UInt8])] {
        let fm = FileManager.default
        var out: [(String, [UInt8])] = []
        for dir in ["Fuzz/Seeds", "Fuzz/Regressions"] {
            let url = CLIRunner.packageRoot.appendingPathComponent(dir)
            for name in ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).sorted() where !name.hasSuffix(".md") {
                if let d = fm.contents(atPath: url.appendingPathComponent(name).path) { out.append((dir + "/" + name, [UInt8](d))) }
            }
        }
        return out
    }

    @Test func seedsAndRegressionsKeepEveryInvariant() throws {
        let inputs = Self.inputs()
        #expect(inputs.count >= 6)
        let lexicons = CLIRunner.packageRoot.appendingPathComponent("Lexicons").path
        let analyzer = try TextStageLoader.load(lexiconDirectory: lexicons)
        let processor = try PipelineProcessor.load(lexiconDirectory: lexicons)
        for (name, bytes) in inputs {
            // Readers: every encoding, as the Reader target does (first byte selects, the rest is the note).
            for encoding in TextEncoding.allCases {
                if case .text(let t, _) = NoteTextDecoder.decode(Array(bytes.dropFirst()), encoding: encoding) {
                    #expect(!t.unicodeScalars.contains("\u{0}"), "\(name) \(encoding)")
                }
            }
            // Section detector on the raw bytes.
            let raw = bytes.withUnsafeBufferPointer { analyzer.sectionDetector.detect($0) }
            #expect(raw.first?.utf8Begin ?? 0 == 0 && Int(raw.last?.utf8End ?? 0) == bytes.count, "\(name)")
            for (a, b) in zip(raw, raw.dropFirst()) { #expect(a.utf8End == b.utf8Begin, "\(name)") }
            // Text stage on the repaired text.
            let text = String(decoding: bytes, as: UTF8.self)
            let doc = analyzer.analyze(Note(noteID: name, text: text))
            var last: Int32 = 0
            for t in doc.tokens {
                #expect(t.utf8Begin >= last && t.utf8End > t.utf8Begin && Int(t.utf8End) <= doc.utf8.count, "\(name)")
                last = t.utf8End
            }
            for s in doc.sentences {
                guard let i = doc.sectionIndex(containing: Int(s.utf8Begin)) else { Issue.record("\(name): sentence outside sections"); continue }
                #expect(doc.sections[i].utf8End >= s.utf8End, "\(name)")
            }
            // Whole pipeline and redaction: offsets within the note, redaction idempotent.
            let result = processor.process(Note(noteID: name, text: text), warnings: [])
            let length = text.unicodeScalars.count
            #expect(result.mentions.allSatisfy { $0.begin >= 0 && $0.begin < $0.end && $0.end <= length }, "\(name)")
            let redacted = Redactor().redact(text)
            #expect(Redactor().redact(redacted) == redacted, "\(name)")
        }
    }
}
