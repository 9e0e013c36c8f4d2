import Foundation
import NoteMinerModel
import Testing
import TestSupport
@testable import NoteMinerText

/// Each marked span must come out as exactly one token of the labelled kind (`word` when unlabelled).
/// Unmarked text is not checked, so a case states only what it is about.
private func expectTokens(_ marked: String, open: String = "[[", close: String = "]]", tokenizer: Tokenizer = Tokenizer(),
                          sourceLocation: SourceLocation = #_sourceLocation) {
    let m = MarkedText(marked, open: open, close: close)
    let (tokens, _) = tokenizer.tokenize(m.text)
    for span in m.spans {
        let token = tokens.first { $0.utf8Range == span.utf8 }
        let all = tokens.map { String(decoding: Array(m.text.utf8)[$0.utf8Range], as: UTF8.self) + "/" + $0.kind.name }
        #expect(token != nil, "no token \(span) in \(all)", sourceLocation: sourceLocation)
        if let token, let label = span.label {
            #expect(token.kind.name == label, "\(span): got \(token.kind.name)", sourceLocation: sourceLocation)
        }
    }
}

/// Texts and kinds of all tokens.
private func tokenList(_ text: String, tokenizer: Tokenizer = Tokenizer()) -> [String] {
    let (tokens, _) = tokenizer.tokenize(text)
    let bytes = Array(text.utf8)
    return tokens.map { String(decoding: bytes[$0.utf8Range], as: UTF8.self) + "/" + $0.kind.name }
}

private func norms(_ text: String) -> [String] {
    let (tokens, norm) = Tokenizer().tokenize(text)
    return tokens.map { String(decoding: norm[$0.normRange], as: UTF8.self) }
}

private func flags(_ text: String) -> [TokenFlags] {
    Tokenizer().tokenize(text).tokens.map(\.flags)
}

@Suite struct TokenizerTests {
    // MARK: Abbreviations

    @Test(arguments: ["b.i.d.", "t.i.d.", "q.i.d.", "q.d.", "p.r.n.", "q.4h.", "e.g.", "i.e.", "a.m.", "p.o.", "q.h.s.", "U.S."])
    func innerPeriodAbbreviationIsOneToken(_ abbreviation: String) {
        expectTokens("Take 1 tab [[\(abbreviation)|abbreviation]] with food")
        expectTokens("Take 1 tab [[\(abbreviation)|abbreviation]]")
        expectTokens("Take 1 tab [[\(abbreviation)|abbreviation]], then rest")
    }

    @Test func tableAbbreviationsKeepTheirPeriod() {
        expectTokens("Seen by [[Dr.|abbreviation]] [[Smith]] and [[Mrs.|abbreviation]] Jones; [[Mr.|abbreviation]] Lee")
        expectTokens("Aspirin [[vs.|abbreviation]] heparin, [[approx.|abbreviation]] 3 days, the [[pt.|abbreviation]] agreed")
        expectTokens("[[Dr.|abbreviation]][[Smith]] wrote")
    }

    @Test func ordinaryWordBeforePeriodIsNotAnAbbreviation() {
        #expect(tokenList("He has pain.") == ["He/word", "has/word", "pain/word", "./punctuation"])
        #expect(tokenList("No fever.He slept") == ["No/word", "fever/word", "./punctuation", "He/word", "slept/word"])
        #expect(tokenList("see www.example.org") == ["see/word", "www/word", "./punctuation", "example/word", "./punctuation", "org/word"])
    }

    @Test func loadedTableAddsAbbreviations() throws {
        let table = try AbbreviationTable.parse(text: "# schema_version: 1\nabbreviation\tkind\nhx.\tabbreviation\n", path: "t.tsv")
        expectTokens("Pt with [[hx.|abbreviation]] of CHF", tokenizer: Tokenizer(abbreviations: table))
        expectTokens("Pt with [[hx]][[.|punctuation]] of CHF")
    }

    // MARK: Numbers

    @Test func decimalsAndRanges() {
        expectTokens("Mass [[3.5|number]] cm, [[2-3|number]] times, EF [[60-65%|measurement]], [[2.5-3.5|number]] mm")
        expectTokens("[[1,000|number]] mL and [[12,500,000|number]] cells, list [[1]],[[2]],[[3]]")
        expectTokens("Temp [[37|number]][[.|punctuation]]")
    }

    @Test func doseAndUnitForms() {
        expectTokens("[[500mg|measurement]] daily, [[2.5|number]] [[mL|word]], [[10|number]] [[mg/kg|word]], [[5|number]] [[units|word]]")
        expectTokens("[[2.5mL|measurement]] and [[10mg/kg|measurement]] and [[5mcg/kg/min|measurement]] and [[3x|measurement]] daily")
        expectTokens("rate [[mL/min|word]] but [[and]][[/|punctuation]][[or]]")
    }

    @Test func vitals() {
        expectTokens("BP [[120/80|measurement]], T [[98.6F|measurement]], HR [[72|number]] [[bpm|word]], SpO2 [[98%|measurement]]")
        expectTokens("BP [[120/80mmHg|measurement]], T [[37.2°C|measurement]]")
    }

    @Test func datesAndTimes() {
        expectTokens("on [[01/02/2019|date]] at [[10:32|time]], [[2019-01-01|date]], [[1/2/19|date]], [[12/2019|date]]")
        expectTokens("[[01-02-2019|date]] [[01.02.2019|date]] [[10:32:15|time]] [[7am|time]] [[10:30pm|time]]")
        expectTokens("ratio [[1|number]][[:|punctuation]][[1000|number]]")
    }

    @Test func numbersFollowedByWords() {
        expectTokens("a [[61-year-old|word]] male, [[2nd|word]] visit, [[5-mg|word]] dose")
        expectTokens("list [[1|number]][[.|punctuation]] [[Hypertension]]")
        expectTokens("HR [[70-80s|number]] in the [[1990s|word]]")
    }

    // MARK: Words

    @Test func hyphenatedTermsAreOneFlaggedWord() {
        let text = "post-operative non-ST-elevation COVID-19 x-ray follow-up"
        let (tokens, _) = Tokenizer().tokenize(text)
        #expect(tokens.count == 5)
        #expect(tokens.allSatisfy { $0.kind == .word && $0.flags.contains(.hyphenated) })
        expectTokens("a [[non-ST-elevation]] MI [[-|punctuation]] and [[pre]][[-|punctuation]] and")
    }

    @Test func apostrophesStayInWords() {
        expectTokens("[[patient's]] [[don't]] [[patient’s]] [[']][[quoted]][[']]")
    }

    @Test func slashAbbreviations() {
        expectTokens("[[s/p]] CABG, [[45]] [[y/o]] male with [[N/V/D]] and [[A/P]]")
        expectTokens("[[w/]] fever [[w/o]] chills, [[and]][[/|punctuation]][[or]] [[he]][[/|punctuation]][[she]]")
    }

    // MARK: De-identification

    @Test func deidTagsAreOneToken() {
        expectTokens("Seen by ⟦**NAME[AAA, BBB M]|deid⟧ on ⟦[**2019-01-01**]|deid⟧ with ⟦[** Name **]|deid⟧.", open: "⟦", close: "⟧")
        expectTokens("⟦[NAME]|deid⟧ and ⟦[PATIENT NAME]|deid⟧ at ⟦**INSTITUTION|deid⟧ on ⟦___|deid⟧", open: "⟦", close: "⟧")
        expectTokens("not a tag: ⟦[|punctuation⟧⟦CT|word⟧⟦]|punctuation⟧ ⟦**|symbol⟧⟦bold⟧", open: "⟦", close: "⟧")
    }

    @Test func unterminatedDeidTagDoesNotSwallowTheLine() {
        #expect(tokenList("[**2019-01-01 and\nmore").first == "[/punctuation")
    }

    // MARK: Flags and normalization

    @Test func flagsForCaseSpaceAndLines() {
        let f = flags("HPI: Patient has CHF.\n  iPad x")
        // HPI : Patient has CHF . iPad x
        #expect(f[0].contains(.lineStart) && f[0].contains(.spaceBefore) && f[0].contains(.allCaps))
        #expect(!f[1].contains(.spaceBefore) && !f[1].contains(.lineStart))
        #expect(f[2].contains(.capitalized) && f[2].contains(.spaceBefore) && !f[2].contains(.allCaps))
        #expect(f[4].contains(.allCaps))
        #expect(f[6].contains(.lineStart) && !f[6].contains(.capitalized))
        #expect(!f[7].contains(.lineStart))
        #expect(flags("A b")[0].contains(.capitalized))
        #expect(flags("café")[0].contains(.nonASCII))
        #expect(!flags("cafe")[0].contains(.nonASCII))
    }

    @Test func normalizedFormIsNFKCCasefold() {
        #expect(norms("Patient STRASSE Straße ＡＢＣ ﬁne Ⅻ") == ["patient", "strasse", "strasse", "abc", "fine", "xii"])
        #expect(norms("Dr. B.I.D.") == ["dr.", "b.i.d."])
    }

    @Test func lineBreaksAreNotTokens() {
        let cases = ["a\nb", "a\r\nb", "a\rb", "a\u{2028}b", "a\u{85}b", "a\u{0C}b"]
        for text in cases {
            let f = flags(text)
            #expect(f.count == 2, "\(text.debugDescription)")
            #expect(f.last?.contains(.lineStart) == true, "\(text.debugDescription)")
        }
        #expect(flags("a\tb").last?.contains(.lineStart) == false)
    }

    // MARK: Other scripts

    @Test func nonLatinScripts() {
        expectTokens("[[café]] [[Sjögren]] [[naïve]] [[Ελληνικά]] [[Привет]] [[שלום]] [[مرحبا]]")
        // Combining mark stays in its word.
        expectTokens("[[cafe\u{301}]] ok")
        // Chinese and Thai are split by ICU's dictionary, never into bytes.
        let cjk = tokenList("患者有高血压。")
        #expect(cjk.count >= 3 && cjk.last == "。/punctuation")
        #expect(tokenList("ผู้ป่วยมีไข้").count >= 2)
    }

    @Test func emojiSequencesAreOneSymbol() {
        expectTokens("pain [[😀|symbol]] ok [[👍🏽|symbol]] [[👨‍👩‍👧|symbol]] [[🇺🇸|symbol]] [[❤️|symbol]]")
    }

    @Test func spacesAndControlsSeparateTokens() {
        #expect(tokenList("a\u{00A0}b\u{200B}c\u{FEFF}d\u{0}e") == ["a/word", "b/word", "c/word", "d/word", "e/word"])
    }

    @Test func punctuationRuns() {
        expectTokens("wait[[...|punctuation]] then [[--|punctuation]] and [[***|symbol]] [[+|symbol]]")
    }

    // MARK: Invariants

    @Test func invariantsOnGeneratedJunk() {
        var rng = SplitMix64(seed: 42)
        let pieces = ["a", "Z", "1", "3.5", " ", "\n", "\r", "\r\n", "\t", ".", "-", "/", ":", "[**", "**]", "**NAME[", "]",
                      "😀", "👍🏽", "‍", "\u{301}", "שלום", "مرحبا", "患者", "ไข้", "\u{200F}", "\u{0}", "\u{7F}", "é", "°F", "’",
                      "mg", "b.i.d.", "Dr.", "___", "•", "\u{2028}", "\u{85}", "\u{FFFD}", "𝔸", "ﬁ", "%", "'", "(", ")", "a.", ".b"]
        for _ in 0..<400 {
            var s = ""
            for _ in 0..<Int(rng.next() % 60) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            checkTokenInvariants(s)
        }
    }

    @Test func invalidBytesNeverCrash() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let bytes = (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var tokens: [Token] = []
            var norm: [UInt8] = []
            bytes.withUnsafeBufferPointer { Tokenizer().tokenize($0, tokens: &tokens, norm: &norm) }
            var last = 0
            for t in tokens {
                #expect(Int(t.utf8Begin) >= last && t.utf8End > t.utf8Begin && Int(t.utf8End) <= bytes.count)
                last = Int(t.utf8End)
            }
        }
    }

    @Test func invariantsOnACIBenchNotes() throws {
        let notes = try CorpusNotes.aciBench()
        guard !notes.isEmpty else { return }
        for (_, text) in notes { checkTokenInvariants(text) }
    }
}

/// Tokens slice back to their text, are in order, non-empty, non-overlapping, never contain whitespace-only
/// content, and normalized ranges are in order.
func checkTokenInvariants(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let bytes = Array(text.utf8)
    let (tokens, norm) = Tokenizer().tokenize(text)
    var last = 0
    var lastNorm = 0
    for t in tokens {
        #expect(Int(t.utf8Begin) >= last, "overlap in \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(t.utf8End > t.utf8Begin, sourceLocation: sourceLocation)
        #expect(Int(t.normBegin) == lastNorm && t.normEnd >= t.normBegin, sourceLocation: sourceLocation)
        // Slices back to valid text on scalar boundaries (decoding the slice does not change it).
        let slice = Array(bytes[t.utf8Range])
        #expect(Array(String(decoding: slice, as: UTF8.self).utf8) == slice, "token splits a scalar in \(text.debugDescription)",
                sourceLocation: sourceLocation)
        #expect(!slice.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }, sourceLocation: sourceLocation)
        last = Int(t.utf8End)
        lastNorm = Int(t.normEnd)
    }
    #expect(lastNorm == norm.count, sourceLocation: sourceLocation)
}

/// Notes of the shared development corpora, when present (CI and developer machines have them at
/// `../shared/corpora` relative to the package; elsewhere the tests that use them do nothing).
enum CorpusNotes {
    /// The package folder (three levels above this file).
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func aciBench() throws -> [(String, String)] {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            ProcessInfo.processInfo.environment["NOTEMINER_CORPORA"].map { URL(fileURLWithPath: $0) },
            package.deletingLastPathComponent().appendingPathComponent("shared/corpora"),
            // A git worktree one level further down.
            package.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora"),
        ].compactMap { $0 }
        for root in candidates {
            let dir = root.appendingPathComponent("aci-bench/notes")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
            return try names.filter { $0.hasSuffix(".txt") }.sorted().map {
                ($0, try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8))
            }
        }
        return []
    }
}

/// The lexicon matchers look tokens up by `Document.normHashes`: one hash per token, of exactly its form.
@Suite struct TokenHashTests {
    @Test func everyTokenHasTheHashOfItsForm() {
        let analyzer = TextAnalyzer(tokenizer: Tokenizer(), sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter())
        for text in ["", "Denies chest pain.\nHx of DM2, HTN; post-operative day 2 — Émile’s ＣＯＰＤ 😀", String(repeating: "word ", count: 500)] {
            let doc = analyzer.analyze(Note(noteID: "n", text: text))
            #expect(doc.normHashes.count == doc.tokens.count)
            for (t, h) in zip(doc.tokens, doc.normHashes) {
                var fnv: UInt32 = 2_166_136_261
                for b in doc.normStorage[t.normRange] { fnv = (fnv ^ UInt32(b)) &* 16_777_619 }
                #expect(h == fnv)
            }
            // A document built from the same tokens gets the same hashes.
            let rebuilt = Document(note: doc.note, tokens: doc.tokens, normStorage: doc.normStorage)
            #expect(rebuilt.normHashes == doc.normHashes)
        }
    }
}
