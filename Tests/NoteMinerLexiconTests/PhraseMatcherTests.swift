import NoteMinerLexicon
import NoteMinerModel
import NoteMinerText
import Testing
import TestSupport

/// Runs a matcher over `marked.text` and returns each match as (surface text, payloads), to compare with the
/// spans marked in the text (label = payload ids joined by "-").
private func matches(_ phrases: [(String, Int32, Bool)], _ marked: MarkedText) -> [(text: String, label: String)] {
    let tokenizer = Tokenizer()
    let matcher = PhraseMatcher(phrases: phrases.map { (phrase: $0.0, payload: $0.1, caseSensitive: $0.2) }, tokenizer: tokenizer)
    let doc = TextAnalyzer(tokenizer: tokenizer, sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter())
        .analyze(Note(noteID: "m", text: marked.text))
    var out = PhraseMatches()
    matcher.match(doc, tokenRange: 0..<doc.tokens.count, into: &out)
    return out.matches.map { m in
        let range = Int(doc.tokens[Int(m.tokenBegin)].utf8Begin)..<Int(doc.tokens[Int(m.tokenEnd) - 1].utf8End)
        return (doc.text(range), out.payloads(of: m).map(String.init).joined(separator: "-"))
    }
}

private func expectMatches(_ phrases: [(String, Int32, Bool)], _ source: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let marked = MarkedText(source)
    let found = matches(phrases, marked)
    let expected = marked.spans.map { ($0.text, $0.label ?? "") }
    #expect(found.map(\.text) == expected.map(\.0), "spans in: \(source)", sourceLocation: sourceLocation)
    #expect(found.map(\.label) == expected.map(\.1), "payloads in: \(source)", sourceLocation: sourceLocation)
}

@Suite("PhraseMatcher")
struct PhraseMatcherTests {
    let conditions: [(String, Int32, Bool)] = [
        ("heart failure", 1, false), ("congestive heart failure", 2, false), ("chest pain", 3, false),
        ("postoperative", 4, false), ("post operative ileus", 5, false), ("PE", 6, true), ("pulmonary embolism", 6, false),
        ("MS", 7, true), ("ms", 8, false), ("artery", 9, false), ("DVT", 10, false), ("cold", 11, false), ("cold", 12, false),
    ]

    @Test func longestMatchFirst() {
        expectMatches(conditions, "History of [[congestive heart failure|2]] and [[heart failure|1]].")
    }

    @Test func caseInsensitive() {
        expectMatches(conditions, "[[CHEST PAIN|3]] and [[Chest Pain|3]]")
    }

    @Test func lineBreaksAndSpacesInsideTerms() {
        expectMatches(conditions, "[[congestive\n   heart   failure|2]]")
    }

    @Test func hyphenVariants() {
        expectMatches(conditions, "[[post-operative|4]] day, [[postoperative|4]] check, [[post operative ileus|5]], [[post-operative ileus|5]]")
    }

    @Test func pluralOnLastToken() {
        expectMatches(conditions, "Prior [[DVTs|10]], [[arteries|9]], two [[pulmonary embolisms|6]]")
    }

    @Test func esPluralsOnlyAfterSibilants() {
        let phrases: [(String, Int32, Bool)] = [("rash", 1, false), ("not", 2, false), ("abscess", 3, false)]
        expectMatches(phrases, "[[rashes|1]], [[abscesses|3]], notes, [[not|2]]")
    }

    @Test func caseSensitiveAbbreviations() {
        // "pe" in prose is not pulmonary embolism; "PE" is. A case-insensitive sibling still matches.
        expectMatches(conditions, "Concern for [[PE|6]]; the pe exam; [[MS|7-8]] flare; 2 [[ms|8]]")
    }

    @Test func ambiguousTermsKeepEveryPayload() {
        expectMatches(conditions, "Has a [[cold|11-12]].")
    }

    @Test func matchesNeverOverlap() {
        let tokenizer = Tokenizer()
        let matcher = PhraseMatcher(phrases: [("a b", 1, false), ("b c", 2, false), ("c", 3, false)].map { (phrase: $0.0, payload: Int32($0.1), caseSensitive: $0.2) }, tokenizer: tokenizer)
        let doc = TextAnalyzer(tokenizer: tokenizer, sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter()).analyze(Note(noteID: "o", text: "a b c b c"))
        var out = PhraseMatches()
        matcher.match(doc, tokenRange: 0..<doc.tokens.count, into: &out)
        #expect(out.matches.map { [$0.tokenBegin, $0.tokenEnd] } == [[0, 2], [2, 3], [3, 5]])
    }

    @Test func emptyMatcherAndEmptyText() {
        let tokenizer = Tokenizer()
        let empty = PhraseMatcher(phrases: [], tokenizer: tokenizer)
        let doc = TextAnalyzer(tokenizer: tokenizer, sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter()).analyze(Note(noteID: "e", text: "chest pain"))
        var out = PhraseMatches()
        empty.match(doc, tokenRange: 0..<doc.tokens.count, into: &out)
        #expect(out.matches.isEmpty)
        let full = PhraseMatcher(phrases: [(phrase: "chest pain", payload: 1, caseSensitive: false)], tokenizer: tokenizer)
        full.match(doc, tokenRange: 0..<0, into: &out)
        #expect(out.matches.isEmpty)
    }
}
