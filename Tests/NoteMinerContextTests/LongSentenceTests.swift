import Foundation
import NoteMinerContext
import NoteMinerModel
import NoteMinerText
import Testing

/// Pathological one-sentence notes (the torture corpus: thousands of "no", thousands of mentions in one
/// sentence) keep ConText's answers and stay linear: triggers and terminations are found by binary search,
/// and a trigger farther than `maxTriggerDistance` tokens from a mention is not considered.
@Suite struct LongSentenceTests {
    /// Targets: every "fever" and "pain" token of one long sentence.
    static func assessAll(_ text: String) -> (Document, [Int], [Assertion]) {
        let doc = ShippedRules.analyzer.analyze(Note(noteID: "long", text: text))
        var indices: [Int] = []
        var targets: [ContextTarget] = []
        for (i, t) in doc.tokens.enumerated() where ["fever", "pain"].contains(doc.norm(of: t)) {
            indices.append(i)
            targets.append(ContextTarget(tokenBegin: Int32(i), tokenEnd: Int32(i + 1), sentence: Int32(doc.sentenceIndex(containingToken: i)!)))
        }
        return (doc, indices, ShippedRules.engine.assess(doc, targets: targets))
    }

    @Test func everyRepeatOfAShortPatternGetsTheSameAnswerAsTheShortSentence() {
        let unit = "no fever but chest pain and "
        let (_, _, short) = Self.assessAll("Patient has " + unit + "cough.")
        let (doc, _, long) = Self.assessAll("Patient has " + String(repeating: unit, count: 3000) + "cough.")
        #expect(doc.sentences.count == 1)
        #expect(short.count == 2 && long.count == 6000)
        // "no fever" negated; "but" terminates, so "chest pain" is not — in every repeat.
        #expect(short[0].negated && !short[1].negated)
        for k in stride(from: 0, to: long.count, by: 2) {
            #expect(long[k].negated == short[0].negated && long[k + 1].negated == short[1].negated, "repeat \(k / 2)")
            if !(long[k].negated && !long[k + 1].negated) { break }
        }
    }

    @Test func thousandsOfNoBeforeOneMention() {
        let (doc, indices, a) = Self.assessAll("Patient reports " + Array(repeating: "no", count: 5000).joined(separator: " ") + " chest pain.")
        #expect(indices.count == 1 && a[0].negated)
        // The evidence is the nearest "no", just before "chest".
        let evidence = a[0].evidence.first { $0.attribute == "negated" }
        #expect(evidence.map { Int($0.utf8End) } == Int(doc.tokens[indices[0] - 2].utf8End))
    }

    @Test func triggerBeyondTheDistanceIsNotConsidered() {
        let filler = Array(repeating: "word", count: ContextEngine.maxTriggerDistance + 10).joined(separator: " ")
        let (_, _, far) = Self.assessAll("Denies " + filler + " fever.")
        let (_, _, near) = Self.assessAll("Denies word word fever.")
        #expect(near[0].negated)
        #expect(!far[0].negated)
    }
}
