import Foundation
import NoteMinerADR
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

/// The clinical layout rules applied to the classifier's pairs (`ADRStage.clinicalPairs`).
@Suite struct ClinicalPairTests {
    /// A mention of `name` at its `nth` occurrence in `text` (UTF-8 offsets).
    static func m(_ text: String, _ name: String, _ concept: String, nth: Int = 0) -> ADRMention {
        var from = text.startIndex
        var range = text.range(of: name)!
        for _ in 0..<nth {
            from = range.upperBound
            range = text.range(of: name, range: from..<text.endIndex)!
        }
        let b = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        return ADRMention(utf8Begin: b, utf8End: b + name.utf8.count, conceptID: concept, name: name)
    }

    static func keys(_ pairs: [ADRPair]) -> [String] { pairs.map { "\($0.drug)→\($0.effect)" } }

    @Test func indicationIsNotAReaction() {
        let t = "72-year-old man with HTN, T2DM, afib on\nwarfarin, and CKD stage 3."
        let r = ADRStage.clinicalPairs([ADRPair(drug: "warfarin", effect: "afib")], text: t,
                                       drugs: [Self.m(t, "warfarin", "drug:warfarin")],
                                       effects: [Self.m(t, "afib", "cond:atrial_fibrillation"), Self.m(t, "HTN", "cond:hypertension")])
        #expect(r.pairs.isEmpty)
        #expect(r.onlyIndications)
    }

    @Test func adverseEffectOnADrugStays() {
        let t = "Gum bleeding on warfarin with INR 6.2."
        let r = ADRStage.clinicalPairs([ADRPair(drug: "warfarin", effect: "bleeding")], text: t,
                                       drugs: [Self.m(t, "warfarin", "drug:warfarin")], effects: [Self.m(t, "bleeding", "ae:bleeding")])
        #expect(Self.keys(r.pairs) == ["warfarin→bleeding"])
        #expect(!r.onlyIndications)
    }

    @Test func allergyListPairsEachDrugWithItsOwnReaction() {
        let t = "amoxicillin (rash, 02/2019); codeine (nausea/vomiting - intolerance)."
        let all = ["rash", "nausea", "vomiting", "nausea/vomiting"].flatMap { e in ["amoxicillin", "codeine"].map { ADRPair(drug: $0, effect: e) } }
        let r = ADRStage.clinicalPairs(all, text: t,
                                       drugs: [Self.m(t, "amoxicillin", "drug:amoxicillin"), Self.m(t, "codeine", "drug:codeine")],
                                       effects: [Self.m(t, "rash", "ae:rash"), Self.m(t, "nausea/vomiting", "ae:nausea_vomiting")])
        #expect(Self.keys(r.pairs) == ["amoxicillin→rash", "codeine→nausea/vomiting"])
    }

    @Test func medicationLineWithDoseOwnsItsParenthetical() {
        let t = "amlodipine 10 mg q.d.; atorvastatin 20 mg q.h.s. (stopped because of muscle aches)."
        let r = ADRStage.clinicalPairs(["amlodipine", "atorvastatin"].map { ADRPair(drug: $0, effect: "muscle aches") }, text: t,
                                       drugs: [Self.m(t, "amlodipine", "drug:amlodipine"), Self.m(t, "atorvastatin", "drug:atorvastatin")],
                                       effects: [Self.m(t, "muscle aches", "ae:myalgia")])
        #expect(Self.keys(r.pairs) == ["atorvastatin→muscle aches"])
    }

    @Test func shorterEffectInsideALongerOneIsDropped() {
        let t = "Lisinopril discontinued because of persistent dry cough."
        let r = ADRStage.clinicalPairs([ADRPair(drug: "Lisinopril", effect: "dry cough"), ADRPair(drug: "Lisinopril", effect: "cough")], text: t,
                                       drugs: [Self.m(t, "Lisinopril", "drug:lisinopril")],
                                       effects: [Self.m(t, "dry cough", "ae:cough"), Self.m(t, "cough", "ae:cough")])
        #expect(Self.keys(r.pairs) == ["Lisinopril→dry cough"])
    }

    /// In a note, a history sentence naming a condition "on" its drug is not reported as an ADR sentence.
    @Test func historySentenceWithIndicationIsNotReported() throws {
        let p = try #require(ADRStageTests.processor)
        let text = """
            HISTORY OF PRESENT ILLNESS:
            Mr. Smith is a 72-year-old man with HTN, T2DM, CHF (EF 35-40%), afib on
            warfarin, CAD s/p CABG in 2015, and CKD stage 3 who presented with 5 days of
            progressive dyspnea on exertion, orthopnea (3 pillows), and bilateral leg
            edema.
            """
        let r = p.process(Note(noteID: "n", text: text), warnings: [])
        #expect(!r.adrSentences.contains { $0.pairs.contains { $0.effect == "afib" } })
    }
}
