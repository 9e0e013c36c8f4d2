import Foundation
import NoteMinerModel
import Testing
import TestSupport
@testable import NoteMinerPipeline

/// The ADR stage inside the pipeline, with the shipped lexicons and model.
@Suite struct ADRStageTests {
    static let processor: PipelineProcessor? = try? PipelineProcessor.load(
        lexiconDirectory: CLIRunner.packageRoot.appendingPathComponent("Lexicons").path)

    @Test func flagsAReportedReaction() throws {
        let p = try #require(Self.processor)
        let r = p.process(Note(noteID: "n", text: "Lisinopril was stopped because of a persistent dry cough."), warnings: [])
        #expect(r.adrSentences.count == 1)
        #expect(r.adrSentences.first?.pairs.contains { $0.drug.lowercased() == "lisinopril" } == true)
    }

    /// A run-on text without punctuation is one "sentence" of thousands of mentions: not scored, so its cost stays
    /// linear (pairing within it was quadratic), while the ordinary sentence after it still is.
    @Test func runOnTextIsNotScoredButTheNextSentenceIs() throws {
        let p = try #require(Self.processor)
        let runOn = String(repeating: "fever cough dyspnea lisinopril denies ", count: 200)
        let text = runOn + "\n\nLisinopril was stopped because of a persistent dry cough."
        let r = p.process(Note(noteID: "n", text: text), warnings: [])
        #expect(runOn.utf8.count > 4096)
        #expect(r.adrSentences.count == 1)
        #expect(r.adrSentences.first?.text.hasPrefix("Lisinopril was stopped") == true)
        #expect(r.mentions.count > 800)  // the run-on text still gets its concept mentions
    }
}
