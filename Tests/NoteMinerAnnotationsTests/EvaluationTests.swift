import Foundation
import NoteMinerAnnotations
import Testing

private let blank = String(repeating: "x", count: 100)

private func s(_ b: Int, _ e: Int, _ label: String, _ attributes: Set<ContextAttribute> = []) -> AnnotatedSpan {
    AnnotatedSpan(begin: b, end: e, label: label, attributes: attributes)
}

/// Note n1 (spans only; the text is 100 x's):
///   gold                          pred
///   G1 Condition     [0,10)       P1 Condition [0,10)      exact
///   G2 Drug          [20,28)      P2 Drug      [20,25)     partial overlap (boundary)
///   G3 AdverseEffect [30,40)      P3 Condition [30,40)     type confusion
///   G4 Condition     [50,60)      P4 Condition [48,75)     overlaps G4 by 10 and G5 by 5: one-to-one takes G4
///   G5 Condition     [70,80)                               missed
///                                 P5 Drug      [90,95)     spurious
///   relations: gold G2→G3, G2→G4; pred P2→P3, P2→P4
/// Note n2: four exact matches with attributes, relation C→D on both sides
///   A Condition [0,5) gold negated, pred negated      B Condition [10,15) gold negated, pred none
///   C Drug [20,25) gold none, pred negated            D AdverseEffect [30,35) historical on both
private let gold = [
    AnnotatedDocument(id: "n1", text: blank, spans: [s(0, 10, "Condition"), s(20, 28, "Drug"), s(30, 40, "AdverseEffect"), s(50, 60, "Condition"), s(70, 80, "Condition")],
                      relations: [AnnotatedRelation(label: "ADR", head: 1, child: 2), AnnotatedRelation(label: "ADR", head: 1, child: 3)]),
    AnnotatedDocument(id: "n2", text: blank, spans: [s(0, 5, "Condition", [.negated]), s(10, 15, "Condition", [.negated]), s(20, 25, "Drug"), s(30, 35, "AdverseEffect", [.historical])],
                      relations: [AnnotatedRelation(label: "ADR", head: 2, child: 3)]),
]
private let pred = [
    AnnotatedDocument(id: "n1", text: blank, spans: [s(0, 10, "Condition"), s(20, 25, "Drug"), s(30, 40, "Condition"), s(48, 75, "Condition"), s(90, 95, "Drug")],
                      relations: [AnnotatedRelation(label: "ADR", head: 1, child: 2), AnnotatedRelation(label: "ADR", head: 1, child: 3)]),
    AnnotatedDocument(id: "n2", text: blank, spans: [s(0, 5, "Condition", [.negated]), s(10, 15, "Condition"), s(20, 25, "Drug", [.negated]), s(30, 35, "AdverseEffect", [.historical])],
                      relations: [AnnotatedRelation(label: "ADR", head: 2, child: 3)]),
]

@Suite struct EvaluationTests {
    let e = try! MentionEvaluation(reference: gold, other: pred)

    @Test func strictCountsByHand() {
        // Strict TPs: G1, and all four of n2. Condition: tp 1+2, fp P3 P4, fn G4 G5. Drug: tp 1, fp P2 P5, fn G2.
        // AdverseEffect: tp 1 (n2 D), fn G3.
        #expect(e.strict["Condition"] == PRFCounts(tp: 3, fp: 2, fn: 2))
        #expect(e.strict["Drug"] == PRFCounts(tp: 1, fp: 2, fn: 1))
        #expect(e.strict["AdverseEffect"] == PRFCounts(tp: 1, fp: 0, fn: 1))
        // Overall tp 5, fp 4, fn 4: P = R = 5/9, F1 = 10/18.
        #expect(e.strictOverall == PRFCounts(tp: 5, fp: 4, fn: 4))
        #expect(abs(e.strictOverall.f1! - 10.0 / 18.0) < 1e-12)
    }

    @Test func lenientCountsByHand() {
        // Lenient adds G2–P2 (Drug) and G4–P4 (Condition, larger overlap than with G5). P3 stays a false
        // positive and G3 a miss: overlap alone does not match different types.
        #expect(e.lenient["Condition"] == PRFCounts(tp: 4, fp: 1, fn: 1))
        #expect(e.lenient["Drug"] == PRFCounts(tp: 2, fp: 1, fn: 0))
        #expect(e.lenient["AdverseEffect"] == PRFCounts(tp: 1, fp: 0, fn: 1))
        #expect(e.lenientOverall == PRFCounts(tp: 7, fp: 2, fn: 2))
        #expect(abs(e.lenientOverall.precision! - 7.0 / 9.0) < 1e-12)
        // n1 alone, lenient: tp 3 (G1, G2, G4), fp 2 (P3, P5), fn 2 (G3, G5): F1 = 6/10.
        #expect(e.notes[0].lenient == PRFCounts(tp: 3, fp: 2, fn: 2))
        #expect(e.notes[0].lenient.f1 == 0.6)
        #expect(e.notes[0].strict == PRFCounts(tp: 1, fp: 4, fn: 4))
    }

    @Test func attributesOverStrictMatchesByHand() {
        // Five strict matches (G1 + A..D). Negated, gold as reference: both A; gold only B; pred only C;
        // neither G1, D. Accuracy 3/5; P = R = 1/2; F1 = 2/(2+1+1) = 0.5.
        let neg = e.table(.negated)
        #expect(neg == AttributeTable(both: 1, referenceOnly: 1, otherOnly: 1, neither: 2))
        #expect(neg.accuracy == 0.6)
        #expect(neg.counts.f1 == 0.5)
        #expect(e.table(.historical) == AttributeTable(both: 1, referenceOnly: 0, otherOnly: 0, neither: 4))
        // No positives on either side: accuracy 1, F1 undefined (null), not a made-up score.
        #expect(e.table(.possible).accuracy == 1)
        #expect(e.table(.possible).counts.f1 == nil)
    }

    @Test func relationsFollowTheirSpansMatches() {
        // Strict: G2 has no strict match, so both n1 gold relations are misses and both n1 predicted ones false
        // positives; n2's C→D matches. Lenient: G2–P2 and G4–P4 match, so G2→G4 = P2→P4; G3 has no match (P3 is
        // another type), so G2→G3 is a miss and P2→P3 a false positive.
        #expect(e.relations[.strict] == PRFCounts(tp: 1, fp: 2, fn: 2))
        #expect(e.relations[.lenient] == PRFCounts(tp: 2, fp: 1, fn: 1))
    }

    @Test func errorsAreClassified() {
        let kinds = e.errors.map { "\($0.note):\($0.kind.rawValue)" }
        #expect(kinds == ["n1:boundary", "n1:type", "n1:boundary", "n1:missed", "n1:spurious", "n2:attribute", "n2:attribute"])
        #expect(e.errors[1].reference?.label == "AdverseEffect" && e.errors[1].other?.label == "Condition")
        #expect(e.errors[2].other?.begin == 48)
        #expect(e.errors[5].attributes == [.negated])
    }

    @Test func greedyTakesTheLargerOverlapThenThePosition() {
        // One prediction overlapping two gold spans equally: the earlier gold span wins.
        let g = [s(0, 10, "C"), s(12, 22, "C")], p = [s(5, 17, "C")]
        #expect(SpanMatcher.match(gold: g, pred: p, mode: .lenient) == [SpanPair(gold: 0, pred: 0)])
        // Two predictions on one gold span: the larger overlap wins, whatever the input order.
        let g2 = [s(10, 20, "C")], p2 = [s(0, 12, "C"), s(15, 30, "C")]
        #expect(SpanMatcher.match(gold: g2, pred: p2, mode: .lenient) == [SpanPair(gold: 0, pred: 1)])
        // A greedy choice can leave a span unmatched that a maximum matching would pair: documented, not hidden.
        let g3 = [s(0, 10, "C"), s(10, 14, "C")], p3 = [s(2, 13, "C")]
        #expect(SpanMatcher.match(gold: g3, pred: p3, mode: .lenient) == [SpanPair(gold: 0, pred: 0)])
    }

    @Test func documentsOnOneSideOnlyCountFully() throws {
        let only = try MentionEvaluation(reference: gold + [AnnotatedDocument(id: "n3", text: "ab", spans: [s(0, 1, "Drug")])],
                                         other: pred + [AnnotatedDocument(id: "n4", text: "ab", spans: [s(1, 2, "Drug")])])
        #expect(only.onlyReference == ["n3"] && only.onlyOther == ["n4"])
        #expect(only.strictOverall == PRFCounts(tp: 5, fp: 5, fn: 5))
        #expect(throws: AnnotationError.self) {
            try MentionEvaluation(reference: [AnnotatedDocument(id: "n", text: "ab", spans: [])], other: [AnnotatedDocument(id: "n", text: "abc", spans: [])])
        }
    }

    @Test func jsonReportCarriesTheFigures() throws {
        let json = try JSONSerialization.jsonObject(with: Data(EvaluationReport.mentionsJSON(e, includeErrors: true))) as! [String: Any]
        let strict = json["strict"] as! [String: Any]
        #expect((strict["rule"] as! String).contains("exact"))
        let overall = strict["overall"] as! [String: Any]
        #expect(overall["f1"] as! Double == 0.5556)
        let lenientAE = ((json["lenient"] as! [String: Any])["per_type"] as! [String: Any])["AdverseEffect"] as! [String: Any]
        #expect(lenientAE["recall"] as! Double == 0.5)
        let possible = (json["attributes"] as! [String: Any])["possible"] as! [String: Any]
        #expect(possible["f1"] is NSNull)
        #expect((json["errors"] as! [Any]).count == 7)
        #expect(EvaluationReport.mentionsText(e, includeErrors: true).contains("n1 type: gold AdverseEffect 30-40"))
    }
}

@Suite struct AgreementTests {
    /// 50 spans both annotators marked identically; "negated" set as in this table (A = reference):
    ///
    ///                 B negated   B not
    ///   A negated         20         5      | 25
    ///   A not             10        15      | 25
    ///                     30        20        50
    ///
    /// po = (20 + 15) / 50 = 0.7; pA = 25/50 = 0.5, pB = 30/50 = 0.6;
    /// pe = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = (0.7 − 0.5) / (1 − 0.5) = 0.4.
    @Test func kappaByHand() throws {
        var a: [AnnotatedSpan] = [], b: [AnnotatedSpan] = []
        for i in 0..<50 {
            let (x, y) = i < 20 ? (true, true) : i < 25 ? (true, false) : i < 35 ? (false, true) : (false, false)
            a.append(s(i * 2, i * 2 + 1, "Condition", x ? [.negated] : []))
            b.append(s(i * 2, i * 2 + 1, "Condition", y ? [.negated, .family] : [.family]))
        }
        let e = try MentionEvaluation(reference: [AnnotatedDocument(id: "d", text: blank, spans: a)],
                                      other: [AnnotatedDocument(id: "d", text: blank, spans: b)])
        let t = e.table(.negated)
        #expect(t == AttributeTable(both: 20, referenceOnly: 5, otherOnly: 10, neither: 15))
        #expect(abs(t.accuracy! - 0.7) < 1e-12)
        #expect(abs(t.expectedAgreement! - 0.5) < 1e-12)
        #expect(abs(t.kappa! - 0.4) < 1e-12)
        // B marks family everywhere, A nowhere: po = 0, pe = 0·1 + 1·0 = 0, kappa = 0.
        #expect(e.table(.family).kappa == 0)
        // Neither marks "possible": pe = 1, kappa undefined.
        #expect(e.table(.possible).kappa == nil)
        // Span agreement is perfect; F1 is symmetric.
        #expect(e.strictOverall.f1 == 1)
        let json = try JSONSerialization.jsonObject(with: Data(EvaluationReport.agreementJSON(e))) as! [String: Any]
        let negated = (json["attributes"] as! [String: Any])["negated"] as! [String: Any]
        #expect(negated["kappa"] as! Double == 0.4)
    }

    @Test func spanF1IsSymmetric() throws {
        let ab = try MentionEvaluation(reference: gold, other: pred), ba = try MentionEvaluation(reference: pred, other: gold)
        #expect(ab.strictOverall.f1 == ba.strictOverall.f1)
        #expect(ab.lenientOverall.f1 == ba.lenientOverall.f1)
        #expect(ab.lenientOverall.precision == ba.lenientOverall.recall)
    }
}
