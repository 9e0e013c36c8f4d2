import Foundation
import NoteMinerADR
import NoteMinerLexicon
import NoteMinerModel
import NoteMinerText

/// The shipped ADR model on arbitrary text: the whole input as one unannotated sentence, then every sentence
/// that names a drug and an effect with the lexicon mentions as annotations (what the ADR stage scores).
/// Probability finite and in [0, 1], the explanation sums exactly to the logit, the fast paths agree with it,
/// and pairs appear only on flagged sentences.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzADR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = noteText(data, size)
    checkPrediction(ADRSentenceInput(text: text))
    let doc = shippedAnalyzer.analyze(Note(noteID: "fuzz", text: text))
    let (mentions, assertions) = mentionsAndAssertions(doc)
    let concepts = shippedConcepts.lexicon.concepts
    var bySentence: [Int32: [(ConceptMention, Bool, Bool)]] = [:]
    for (m, a) in zip(mentions, assertions) where !m.ambiguous { bySentence[m.sentence, default: []].append((m, a.negated, a.hypothetical)) }
    for index in bySentence.keys.sorted() {
        let ms = bySentence[index]!
        let s = doc.sentences[Int(index)]
        let base = Int(s.utf8Begin)
        var drugs: [ADRMention] = [], effects: [ADRMention] = []
        for (m, negated, hypothetical) in ms {
            let b = Int(doc.tokens[Int(m.tokenBegin)].utf8Begin), e = Int(doc.tokens[Int(m.tokenEnd) - 1].utf8End)
            let concept = concepts[Int(m.concept)]
            let mention = ADRMention(utf8Begin: b - base, utf8End: e - base, conceptID: concept.id, name: doc.text(b..<e),
                                     negated: negated, hypothetical: hypothetical)
            if concept.category == .drug { drugs.append(mention) } else { effects.append(mention) }
        }
        guard !drugs.isEmpty, !effects.isEmpty else { continue }
        checkPrediction(ADRSentenceInput(text: doc.text(s.utf8Range), drugs: drugs, effects: effects))
    }
    return 0
}

private func checkPrediction(_ input: ADRSentenceInput) {
    let model = shippedADRModel
    let p = model.predict(input, explain: true)
    check(p.probability.isFinite && p.probability >= 0 && p.probability <= 1, "probability \(p.probability)")
    check(p.logit.isFinite, "logit \(p.logit)")
    check(p.contributions.reduce(p.bias) { $0 + $1.value } == p.logit, "contributions + bias \(p.contributions.reduce(p.bias) { $0 + $1.value }) != logit \(p.logit)")
    check(p.contributions.allSatisfy { $0.value.isFinite && $0.value != 0 && !$0.feature.isEmpty }, "empty or zero contribution")
    check(p.isADR == (p.probability >= model.threshold), "decision disagrees with threshold")
    check(p.isADR || p.pairs.isEmpty, "pairs on a sentence not flagged")
    let fast = model.predict(input, explain: false)
    check(fast.logit == p.logit && fast.isADR == p.isADR && fast.contributions.isEmpty, "explain changes the score")
    check(model.logit(input) == p.logit, "logit() \(model.logit(input)) != predict \(p.logit)")
    let top = p.topContributions(8)
    check(top.count == min(8, p.contributions.count), "top contributions count")
    _ = model.extractPairs(input)
}
