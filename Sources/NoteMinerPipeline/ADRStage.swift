import NoteMinerADR
import NoteMinerModel
import NoteMinerProfiles

/// The ADR stage: classifies the sentences that name a drug, and pairs drugs with effects in the flagged ones.
/// Requires: a document and its mentions. Adds: `adr_sentences` with probability, pairs and explanation.
///
/// Only sentences that name a drug and something that can be its effect (an adverse-effect or condition
/// mention) are scored: a sentence without a drug cannot report a drug reaction, and a bare medication line
/// ("lisinopril 10 mg daily") cannot report one either. Skipping them keeps the classifier, by far the most
/// expensive stage per sentence, a small share of a batch run.
public struct ADRStage: Sendable {
    public let model: ADRModel
    /// Contributions shown per flagged sentence.
    public var explanationSize = 8
    /// Longer "sentences" are not scored. The classifier was trained on sentences of a few hundred characters,
    /// and a run-on text without punctuation (a pasted list, a corrupted export) would be one sentence holding
    /// thousands of mentions, where pairing every drug with every effect costs quadratic time: a 2 MB note of
    /// that shape took minutes. 4 KB is over five times the longest sentence in the ADE training data (742 bytes).
    public var maxSentenceBytes = 4096

    public init(model: ADRModel) { self.model = model }

    public func sentences(_ doc: Document, mentions: [ExtractedMention]) -> [ADRSentenceRecord] {
        // Mentions grouped by sentence as runs of indices (mentions come in text order, so normally already
        // grouped): copying each mention into per-sentence arrays cost a second copy of every mention.
        var order = mentions.indices.filter { !mentions[$0].ambiguous }
        if !zip(order, order.dropFirst()).allSatisfy({ mentions[$0].record.sentence <= mentions[$1].record.sentence }) {
            order.sort { (mentions[$0].record.sentence, $0) < (mentions[$1].record.sentence, $1) }
        }
        var out: [ADRSentenceRecord] = []
        var runStart = 0
        while runStart < order.count {
            let index = mentions[order[runStart]].record.sentence
            var runEnd = runStart + 1
            while runEnd < order.count, mentions[order[runEnd]].record.sentence == index { runEnd += 1 }
            let run = order[runStart..<runEnd]
            runStart = runEnd
            guard run.contains(where: { mentions[$0].record.category == "drug" }),
                  run.contains(where: { mentions[$0].record.category != "drug" }),
                  index >= 0, index < doc.sentences.count else { continue }
            let s = doc.sentences[index]
            guard Int(s.utf8End) - Int(s.utf8Begin) <= maxSentenceBytes else { continue }
            let base = Int(s.utf8Begin)
            var drugs: [ADRMention] = [], effects: [ADRMention] = []
            for i in run {
                let m = mentions[i]
                let am = ADRMention(utf8Begin: m.utf8Begin - base, utf8End: m.utf8End - base, conceptID: m.record.conceptID,
                                    name: m.record.text, negated: m.record.negated, hypothetical: m.record.hypothetical)
                if m.record.category == "drug" { drugs.append(am) } else { effects.append(am) }
            }
            let input = ADRSentenceInput(text: doc.text(s.utf8Range), drugs: drugs, effects: effects)
            // Only flagged sentences pay for naming their top features.
            let p = model.predict(input, explainTop: explanationSize)
            guard p.isADR else { continue }
            let cp = doc.codePointRange(s.utf8Range)
            out.append(ADRSentenceRecord(
                sentence: index, begin: cp.lowerBound, end: cp.upperBound, text: input.text, probability: p.probability,
                pairs: p.pairs.map { PairRecord(drug: $0.drug, effect: $0.effect) },
                explanation: p.topContributions(explanationSize).map { ContributionRecord(feature: $0.feature, contribution: $0.value) }))
        }
        return out
    }
}
