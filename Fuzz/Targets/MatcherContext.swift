import NoteMinerContext
import NoteMinerLexicon
import NoteMinerModel
import NoteMinerText

/// Concept matching with the shipped lexicons, then ConText with the shipped rules, on arbitrary text: mentions
/// in text order inside their sentence, code point ranges inside the note, one assertion per mention whose
/// flags and evidence agree, trigger evidence inside the mention's sentence and header evidence inside its
/// section, and assertions independent of the order the targets are given in.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMatcherContext(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = noteText(data, size)
    let doc = shippedAnalyzer.analyze(Note(noteID: "fuzz", text: text))
    let (mentions, assertions) = mentionsAndAssertions(doc)
    check(assertions.count == mentions.count, "\(assertions.count) assertions for \(mentions.count) mentions")
    let concepts = shippedConcepts.lexicon.concepts.count
    let scalars = text.unicodeScalars.count
    var lastBegin: Int32 = 0
    for (m, a) in zip(mentions, assertions) {
        check(m.tokenBegin >= lastBegin && m.tokenEnd > m.tokenBegin && Int(m.tokenEnd) <= doc.tokens.count, "mention tokens \(m.tokenBegin)..<\(m.tokenEnd) after \(lastBegin)")
        lastBegin = m.tokenBegin
        check(m.sentence >= 0 && Int(m.sentence) < doc.sentences.count, "mention sentence \(m.sentence)")
        let s = doc.sentences[Int(m.sentence)]
        check(m.tokenBegin >= s.tokenBegin && m.tokenEnd <= s.tokenEnd, "mention outside its sentence")
        check(m.concept >= 0 && Int(m.concept) < concepts && m.alternatives.allSatisfy { $0 >= 0 && Int($0) < concepts }, "concept index")
        check(!m.alternatives.contains(m.concept), "concept among its own alternatives")
        let b = Int(doc.tokens[Int(m.tokenBegin)].utf8Begin), e = Int(doc.tokens[Int(m.tokenEnd) - 1].utf8End)
        let cp = doc.codePointRange(b..<e)
        check(cp.lowerBound < cp.upperBound && cp.upperBound <= scalars, "mention code points \(cp) in \(scalars)")
        for ev in a.evidence {
            check(ev.utf8Begin <= ev.utf8End && ev.utf8End <= Int32(doc.utf8.count), "evidence range \(ev.utf8Begin)..<\(ev.utf8End)")
            if ev.fromSection {
                guard let si = doc.sectionIndex(containing: b) else { check(false, "section evidence without a section"); continue }
                let section = doc.sections[si]
                check(ev.utf8Begin >= section.utf8Begin && ev.utf8End <= section.utf8End, "header evidence outside the mention's section")
            } else {
                check(ev.utf8Begin < ev.utf8End, "empty trigger evidence")
                // List-scope negation ("Negative for:" a few lines up) reaches back over earlier sentences of the section.
                check(ev.utf8End <= s.utf8End, "trigger evidence after the mention's sentence")
                if ev.utf8Begin < s.utf8Begin {
                    check(ev.attribute == AssertionAttribute.negated.rawValue, "\(ev.attribute) trigger before the mention's sentence")
                    if let si = doc.sectionIndex(containing: b) { check(ev.utf8Begin >= doc.sections[si].utf8Begin, "list trigger outside the section") }
                }
            }
            if let attribute = AssertionAttribute(rawValue: ev.attribute) { check(a[attribute], "evidence for \(ev.attribute) without the flag") }
        }
        for attribute in AssertionAttribute.allCases where a[attribute] {
            check(a.evidence.contains { $0.attribute == attribute.rawValue }, "\(attribute) without evidence")
        }
    }
    if mentions.count > 1 {
        let reversed = shippedContext.assess(doc, targets: mentions.reversed().map { ContextTarget(tokenBegin: $0.tokenBegin, tokenEnd: $0.tokenEnd, sentence: $0.sentence) })
        check(Array(reversed.reversed()) == assertions, "assertions depend on target order")
    }
    return 0
}
