import Foundation
import NoteMinerModel

/// The JSON and text renderings of `eval mentions` and `agree`. Scores are rounded to 4 decimals; a score with a
/// zero denominator is null (text: "-"). Keys come in a fixed order and labels sorted, so reports diff cleanly.
public enum EvaluationReport {
    static func counts(_ c: PRFCounts, into w: inout JSONWriter) {
        w.beginObject()
        w.field("tp", c.tp)
        w.field("fp", c.fp)
        w.field("fn", c.fn)
        score("precision", c.precision, &w)
        score("recall", c.recall, &w)
        score("f1", c.f1, &w)
        w.endObject()
    }

    static func score(_ key: String, _ v: Double?, _ w: inout JSONWriter) {
        w.key(key)
        if let v { w.double(v, digits: 4) } else { w.null() }
    }

    static func spanScores(_ e: MentionEvaluation, into w: inout JSONWriter) {
        for mode in MatchMode.allCases {
            w.key(mode.rawValue)
            w.beginObject()
            w.field("rule", mode.rule)
            w.key("overall")
            counts(mode == .strict ? e.strictOverall : e.lenientOverall, into: &w)
            w.key("per_type")
            w.beginObject()
            for label in e.labels {
                w.key(label)
                counts((mode == .strict ? e.strict : e.lenient)[label] ?? PRFCounts(), into: &w)
            }
            w.endObject()
            w.key("relations")
            counts(e.relations[mode] ?? PRFCounts(), into: &w)
            w.endObject()
        }
    }

    static func documents(_ e: MentionEvaluation, _ names: (String, String), into w: inout JSONWriter) {
        w.key("documents")
        w.beginObject()
        w.field(names.0, e.referenceDocuments)
        w.field(names.1, e.otherDocuments)
        w.field("paired", e.notes.count - e.onlyReference.count - e.onlyOther.count)
        for (key, ids) in [("only_in_" + names.0, e.onlyReference), ("only_in_" + names.1, e.onlyOther)] {
            w.key(key)
            w.beginArray()
            for id in ids { w.string(id) }
            w.endArray()
        }
        w.endObject()
    }

    static func span(_ s: AnnotatedSpan?, text: String?, into w: inout JSONWriter) {
        guard let s else { w.null(); return }
        w.beginObject()
        w.field("begin", s.begin)
        w.field("end", s.end)
        w.field("label", s.label)
        w.field("text", text ?? "")
        w.key("attributes")
        w.beginArray()
        for a in ContextAttribute.allCases where s.attributes.contains(a) { w.string(a.rawValue) }
        w.endArray()
        w.endObject()
    }

    /// `eval mentions` as one JSON object (and a newline).
    public static func mentionsJSON(_ e: MentionEvaluation, includeErrors: Bool) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("offset_unit", "unicode_code_point")
        w.field("matching", MatchMode.oneToOneRule)
        documents(e, ("gold", "pred"), into: &w)
        spanScores(e, into: &w)
        w.key("attributes")
        w.beginObject()
        w.field("over", "strict matches")
        w.field("matched", e.table(.negated).total)
        for a in ContextAttribute.allCases {
            let t = e.table(a)
            w.key(a.rawValue)
            w.beginObject()
            w.field("gold_true", t.both + t.referenceOnly)
            w.field("pred_true", t.both + t.otherOnly)
            score("accuracy", t.accuracy, &w)
            let c = t.counts
            score("precision", c.precision, &w)
            score("recall", c.recall, &w)
            score("f1", c.f1, &w)
            w.endObject()
        }
        w.endObject()
        w.key("per_note")
        w.beginArray()
        for n in e.notes {
            w.beginObject()
            w.field("note_id", n.id)
            w.field("gold", n.referenceSpans)
            w.field("pred", n.otherSpans)
            w.key("strict")
            counts(n.strict, into: &w)
            w.key("lenient")
            counts(n.lenient, into: &w)
            w.endObject()
        }
        w.endArray()
        if includeErrors {
            w.key("errors")
            w.beginArray()
            for r in e.errors {
                w.beginObject()
                w.field("note_id", r.note)
                w.field("kind", r.kind.rawValue)
                w.key("gold")
                span(r.reference, text: r.referenceText, into: &w)
                w.key("pred")
                span(r.other, text: r.otherText, into: &w)
                if !r.attributes.isEmpty {
                    w.key("differing")
                    w.beginArray()
                    for a in r.attributes { w.string(a.rawValue) }
                    w.endArray()
                }
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        w.newline()
        return w.bytes
    }

    /// `agree` as one JSON object: span agreement with A as the reference, and per attribute the 2×2 table,
    /// observed and chance agreement and Cohen's kappa over strict matches.
    public static func agreementJSON(_ e: MentionEvaluation) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("offset_unit", "unicode_code_point")
        w.field("matching", MatchMode.oneToOneRule)
        w.field("reference", "a")
        w.field("note", "precision and recall swap when B is the reference; F1 does not change")
        documents(e, ("a", "b"), into: &w)
        spanScores(e, into: &w)
        w.key("attributes")
        w.beginObject()
        w.field("over", "strict matches")
        w.field("matched", e.table(.negated).total)
        for a in ContextAttribute.allCases {
            let t = e.table(a)
            w.key(a.rawValue)
            w.beginObject()
            w.key("table")
            w.beginObject()
            w.field("both", t.both)
            w.field("a_only", t.referenceOnly)
            w.field("b_only", t.otherOnly)
            w.field("neither", t.neither)
            w.endObject()
            score("observed_agreement", t.accuracy, &w)
            score("expected_agreement", t.expectedAgreement, &w)
            score("kappa", t.kappa, &w)
            w.endObject()
        }
        w.endObject()
        w.endObject()
        w.newline()
        return w.bytes
    }

    static func f(_ v: Double?) -> String {
        guard let v else { return "-" }
        return String(format: "%.4f", v)
    }

    static func row(_ name: String, _ c: PRFCounts) -> String {
        "  " + name.padding(toLength: 15) + " " + String(c.tp).leftPadding(6) + String(c.fp).leftPadding(6) + String(c.fn).leftPadding(6)
            + "  " + f(c.precision).leftPadding(6) + "  " + f(c.recall).leftPadding(6) + "  " + f(c.f1).leftPadding(6) + "\n"
    }

    static func spanTable(_ e: MentionEvaluation) -> String {
        var out = ""
        for mode in MatchMode.allCases {
            out += "\(mode.rawValue) (\(mode.rule)):\n"
            out += "  " + "type".padding(toLength: 15) + "     tp    fp    fn       P       R      F1\n"
            for label in e.labels { out += row(label, (mode == .strict ? e.strict : e.lenient)[label] ?? PRFCounts()) }
            out += row("overall", mode == .strict ? e.strictOverall : e.lenientOverall)
            out += row("relations", e.relations[mode] ?? PRFCounts())
        }
        return out
    }

    /// The readable table of `eval mentions --format text`.
    public static func mentionsText(_ e: MentionEvaluation, includeErrors: Bool) -> String {
        var out = "Mentions: \(e.notes.count) notes (gold \(e.referenceDocuments), pred \(e.otherDocuments)); offsets in code points.\n"
        out += "Matching is \(MatchMode.oneToOneRule).\n\n"
        out += spanTable(e)
        out += "\nattributes over \(e.table(.negated).total) strict matches:\n"
        out += "  " + "attribute".padding(toLength: 15) + " gold  pred     acc       P       R      F1\n"
        for a in ContextAttribute.allCases {
            let t = e.table(a), c = t.counts
            out += "  " + a.rawValue.padding(toLength: 15) + String(t.both + t.referenceOnly).leftPadding(5) + String(t.both + t.otherOnly).leftPadding(6)
                + "  " + f(t.accuracy).leftPadding(6) + "  " + f(c.precision).leftPadding(6) + "  " + f(c.recall).leftPadding(6) + "  " + f(c.f1).leftPadding(6) + "\n"
        }
        out += "\nper note (strict tp/fp/fn F1 | lenient tp/fp/fn F1):\n"
        for n in e.notes {
            out += "  \(n.id): \(n.strict.tp)/\(n.strict.fp)/\(n.strict.fn) \(f(n.strict.f1)) | \(n.lenient.tp)/\(n.lenient.fp)/\(n.lenient.fn) \(f(n.lenient.f1))\n"
        }
        if includeErrors {
            out += "\nerrors:\n"
            for r in e.errors {
                func show(_ s: AnnotatedSpan?, _ t: String?) -> String {
                    guard let s else { return "-" }
                    return "\(s.label) \(s.begin)-\(s.end) \"\(BratFormat.oneLine(t ?? ""))\""
                }
                out += "  \(r.note) \(r.kind.rawValue): gold \(show(r.reference, r.referenceText)) | pred \(show(r.other, r.otherText))"
                if !r.attributes.isEmpty { out += " differ: " + r.attributes.map(\.rawValue).joined(separator: ",") }
                out += "\n"
            }
        }
        return out
    }

    /// The readable table of `agree --format text`.
    public static func agreementText(_ e: MentionEvaluation) -> String {
        var out = "Agreement: \(e.notes.count) notes (A \(e.referenceDocuments), B \(e.otherDocuments)); A is the reference (F1 is symmetric).\n"
        out += "Matching is \(MatchMode.oneToOneRule).\n\n"
        out += spanTable(e)
        out += "\nCohen's kappa over \(e.table(.negated).total) strict matches:\n"
        out += "  " + "attribute".padding(toLength: 15) + " both A-only B-only neither     po      pe   kappa\n"
        for a in ContextAttribute.allCases {
            let t = e.table(a)
            out += "  " + a.rawValue.padding(toLength: 15) + String(t.both).leftPadding(5) + String(t.referenceOnly).leftPadding(7)
                + String(t.otherOnly).leftPadding(7) + String(t.neither).leftPadding(8) + "  " + f(t.accuracy).leftPadding(6)
                + "  " + f(t.expectedAgreement).leftPadding(6) + "  " + f(t.kappa).leftPadding(6) + "\n"
        }
        return out
    }
}

extension String {
    func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
    func leftPadding(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
