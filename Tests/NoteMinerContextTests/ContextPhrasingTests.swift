import Foundation
import NoteMinerContext
import NoteMinerModel
import NoteMinerText
import Testing
import TestSupport

/// The shipped rule files, loaded once: the regressions below pin what users of other negation tools
/// report most, so they must hold for the rules NoteMiner ships, not for a test-only rule set.
enum ShippedRules {
    static let lexicons: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Lexicons").path
    }()

    static let tokenizer = Tokenizer()
    static let engine: ContextEngine = {
        do {
            return try ContextEngine.load(rulesPath: lexicons + "/context_rules.jsonl",
                                          sectionRulesPath: lexicons + "/section_rules.jsonl", tokenizer: tokenizer)
        } catch {
            fatalError("shipped ConText rules do not load: \(error)")
        }
    }()
    static let analyzer = TextAnalyzer(tokenizer: tokenizer, sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter())
}

/// Assesses every marked span of `marked` and returns, per span, its expected label and the attributes found
/// ("none" when affirmed, otherwise attribute names joined by "-" in `AssertionAttribute` order).
func assess(_ marked: MarkedText) -> [(expected: String, found: String, span: String)] {
    let doc = ShippedRules.analyzer.analyze(Note(noteID: "t", text: marked.text))
    var targets: [ContextTarget] = []
    for span in marked.spans {
        let overlapping = doc.tokens.indices.filter {
            doc.tokens[$0].kind != .newline && Int(doc.tokens[$0].utf8End) > span.utf8.lowerBound && Int(doc.tokens[$0].utf8Begin) < span.utf8.upperBound
        }
        let first = overlapping.first!, last = overlapping.last!
        targets.append(ContextTarget(tokenBegin: Int32(first), tokenEnd: Int32(last + 1), sentence: Int32(doc.sentenceIndex(containingToken: first)!)))
    }
    let assertions = ShippedRules.engine.assess(doc, targets: targets)
    return zip(marked.spans, assertions).map { span, a in
        let names = AssertionAttribute.allCases.filter { a[$0] }.map(\.rawValue)
        return (span.label ?? "none", names.isEmpty ? "none" : names.joined(separator: "-"), span.text)
    }
}

@Suite("ConText phrasings users report")
struct ContextPhrasingTests {
    @Test(arguments: [
        // negation forms
        "Chest x-ray negative for [[pneumonia|negated]].",
        "[[Fever|negated]]: No",
        "Blood transfusion history:\n[[Transfusion reaction|negated]]: none",
        "No further [[bleeding|negated]] was noted overnight.",
        "No [[fever|negated]], [[chills|negated]], or [[night sweats|negated]].",
        "Denies [[chest pain|negated]]; reports [[palpitations]].",
        "Patient denies [[shortness of breath|negated]] but endorses [[cough]].",
        "[[Pulmonary embolism|negated]] was ruled out by CT angiography.",
        "The patient is in no [[acute distress|negated]].",
        "Heart: regular rate and rhythm without [[murmurs|negated]] or [[gallops|negated]].",
        "ROS is negative for [[dysuria|negated]] and [[hematuria|negated]].",
        // pseudo-triggers must not negate
        "No change in the [[pleural effusion]] since the prior study.",
        "Gram negative [[rods]] grew from the blood culture.",
        "Not only [[fatigue]] but also weight loss was reported.",
        "There was no increase in [[edema]] today.",
        "She notes [[heartburn]] after late meals.",
        // uncertainty
        "Admitted to rule out [[myocardial infarction|possible]].",
        "Findings are concerning for [[appendicitis|possible]].",
        // history
        "History of [[hypertension|historical]] and [[diabetes|historical]].",
        "He is status post [[appendectomy|historical]].",
        "She had [[hiatal hernia|historical]] in the past.",
        "PAST MEDICAL HISTORY: [[asthma|historical]], [[GERD|historical]].",
        "Three-day history of [[cough]] and [[fever]].",
        "She has a history of [[COPD|historical]] and presents with [[wheezing]].",
        // family
        "Family history of [[colon cancer|historical-family]].",
        "Mother with [[breast cancer|family]].",
        "His father had a [[myocardial infarction|family]] at 50.",
        "[[Diabetes|family]] in her sister.",
        "The patient's mother brought her in for [[fever]].",
        // hypothetical
        "Return to the emergency department if you develop [[chest pain|hypothetical]] or [[fainting|hypothetical]].",
        "Call your doctor for any [[rash|hypothetical]].",
        "She should return if [[vomiting|hypothetical]] recurs.",
    ])
    func phrasing(_ source: String) {
        for r in assess(MarkedText(source)) {
            #expect(r.found == r.expected, "'\(r.span)' in: \(source)")
        }
    }

    @Test("scope stops at the maximum window and at the sentence end")
    func scopeLimits() {
        for r in assess(MarkedText("He is status post repair of a large left inguinal [[hernia]] with mesh.")) {
            #expect(r.found == r.expected, "\(r.span)")
        }
        for r in assess(MarkedText("No fever. [[Cough]] is productive.")) {
            #expect(r.found == r.expected, "\(r.span)")
        }
    }

    @Test("evidence names the trigger and its offsets")
    func evidence() {
        let text = "Denies chest pain."
        let doc = ShippedRules.analyzer.analyze(Note(noteID: "e", text: text))
        let target = doc.tokens.indices.filter { doc.text(of: doc.tokens[$0]).lowercased().hasPrefix("chest") || doc.text(of: doc.tokens[$0]).hasPrefix("pain") }
        let a = ShippedRules.engine.assess(doc, targets: [ContextTarget(tokenBegin: Int32(target.first!), tokenEnd: Int32(target.last! + 1), sentence: 0)])[0]
        #expect(a.negated)
        #expect(a.evidence.count == 1)
        #expect(a.evidence.first.map { doc.text(Int($0.utf8Begin)..<Int($0.utf8End)) } == "Denies")
        #expect(a.evidence.first?.attribute == "negated")
        #expect(a.evidence.first?.fromSection == false)
    }
}

@Suite("Section rules")
struct SectionRuleTests {
    func assessSectioned(_ text: String, _ phrase: String) -> Assertion {
        let doc = ShippedRules.analyzer.analyze(Note(noteID: "s", text: text))
        let start = text.utf8.count - (text.range(of: phrase, options: .backwards).map { text[$0.lowerBound...].utf8.count } ?? 0)
        let end = start + phrase.utf8.count
        let idx = doc.tokens.indices.filter { doc.tokens[$0].kind != .newline && Int(doc.tokens[$0].utf8End) > start && Int(doc.tokens[$0].utf8Begin) < end }
        return ShippedRules.engine.assess(doc, targets: [ContextTarget(tokenBegin: Int32(idx.first!), tokenEnd: Int32(idx.last! + 1),
                                                                         sentence: Int32(doc.sentenceIndex(containingToken: idx.first!)!))])[0]
    }

    @Test("family history section makes mentions family, with the header as evidence")
    func familySection() {
        let a = assessSectioned("HPI: Cough for two days.\n\nFAMILY HISTORY:\nDiabetes mellitus.\n", "Diabetes mellitus")
        #expect(a.family)
        #expect(a.evidence.contains { $0.attribute == "family" && $0.fromSection })
        let b = assessSectioned("HPI: Cough for two days.\n\nFAMILY HISTORY:\nDiabetes mellitus.\n", "Cough")
        #expect(!b.family)
    }

    @Test("past medical history section makes mentions historical")
    func pastHistorySection() {
        let a = assessSectioned("PAST MEDICAL HISTORY:\nAsthma.\n\nASSESSMENT:\nPneumonia.\n", "Asthma")
        #expect(a.historical)
        let b = assessSectioned("PAST MEDICAL HISTORY:\nAsthma.\n\nASSESSMENT:\nPneumonia.\n", "Pneumonia")
        #expect(!b.historical)
    }

    /// Triggers are found once per sentence into tables the whole call shares, sized to the span of sentences its
    /// targets are in: every target (any order, any mix of sentences) gets what it gets when assessed alone,
    /// including list scopes that look back to sentences no target is in.
    @Test("a target's assertion does not depend on the other targets of the call")
    func assessmentsAreIndependentOfTheBatch() {
        let text = """
            HPI: No fever but reports cough. Possible pneumonia, unless it is bronchitis.
            REVIEW OF SYSTEMS:
            Negative for:
            Chills
            Night sweats
            Positive for: wheezing
            FAMILY HISTORY:
            Mother with diabetes; no history of stroke.
            PAST MEDICAL HISTORY:
            Asthma as a child. Denies asthma now but has eczema.
            """
        let doc = ShippedRules.analyzer.analyze(Note(noteID: "batch", text: text))
        let targets = doc.tokens.indices.compactMap { i -> ContextTarget? in
            guard doc.tokens[i].kind == .word, let s = doc.sentenceIndex(containingToken: i) else { return nil }
            return ContextTarget(tokenBegin: Int32(i), tokenEnd: Int32(i + 1), sentence: Int32(s))
        }
        #expect(targets.count > 40)
        let alone = targets.map { ShippedRules.engine.assess(doc, targets: [$0])[0] }
        #expect(alone.contains { $0.negated } && alone.contains { $0.family } && alone.contains { $0.possible })
        #expect(ShippedRules.engine.assess(doc, targets: targets) == alone)
        var rng = SplitMix64(seed: 7)
        var order = Array(targets.indices)
        for i in order.indices.reversed() { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let shuffled = ShippedRules.engine.assess(doc, targets: order.map { targets[$0] })
        #expect(order.enumerated().allSatisfy { shuffled[$0.offset] == alone[$0.element] })
        let laterHalf = Array(targets.suffix(targets.count / 2))
        #expect(ShippedRules.engine.assess(doc, targets: laterHalf) == Array(alone.suffix(targets.count / 2)))
    }

    @Test("review of systems: 'Negative for:' scopes over the list lines below it")
    func rosList() {
        let text = "REVIEW OF SYSTEMS:\nNegative for:\nFever\nNight sweats\nPositive for: cough\n"
        #expect(assessSectioned(text, "Night sweats").negated)
        #expect(!assessSectioned(text, "cough").negated)
    }
}

@Suite("Rule files")
struct RuleFileTests {
    @Test("unknown keys, categories and mismatched directions are rejected with file:line")
    func rejects() {
        #expect(throws: DataFileError.self) {
            try ContextRuleFile.parseRules(text: "{\"literal\":\"no\",\"category\":\"negated\",\"direction\":\"forward\",\"scope\":3}", path: "r.jsonl")
        }
        do {
            _ = try ContextRuleFile.parseRules(text: "\n{\"literal\":\"no\",\"category\":\"negation\",\"direction\":\"forward\"}", path: "r.jsonl")
            Issue.record("unknown category accepted")
        } catch let e as DataFileError {
            #expect(e.line == 2)
            #expect(e.description.hasPrefix("r.jsonl:2:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: DataFileError.self) {
            try ContextRuleFile.parseRules(text: "{\"literal\":\"but\",\"category\":\"termination\",\"direction\":\"forward\"}", path: "r.jsonl")
        }
        #expect(throws: DataFileError.self) {
            try ContextRuleFile.parseSectionRules(text: "{\"section\":\"family\",\"implies\":\"family\"}", path: "s.jsonl")
        }
        #expect(throws: DataFileError.self) {
            try ContextRuleFile.parseRules(text: "{\"literal\":\"no\",\"category\":\"negated\",\"direction\":\"forward\"}\n{\"literal\":\"No\",\"category\":\"negated\",\"direction\":\"forward\"}", path: "r.jsonl")
        }
    }

    @Test("the shipped rule files load")
    func shippedLoad() throws {
        let rules = try ContextRuleFile.loadRules(path: ShippedRules.lexicons + "/context_rules.jsonl")
        #expect(rules.count > 200)
        for c in ContextCategory.allCases { #expect(rules.contains { $0.category == c }, "no \(c) rule") }
        let sections = try ContextRuleFile.loadSectionRules(path: ShippedRules.lexicons + "/section_rules.jsonl")
        #expect(sections.contains { $0.section == .familyHistory && $0.implies == .family })
    }
}
