import NoteMinerModel
import NoteMinerText

/// A concept found in a note: its token range and the concept it was resolved to.
public struct ConceptMention: Sendable, Hashable {
    public var tokenBegin: Int32
    public var tokenEnd: Int32
    public var sentence: Int32
    /// Index into `ConceptLexicon.concepts`.
    public var concept: Int32
    /// The term is ambiguous and neither its section nor the lexicon settled it; `alternatives` lists the
    /// other concepts the same words name (empty when the other reading is not a concept, e.g. "PE" = exam).
    public var ambiguous: Bool
    public var alternatives: [Int32]
}

/// Finds lexicon concepts in notes: the lexicon's terms compiled once into a `PhraseMatcher`, matched
/// sentence by sentence (a term never spans two sentences), longest match first.
///
/// One match is one mention, never several: when the matched words are a term of more than one concept,
/// the section decides (a concept whose `ambiguous` entry names the mention's section wins); otherwise the
/// first concept in lexicon order is reported with `ambiguous` set and the others as alternatives.
public struct ConceptMatcher: Sendable {
    public let lexicon: ConceptLexicon
    private let terms: [ConceptLexicon.MatchTerm]
    private let matcher: PhraseMatcher

    public init(lexicon: ConceptLexicon, tokenizer: Tokenizer) {
        self.lexicon = lexicon
        let terms = lexicon.matchingTerms()
        self.terms = terms
        matcher = PhraseMatcher(phrases: terms.enumerated().map { (phrase: $0.element.text, payload: Int32($0.offset), caseSensitive: $0.element.isCaseSensitive) },
                                tokenizer: tokenizer)
    }

    /// Mentions in `doc`, in text order. `buffer` is scratch space reused across notes.
    public func mentions(in doc: Document, buffer: inout PhraseMatches) -> [ConceptMention] {
        var out: [ConceptMention] = []
        var candidates: [Int32] = []
        var preferred: [Int32] = []
        for (si, sentence) in doc.sentences.enumerated() {
            buffer.removeAll()
            matcher.match(doc, tokenRange: sentence.tokenRange, into: &buffer)
            if buffer.matches.isEmpty { continue }
            let sectionIndex = doc.sectionIndex(containing: Int(sentence.utf8Begin))
            let section = sectionIndex.map { doc.sections[$0].category } ?? .other
            for m in buffer.matches {
                // A section header is a label, not a finding ("Allergies:" is not an allergic reaction).
                if let si = sectionIndex, doc.sections[si].hasHeader,
                   doc.tokens[Int(m.tokenBegin)].utf8Begin >= doc.sections[si].headerBegin,
                   doc.tokens[Int(m.tokenEnd) - 1].utf8End <= doc.sections[si].headerEnd { continue }
                candidates.removeAll(keepingCapacity: true)
                preferred.removeAll(keepingCapacity: true)
                var anyAmbiguousTerm = false
                for p in buffer.payloads(of: m) {
                    let term = terms[Int(p)]
                    let c = Int32(term.conceptIndex)
                    if term.isAmbiguous { anyAmbiguousTerm = true }
                    if term.preferredSections.contains(section), !preferred.contains(c) { preferred.append(c) }
                    if !candidates.contains(c) { candidates.append(c) }
                }
                candidates.sort()
                preferred.sort()
                let chosen: Int32
                var ambiguous: Bool
                var alternatives: [Int32] = []
                if preferred.count == 1 {
                    chosen = preferred[0]
                    ambiguous = false
                } else {
                    chosen = preferred.first ?? candidates[0]
                    ambiguous = candidates.count > 1 || anyAmbiguousTerm
                    alternatives = candidates.filter { $0 != chosen }
                }
                if candidates.count == 1 && preferred.isEmpty == false { ambiguous = false }
                out.append(ConceptMention(tokenBegin: m.tokenBegin, tokenEnd: m.tokenEnd, sentence: Int32(si), concept: chosen,
                                          ambiguous: ambiguous, alternatives: alternatives))
            }
        }
        return out
    }
}
