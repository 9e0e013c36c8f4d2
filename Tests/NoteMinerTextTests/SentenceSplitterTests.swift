import Foundation
import NoteMinerModel
import Testing
import TestSupport
@testable import NoteMinerText

/// Sentences of `text` with the given sections (one `other` section over everything when nil).
private func sentences(_ text: String, sections: [Section]? = nil, splitter: SentenceSplitter = SentenceSplitter())
    -> (sentences: [Sentence], tokens: [Token]) {
    let bytes = Array(text.utf8)
    let (tokens, _) = Tokenizer().tokenize(text)
    let secs = sections ?? [Section(utf8Begin: 0, utf8End: Int32(bytes.count), headerBegin: 0, headerEnd: 0, category: .other)]
    let result = bytes.withUnsafeBufferPointer { splitter.split($0, tokens: tokens, sections: secs) }
    return (result, tokens)
}

/// Every marked span is a sentence and there are no other sentences.
private func expectSentences(_ marked: String, open: String = "[[", close: String = "]]", sections: [Section]? = nil,
                             sourceLocation: SourceLocation = #_sourceLocation) {
    let m = MarkedText(marked, open: open, close: close)
    let bytes = Array(m.text.utf8)
    let got = sentences(m.text, sections: sections).sentences.map { $0.utf8Range }
    let describe = { (rs: [Range<Int>]) in rs.map { "«" + String(decoding: bytes[$0], as: UTF8.self) + "»" }.joined(separator: " ") }
    #expect(got == m.spans.map(\.utf8), "got \(describe(got))", sourceLocation: sourceLocation)
}

@Suite struct SentenceSplitterTests {
    // MARK: Abbreviations and numbers

    @Test func noBreakAfterTitles() {
        expectSentences("[[Seen by Dr. Smith and Mrs. Jones today.]] [[Mr. Lee and Ms. Park agreed.]] [[Prof. Wu too.]]")
    }

    @Test func noBreakAfterInlineAbbreviations() {
        expectSentences("[[Give an analgesic, e.g. Tylenol vs. Motrin, for approx. 3 days.]] [[The pt. Agreed.]]")
    }

    @Test func sentenceFinalAbbreviationBreaksOnlyBeforeACapital() {
        expectSentences("[[Take Lasix 20 mg b.i.d.]] [[Return in 2 weeks.]]")
        expectSentences("[[Take b.i.d. with food and p.r.n. for pain.]]")
        expectSentences("[[Bring labs, x-rays, etc.]] [[Follow up in 2 weeks.]]")
    }

    @Test func noBreakInsideNumbers() {
        expectSentences("[[Mass 3.5 cm, EF 60-65%, dose 2.5 mL, T 98.6F, BP 120/80 at 10:32 on 01/02/2019.]] [[Stable.]]")
    }

    @Test func questionsAndExclamations() {
        expectSentences("[[Any fever?]] [[No.]] [[Great news!]] [[Next visit?]]")
    }

    @Test func closingQuotesAndBracketsStayWithTheSentence() {
        expectSentences("[[He said \"no pain.\"]] [[She agreed (reluctantly.)]] [[Done.]]")
    }

    // MARK: Lists

    @Test func bulletedListItems() {
        expectSentences("[[• Fever]]\n[[• Cough]]\n[[- Nausea]]\n[[* Rash]]\n[[+ Edema]]\n[[# CHF exacerbation: diuresed]]")
        expectSentences("[[Symptoms: fever,]]\n[[- chills]]")
    }

    @Test func numberedListItems() {
        expectSentences("[[1. Hypertension]]\n[[2) Diabetes]]\n[[(3) Asthma]]\n[[a) Gout]]")
        expectSentences("[[1. Hypertension.]] [[2. Diabetes, controlled.]]")
    }

    @Test func listMarkerAloneIsNotASentence() {
        expectSentences("[[1. Hypertension, stable.]]")
        expectSentences("[[Problems:]]\n[[1. Hypertension.]]")
    }

    // MARK: Lines

    @Test func blankLinesBreak() {
        expectSentences("[[Pain in the chest radiating to the left arm for two days and worse with exertion]]\n\n[[denies fever]]")
        expectSentences("[[Pain in the chest]]\r\n\r\n[[Denies fever]]")
        expectSentences("[[Pain in the chest]]\n   \t\n[[Denies fever]]")
    }

    @Test func hardWrappedLinesAreJoined() {
        expectSentences("""
            [[The patient is a 45 year old man with a history of
            hypertension and diabetes who presents with
            chest pain.]] [[He denies fever.]]
            """)
        // A long line continues with a capitalized name.
        expectSentences("""
            [[The patient was seen in the emergency department yesterday by
            Dr. Smith who recommended admission.]]
            """)
        // A line ending in a comma continues.
        expectSentences("[[Denies fever, chills,\nnight sweats.]]")
    }

    @Test func hardWrappedDischargeSummaryParagraph() {
        // Synthetic, written for this test in the style of de-identified discharge summaries.
        expectSentences("""
            ⟦Mr. **NAME[AAA, BBB M] is a 67 yo M with h/o CAD s/p CABG ([**2015**]), afib on
            warfarin, and CKD who presented to [**Hospital1 18**] on [**2019-01-01**] with 3 days
            of worsening SOB.⟧ ⟦He was given furosemide 40 mg IV b.i.d. with good response and
            was transitioned to PO on HD#3.⟧ ⟦Dr. **NAME[CCC] from cardiology saw the pt. on
            [**2019-01-03**] and recommended
            continuing metoprolol.⟧

            ⟦Discharge weight 82.4 kg (approx. 4 kg below admission).⟧
            """, open: "⟦", close: "⟧")
    }

    @Test func wrappedLabelLinesContinue() {
        expectSentences("""
            [[History of Present Illness: 45 yo man with a long history of
            hypertension who presents with chest pain.]] [[He denies fever.]]
            """)
        expectSentences("""
            [[The patient was discharged home and was started on meds: aspirin and
            Lipitor.]]
            """)
    }

    @Test func notesWrittenInCapitalsAreJoinedWhenWrapped() {
        expectSentences("""
            [[HISTORY]]
            [[45 YO MAN WITH A LONG HISTORY OF HYPERTENSION AND DIABETES WHO
            PRESENTS WITH CHEST PAIN.]] [[NO FEVER.]]
            """)
    }

    @Test func terminalPunctuationAtLineEndBreaks() {
        expectSentences("[[Creatinine level slightly elevated.]]\n[[abdominal x-ray demonstrates a stone.]]")
        expectSentences("[[Medications:]]\n[[Lisinopril 10 mg daily]]")
        expectSentences("[[Condition at discharge:\nstable.]]")
        expectSentences("[[CABG (2015); knee replacement (2011);\nappendectomy as a child.]]")
    }

    @Test func labelValueLinesAreEachASentence() {
        expectSentences("[[BP: 120/80]]\n[[HR: 72 bpm]]\n[[Temp: 98.6F]]\n[[Blood Pressure: Elevated.]]")
        expectSentences("[[• Respiratory: clear to auscultation]]\n[[• Cardiovascular: regular rate]]")
    }

    @Test func shortCapitalizedLinesBreak() {
        expectSentences("[[Creatinine slightly elevated]]\n[[Abdominal x-ray shows a stone]]")
        expectSentences("[[BP 120/80]]\n[[HR 72]]\n[[RR 16]]")
    }

    @Test func allCapsLinesBreak() {
        expectSentences("[[PHYSICAL EXAM]]\n[[Lungs clear.]]")
        expectSentences("[[No acute distress and breathing comfortably on room air today]]\n[[NEURO]]\n[[intact]]")
    }

    @Test func lineEndingsCRLFAndCR() {
        expectSentences("[[BP: 120/80]]\r\n[[HR: 72]]\r[[RR: 16]]")
        expectSentences("[[The patient is a 45 year old man with a history of\r\nhypertension.]]")
    }

    // MARK: Sections

    @Test func headerLineIsItsOwnSentenceAndSectionsBreak() {
        let marked = "[[HISTORY OF PRESENT ILLNESS]]\n[[Patient reports pain\nin the chest]]\n[[HPI:]] [[Pain for 3 days]]"
        let text = MarkedText(marked).text
        let hpi = Int32(byteOffset(of: "HPI:", in: text))
        let sections = [
            Section(utf8Begin: 0, utf8End: hpi, headerBegin: 0, headerEnd: 26, category: .historyOfPresentIllness),
            Section(utf8Begin: hpi, utf8End: Int32(text.utf8.count), headerBegin: hpi, headerEnd: hpi + 3, category: .historyOfPresentIllness),
        ]
        expectSentences(marked, sections: sections)
        // Without sections the all-caps line still stands alone, and the inline label is kept with its value.
        expectSentences("[[HISTORY OF PRESENT ILLNESS]]\n[[Patient reports pain\nin the chest]]\n[[HPI: Pain for 3 days]]")
    }

    @Test func sentencesNeverCrossASectionStartInsideALine() {
        // A section boundary the detector put mid-line still splits the sentence there.
        let text = "Pain. Plan: rest and fluids"
        let cut = Int32(byteOffset(of: "Plan", in: text))
        let sections = [
            Section(utf8Begin: 0, utf8End: cut, headerBegin: 0, headerEnd: 0, category: .other),
            Section(utf8Begin: cut, utf8End: Int32(text.utf8.count), headerBegin: cut, headerEnd: cut + 4, category: .plan),
        ]
        let result = sentences(text, sections: sections).sentences
        #expect(result.map(\.utf8Range) == [0..<5, 6..<11, 12..<27])
    }

    // MARK: Other scripts

    @Test func nonASCIILinesUseICU() {
        expectSentences("[[Patient reports “pain.”]] [[Café visit was fine.]]")
        expectSentences("[[患者有高血压。]][[他很好。]]")
        expectSentences("[[Пациент жалуется на боль.]] [[Температура нормальная.]]")
    }

    // MARK: Agreement with ICU and invariants

    @Test func ruleBreaksAgreeWithICUOnACIBenchLines() throws {
        let notes = try CorpusNotes.aciBench()
        var lines = 0
        for (name, text) in notes { lines += compareRuleAndICU(text, name: name) }
        if !notes.isEmpty { #expect(lines > 1000) }
    }

    @Test func ruleBreaksAgreeWithICUOnGeneratedLines() {
        var rng = SplitMix64(seed: 99)
        let pieces = ["Pain", "pain", "• ", "37°C", "Dr", "b.i.d.", "e.g.", "U.S", "3.5", "5mg", "120/80", ".", ". ", "? ", "! ", "...", ")", "(", "\"",
                      "'", ",", ":", ";", "-", " - ", " ", "  ", "HE", "he", "5", " 5 ", "x", "[**Name**]", "%", "*", "pt.", "etc.", "a."]
        for k in 0..<3000 {
            var s = ""
            for _ in 0..<Int(1 + rng.next() % 16) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            _ = compareRuleAndICU(s, name: "generated \(k)")
        }
    }

    @Test func invariantsOnACIBenchNotes() throws {
        let notes = try CorpusNotes.aciBench()
        let lexicon = try? SectionHeaderLexicon.load(path: CorpusNotes.packageRoot + "/Lexicons/sections.tsv")
        let analyzer = TextAnalyzer(tokenizer: Tokenizer(), sectionDetector: lexicon.map { SectionDetector(lexicon: $0) } ?? SectionDetector(),
                                    sentenceSplitter: SentenceSplitter())
        for (name, text) in notes { checkDocumentInvariants(analyzer.analyze(Note(noteID: name, text: text))) }
    }

    /// Inputs that would take quadratic time if a rule re-scanned from the sentence or word start at every
    /// candidate; 200 KB each, so a quadratic regression hangs this test instead of passing slowly.
    @Test(arguments: ["( . ", "a.", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.zzzz ", "1. ", "• ", "?! ", "[** ", "**AB[", "a/b/",
                      "\n", "x-", "5,000,", "- . ", "患者", "😀\u{200D}"])
    func pathologicalRepetitionsStayLinear(_ unit: String) {
        let text = String(repeating: unit, count: 200_000 / unit.utf8.count)
        let analyzer = TextAnalyzer(tokenizer: Tokenizer(), sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter())
        checkDocumentInvariants(analyzer.analyze(Note(noteID: "repeat", text: text)))
    }

    @Test func invariantsOnGeneratedJunk() {
        var rng = SplitMix64(seed: 5)
        let pieces = ["a", "Pain", "HPI:", "PLAN", "1.", "2)", "•", "- ", "* ", " ", "\n", "\n\n", "\r", "\r\n", "\t", ".", "?", "Dr.",
                      "b.i.d.", "😀", "👍🏽", "שלום", "مرحبا", "患者。", "\u{301}", "\u{2028}", "\u{85}", "3.5", ":", "BP: 120/80\n",
                      "[**2019-01-01**]", "“", "”", "–", "ALLERGIES\n", "\u{0}", "é"]
        let analyzer = TextAnalyzer(tokenizer: Tokenizer(), sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter())
        for k in 0..<400 {
            var s = ""
            for _ in 0..<Int(rng.next() % 80) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            checkDocumentInvariants(analyzer.analyze(Note(noteID: "junk\(k)", text: s)))
        }
    }
}

private func byteOffset(of needle: String, in text: String) -> Int {
    let h = Array(text.utf8), n = Array(needle.utf8)
    return (0...(h.count - n.count)).first { Array(h[$0..<($0 + n.count)]) == n }!
}

/// For every line whose tokens take the rule path, `ruleBreaks` must equal `icuBreaks`. Returns lines compared.
private func compareRuleAndICU(_ text: String, name: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
    let bytes = Array(text.utf8)
    let (tokens, _) = Tokenizer().tokenize(text)
    guard !tokens.isEmpty else { return 0 }
    let splitter = SentenceSplitter()
    var compared = 0
    bytes.withUnsafeBufferPointer { buf in
        tokens.withUnsafeBufferPointer { tk in
            var first = 0
            while first < tk.count {
                var end = first + 1
                while end < tk.count, !tk[end].isLineStart { end += 1 }
                // Every line the splitter sends down the rule path (ASCII, or ASCII plus bullets and degree signs).
                if !splitter.lineInfo(buf, tk, from: first).needsICU {
                    let rules = splitter.ruleBreaks(buf, tk, first..<end)
                    let icu = splitter.icuBreaks(buf, tk, first..<end)
                    let line = String(decoding: buf[Int(tk[first].utf8Begin)..<Int(tk[end - 1].utf8End)], as: UTF8.self)
                    #expect(rules == icu, "\(name): \(line.debugDescription) rules \(rules.map { $0 - first }) icu \(icu.map { $0 - first })",
                            sourceLocation: sourceLocation)
                    compared += 1
                }
                first = end
            }
        }
    }
    return compared
}

/// The document invariants the acceptance checks: tokens in order and non-overlapping; every token in exactly
/// one sentence, sentences in order, trimmed to their tokens, and inside one section; sections tile the text.
func checkDocumentInvariants(_ doc: Document, sourceLocation: SourceLocation = #_sourceLocation) {
    let n = doc.utf8.count
    var offset: Int32 = 0
    for s in doc.sections {
        #expect(s.utf8Begin == offset && s.utf8End > s.utf8Begin, "\(doc.note.noteID): sections do not tile", sourceLocation: sourceLocation)
        offset = s.utf8End
    }
    #expect(Int(offset) == n || (n == 0 && doc.sections.count <= 1), "\(doc.note.noteID): sections end at \(offset) of \(n)",
            sourceLocation: sourceLocation)
    var last: Int32 = 0
    for t in doc.tokens {
        #expect(t.utf8Begin >= last && t.utf8End > t.utf8Begin, "\(doc.note.noteID): token order", sourceLocation: sourceLocation)
        last = t.utf8End
    }
    var nextToken: Int32 = 0
    for s in doc.sentences {
        #expect(s.tokenBegin == nextToken && s.tokenEnd > s.tokenBegin, "\(doc.note.noteID): sentence tokens", sourceLocation: sourceLocation)
        nextToken = s.tokenEnd
        guard s.tokenEnd > s.tokenBegin, Int(s.tokenEnd) <= doc.tokens.count else { continue }
        #expect(s.utf8Begin == doc.tokens[Int(s.tokenBegin)].utf8Begin && s.utf8End == doc.tokens[Int(s.tokenEnd) - 1].utf8End,
                sourceLocation: sourceLocation)
        let section = doc.sectionIndex(containing: Int(s.utf8Begin))
        let sectionOfEnd = doc.sectionIndex(containing: Int(s.utf8End) - 1)
        #expect(section != nil && section == sectionOfEnd,
                "\(doc.note.noteID): sentence «\(doc.text(s.utf8Range))» crosses a section", sourceLocation: sourceLocation)
    }
    #expect(Int(nextToken) == doc.tokens.count, "\(doc.note.noteID): tokens outside sentences", sourceLocation: sourceLocation)
}
