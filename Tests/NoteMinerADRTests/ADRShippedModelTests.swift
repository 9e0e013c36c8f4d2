import Foundation
import Testing
@testable import NoteMinerADR

/// The shipped model against the project's own clinical-style gold sentences (written for this purpose,
/// never used in training: the model's supplementary clinical sentences are a separate file).
@Suite struct ADRShippedModelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedModelGetsAtLeast85PercentOfTheClinicalGoldSet() throws {
        let model = try ADRModel.load(path: Self.root.appendingPathComponent("Lexicons/models/adr.json").path)
        let gold = try ADRExampleReader.load(path: Self.root.appendingPathComponent("Corpora/adr_gold.jsonl").path)
        #expect(gold.count >= 70)
        let m = ADREvaluator(model: model).evaluate(gold)
        let accuracy = Double(m.tp + m.tn) / Double(m.sentences)
        #expect(accuracy >= 0.85, "accuracy \(accuracy) tp \(m.tp) fp \(m.fp) fn \(m.fn) tn \(m.tn)")
    }

    /// A second small set written apart from both the gold set and the training supplement, never used to tune
    /// anything; a looser floor because 20 sentences make a coarse measure.
    @Test func shippedModelOnTheHeldOutClinicalSentences() throws {
        let model = try ADRModel.load(path: Self.root.appendingPathComponent("Lexicons/models/adr.json").path)
        let set = try ADRExampleReader.load(path: Self.root.appendingPathComponent("Tests/ADRFixtures/heldout_clinical.jsonl").path)
        let m = ADREvaluator(model: model).evaluate(set)
        #expect(Double(m.tp + m.tn) / Double(m.sentences) >= 0.75)
    }

    @Test func shippedModelIsSelfDescribing() throws {
        let model = try ADRModel.load(path: Self.root.appendingPathComponent("Lexicons/models/adr.json").path)
        #expect(model.provenance.sentences > 16_000)
        #expect(model.crossValidation != nil)
        #expect(model.threshold > 0 && model.threshold < 1)
    }
}
