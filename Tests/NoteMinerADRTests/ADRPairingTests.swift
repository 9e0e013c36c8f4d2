import Foundation
import Testing
import TestSupport
@testable import NoteMinerADR

/// Pairing from sentence structure alone (empty gazetteer, no lexicon annotations), so each pattern is
/// tested on its own.
@Suite struct ADRPairingTests {
    func pairs(_ text: String, drugs: [String] = [], effects: [(String, Bool)] = []) -> [ADRPair] {
        func mention(_ s: String, negated: Bool = false) -> ADRMention {
            let r = text.range(of: s)!
            return ADRMention(utf8Begin: text.utf8.distance(from: text.startIndex, to: r.lowerBound),
                              utf8End: text.utf8.distance(from: text.startIndex, to: r.upperBound), negated: negated)
        }
        var text = text
        let input = ADRSentenceInput(text: text, drugs: drugs.map { mention($0) }, effects: effects.map { mention($0.0, negated: $0.1) })
        return text.withUTF8 { ADRPairExtractor(gazetteer: ADRGazetteer()).pairs(bytes: $0, tokens: ADRText.tokenize($0), input: input) }
    }

    func set(_ p: [ADRPair]) -> Set<String> { Set(p.map { "\($0.drug)|\($0.effect)" }) }

    @Test(arguments: [
        ("Azithromycin-induced ototoxicity.", ["Azithromycin|ototoxicity"]),
        ("We report two cases of pseudoporphyria caused by naproxen and oxaprozin.", ["naproxen|pseudoporphyria", "oxaprozin|pseudoporphyria"]),
        ("Hyponatremia secondary to carbamazepine was corrected slowly.", ["carbamazepine|Hyponatremia"]),
        ("Seizures and transient blindness following intravenous pulse methylprednisolone.", ["methylprednisolone|Seizures", "methylprednisolone|transient blindness"]),
        ("She developed a rash after starting amoxicillin.", ["amoxicillin|rash"]),
        ("Lactic acidosis due to metformin in renal failure.", ["metformin|Lactic acidosis"]),
        ("Propecia-associated bilateral cataract.", ["Propecia|bilateral cataract"]),
        ("Pancreatitis attributed to azathioprine.", ["azathioprine|Pancreatitis"]),
        ("Practolol induced sclerosing peritonitis.", ["Practolol|sclerosing peritonitis"]),
        ("A patient receiving clozapine developed fever, rash and hepatitis.", ["clozapine|fever", "clozapine|rash", "clozapine|hepatitis"]),
        ("Hepatitis induced by trimethoprim-sulfamethoxazole.", ["trimethoprim|Hepatitis", "sulfamethoxazole|Hepatitis"]),
    ])
    func structurePatterns(text: String, expected: [String]) {
        #expect(set(pairs(text)) == Set(expected))
    }

    @Test func weakCuesNeedAKnownDrug() {
        // "after surgery" is not a drug; "after" alone only pairs with a drug the lexicon knows.
        #expect(pairs("Fever after surgery.").isEmpty)
        #expect(set(pairs("Fever after vancomycin.", drugs: ["vancomycin"])).contains("vancomycin|Fever"))
    }

    @Test func annotationsArePairedAndNegatedEffectsAreNot() {
        let p = set(pairs("INR 6.2 with gum bleeding on warfarin; no rash.", drugs: ["warfarin"], effects: [("gum bleeding", false), ("rash", true)]))
        #expect(p.contains("warfarin|gum bleeding"))
        #expect(!p.contains("warfarin|rash"))
    }

    @Test func causeVerbPairsPrecedingDrug() {
        let p = set(pairs("Phenytoin can cause gingival hyperplasia.", drugs: ["Phenytoin"]))
        #expect(p.contains("Phenytoin|gingival hyperplasia"))
    }
}

/// The bitsets in front of the pair extractor's word lists and cues only skip work: every answer equals the
/// plain scan's.
@Suite struct ADRWordFilterTests {
    static let vocabulary = ["induced", "by", "due", "to", "secondary", "in", "a", "patient", "treated", "with", "after",
                             "starting", "developed", "complained", "of", "rash", "warfarin", "and", "or", "the", "was",
                             "following", "on", "as", "result", "such", "including", "zzz", "0", "-", ","]

    @Test func cueListsFindExactlyTheCuesAPlainScanFinds() {
        var rng = TestSupport.SplitMix64(seed: 7)
        for list in [ADRPairExtractor.effectFirstCues, ADRPairExtractor.drugCues, ADRPairExtractor.effectListCues] {
            for _ in 0..<300 {
                let sentence = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Self.vocabulary.randomElement(using: &rng)! }
                    .joined(separator: " ")
                var text = sentence
                text.withUTF8 { bytes in
                    let tokens = ADRText.tokenize(bytes)
                    for i in tokens.indices {
                        let plain = list.cues.filter { cue in
                            i + cue.count <= tokens.count && cue.indices.allSatisfy { tokens[i + $0].hash == cue[$0] }
                        }
                        #expect(list.matching(tokens, at: i) == plain, "\(sentence) at token \(i)")
                    }
                }
            }
        }
    }

    @Test func wordSetsAnswerLikeSets() {
        let words = ["of", "with", "in", "developed", "because", "0", "h"]
        let set = WordSet(words.map(ADRText.hashWord))
        for w in words { #expect(set.contains(ADRText.hashWord(w))) }
        for w in Self.vocabulary + (0..<2000).map({ "w\($0)" }) where !words.contains(w) {
            #expect(!set.contains(ADRText.hashWord(w)), "\(w)")
        }
    }
}
