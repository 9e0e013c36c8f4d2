import Foundation
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
        sentences(doc, records: mentions.map(\.resultRecord), utf8Ranges: mentions.map { $0.utf8Begin..<$0.utf8End })
    }

    /// `records[i]` is found at UTF-8 bytes `utf8Ranges[i]` of the note; ambiguous records are not used.
    public func sentences(_ doc: Document, records mentions: [MentionRecord], utf8Ranges: [Range<Int>]) -> [ADRSentenceRecord] {
        precondition(mentions.count == utf8Ranges.count, "one UTF-8 range per mention")
        // Mentions grouped by sentence as runs of indices (mentions come in text order, so normally already
        // grouped): copying each mention into per-sentence arrays cost a second copy of every mention.
        var order: [Int] = []
        order.reserveCapacity(mentions.count)
        for i in mentions.indices where !mentions[i].ambiguous { order.append(i) }
        if !zip(order, order.dropFirst()).allSatisfy({ mentions[$0].sentence <= mentions[$1].sentence }) {
            order.sort { (mentions[$0].sentence, $0) < (mentions[$1].sentence, $1) }
        }
        var out: [ADRSentenceRecord] = []
        var scratch = ADRScratch()
        // One pair of arrays for every sentence, emptied in place: a sentence's input is gone before the next.
        var drugs: [ADRMention] = [], effects: [ADRMention] = []
        var runStart = 0
        while runStart < order.count {
            let index = mentions[order[runStart]].sentence
            var runEnd = runStart + 1
            while runEnd < order.count, mentions[order[runEnd]].sentence == index { runEnd += 1 }
            let run = order[runStart..<runEnd]
            runStart = runEnd
            guard run.contains(where: { mentions[$0].category == "drug" }),
                  run.contains(where: { mentions[$0].category != "drug" }),
                  index >= 0, index < doc.sentences.count else { continue }
            let s = doc.sentences[index]
            guard Int(s.utf8End) - Int(s.utf8Begin) <= maxSentenceBytes else { continue }
            let base = Int(s.utf8Begin)
            drugs.removeAll(keepingCapacity: true)
            effects.removeAll(keepingCapacity: true)
            for i in run {
                let am = ADRMention(utf8Begin: utf8Ranges[i].lowerBound - base, utf8End: utf8Ranges[i].upperBound - base,
                                    conceptID: mentions[i].conceptID, name: mentions[i].text,
                                    negated: mentions[i].negated, hypothetical: mentions[i].hypothetical)
                if mentions[i].category == "drug" { drugs.append(am) } else { effects.append(am) }
            }
            let input = ADRSentenceInput(text: doc.text(s.utf8Range), drugs: drugs, effects: effects)
            // Only flagged sentences pay for naming their top features.
            let p = model.predict(input, explainTop: explanationSize, scratch: &scratch)
            guard p.isADR else { continue }
            let (pairs, onlyIndications) = Self.clinicalPairs(p.pairs, text: input.text, drugs: drugs, effects: effects)
            if onlyIndications { continue }
            let cp = doc.codePointRange(s.utf8Range)
            // Numbers as notes.jsonl writes them (4 decimals): a result read back from the resume cache then holds
            // the same values as a fresh one, so every report made from either is the same (report.html prints
            // them to 2–3 decimals, and rounding the full value there differed from rounding the 4-decimal one).
            out.append(ADRSentenceRecord(
                sentence: index, begin: cp.lowerBound, end: cp.upperBound, text: input.text,
                probability: JSONWriter.rounded(p.probability, digits: 4),
                pairs: pairs.map { PairRecord(drug: $0.drug, effect: $0.effect) },
                explanation: p.topContributions(explanationSize).map {
                    ContributionRecord(feature: $0.feature, contribution: JSONWriter.rounded($0.value, digits: 4))
                }))
        }
        return out
    }

    /// The classifier's pairs minus those the layout of a clinical sentence rules out (the classifier and its pair
    /// rules were trained on case-report sentences, which rarely look like these):
    /// - an indication: a condition (a `cond:` concept, not an adverse effect) right before "on <drug>"
    ///   ("afib on warfarin", "HTN on lisinopril") is what the drug treats; "bleeding on warfarin" stays;
    /// - an allergy or intolerance list: an effect in parentheses right after a drug ("amoxicillin (rash);
    ///   codeine (nausea)") belongs to that drug only;
    /// - a shorter effect inside a longer one with the same drug ("cough" beside "dry cough").
    /// `onlyIndications`: there were pairs and every one was an indication; such a sentence is not reported.
    static func clinicalPairs(_ pairs: [ADRPair], text: String, drugs: [ADRMention], effects: [ADRMention]) -> (pairs: [ADRPair], onlyIndications: Bool) {
        guard !pairs.isEmpty else { return (pairs, false) }
        let bytes = Array(text.utf8)
        func between(_ a: Int, _ b: Int) -> String {
            guard a <= b, b <= bytes.count else { return "\u{0}" }
            return String(decoding: bytes[a..<b], as: UTF8.self).trimmingWhitespace(newlines: true).lowercased()
        }
        func isIndication(_ e: ADRMention, _ d: ADRMention) -> Bool {
            (e.conceptID?.hasPrefix("cond:") ?? false) && between(e.utf8End, d.utf8Begin) == "on"
        }
        /// The drug whose parenthetical holds `e`: "(" before `e` with no ")" between, after a drug and its dose
        /// in the same list item ("atorvastatin 20 mg q.h.s. (stopped because of muscle aches)").
        func owner(of e: ADRMention) -> ADRMention? {
            var i = min(e.utf8Begin, bytes.count) - 1
            while i >= 0, bytes[i] != UInt8(ascii: "("), bytes[i] != UInt8(ascii: ")") { i -= 1 }
            guard i >= 0, bytes[i] == UInt8(ascii: "("),
                  let d = drugs.filter({ $0.utf8End <= i }).max(by: { $0.utf8End < $1.utf8End }) else { return nil }
            let gap = bytes[d.utf8End..<i]
            return gap.count <= 40 && !gap.contains { $0 == UInt8(ascii: ";") || $0 == 0x0A || $0 == UInt8(ascii: ")") || $0 == UInt8(ascii: ",") } ? d : nil
        }
        /// Where the effect is named: its mentions, or else (an effect the pair rules cut from a longer phrase,
        /// "nausea" in "nausea/vomiting") the places its words occur.
        func effectSpans(_ effect: String) -> [ADRMention] {
            let ms = effects.filter { $0.name == effect }
            if !ms.isEmpty { return ms }
            let needle = Array(effect.lowercased().utf8), hay = Array(text.lowercased().utf8)
            guard !needle.isEmpty, hay.count == bytes.count, needle.count <= hay.count else { return [] }
            var out: [ADRMention] = []
            for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(ADRMention(utf8Begin: i, utf8End: i + needle.count, conceptID: nil, name: effect))
            }
            return out
        }
        var kept: [ADRPair] = []
        var indications = 0
        for pair in pairs {
            let ds = drugs.filter { $0.name == pair.drug }, es = effectSpans(pair.effect)
            if es.contains(where: { e in ds.contains { d in isIndication(e, d) } }) {
                indications += 1
                continue
            }
            if !es.isEmpty, es.allSatisfy({ e in owner(of: e).map { $0.name != pair.drug } ?? false }) { continue }
            kept.append(pair)
        }
        kept = kept.filter { p in
            let effect = p.effect.lowercased()
            return !kept.contains { q in
                q.drug == p.drug && q.effect.utf8.count > p.effect.utf8.count && q.effect.lowercased().contains(effect)
            }
        }
        return (kept, indications == pairs.count)
    }
}
