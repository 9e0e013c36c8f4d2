import NoteMinerLexicon
import NoteMinerModel
import NoteMinerText

/// Why a mention got an attribute: the trigger (or section header) in the note, as UTF-8 offsets.
public struct AssertionEvidence: Sendable, Hashable {
    /// An `AssertionAttribute` raw value, or "allergy" for the allergy-section context.
    public var attribute: String
    public var utf8Begin: Int32
    public var utf8End: Int32
    /// True when the evidence is the section header (a section rule), false for a ConText trigger.
    public var fromSection: Bool

    public init(attribute: String, utf8Begin: Int32, utf8End: Int32, fromSection: Bool) {
        self.attribute = attribute
        self.utf8Begin = utf8Begin
        self.utf8End = utf8End
        self.fromSection = fromSection
    }
}

/// ConText's verdict on one mention.
public struct Assertion: Sendable, Hashable {
    public var negated = false
    public var possible = false
    public var historical = false
    public var hypothetical = false
    public var family = false
    /// At most one entry per attribute, in `AssertionAttribute` order, then "allergy".
    public var evidence: [AssertionEvidence] = []

    public init() {}

    public subscript(_ a: AssertionAttribute) -> Bool {
        get {
            switch a {
            case .negated: negated
            case .possible: possible
            case .historical: historical
            case .hypothetical: hypothetical
            case .family: family
            }
        }
        set {
            switch a {
            case .negated: negated = newValue
            case .possible: possible = newValue
            case .historical: historical = newValue
            case .hypothetical: hypothetical = newValue
            case .family: family = newValue
            }
        }
    }
}

/// A mention to assess: its token range and the sentence holding it.
public struct ContextTarget: Sendable, Hashable {
    public var tokenBegin: Int32
    public var tokenEnd: Int32
    public var sentence: Int32

    public init(tokenBegin: Int32, tokenEnd: Int32, sentence: Int32) {
        self.tokenBegin = tokenBegin
        self.tokenEnd = tokenEnd
        self.sentence = sentence
    }
}

/// The ConText algorithm (Harkema et al., J Biomed Inform 2009), over the pipeline's tokens and sentences.
///
/// Per sentence, trigger, pseudo-trigger and termination literals are found with the same longest-match
/// `PhraseMatcher` used for concepts, so a pseudo-trigger ("no increase", "gram negative") wins over the
/// trigger inside it simply by being the longer match. A trigger's scope runs in its direction to the
/// sentence boundary, the nearest termination term that applies to its attribute, or its maximum window;
/// a mention is modified when it starts (forward) or ends (backward) inside that scope. Section rules then
/// add what the section implies (family history ⇒ family, ...) unless the sentence says otherwise.
///
/// Cost per mention: O(log T) to find the triggers near it and the terminations bounding each scope, plus the
/// triggers within `maxTriggerDistance` tokens (T = triggers in the sentence). A trigger farther than that
/// from a mention is not considered, so a pathological one-sentence note ("no no no …", thousands of mentions)
/// stays linear; in sentences shorter than the distance nothing changes.
public struct ContextEngine: Sendable {
    /// Tokens between a trigger and a mention beyond which the trigger is not considered.
    public static let maxTriggerDistance = 1000
    public let rules: [ContextRule]
    public let sectionRules: [SectionRule]
    private let matcher: PhraseMatcher
    private let unlessMatcher: PhraseMatcher
    /// Each section rule's section; a section's rule is the last one naming it. A scan of these few beats hashing
    /// the section into a dictionary for every mention.
    private let ruleSections: [SectionCategory]
    /// What `applyTriggers` needs of each rule, as plain values: reading it from `ContextRule` (strings, arrays)
    /// for every trigger near every target cost more than the rest of the scope logic.
    private let ruleTraits: [RuleTraits]

    private struct RuleTraits {
        /// Index in `AssertionAttribute.allCases`, or -1 for pseudo-triggers and terminations.
        var attribute: Int
        var direction: ContextDirection
        var maxScope: Int?
        var atBoundary: Bool
        /// Bit `i`: a termination of attribute `AssertionAttribute.allCases[i]` (0 for every other rule).
        var terminatesAttributes: UInt8
    }

    public init(rules: [ContextRule], sectionRules: [SectionRule], tokenizer: Tokenizer) {
        self.rules = rules
        ruleTraits = rules.map { r in
            RuleTraits(attribute: r.category.attribute.flatMap { AssertionAttribute.allCases.firstIndex(of: $0) } ?? -1,
                       direction: r.direction, maxScope: r.maxScope, atBoundary: r.atBoundary,
                       terminatesAttributes: AssertionAttribute.allCases.enumerated().reduce(0) { bits, a in
                           Self.terminates(r, a.element) ? bits | UInt8(1) << a.offset : bits
                       })
        }
        self.sectionRules = sectionRules
        matcher = PhraseMatcher(
            phrases: rules.enumerated().map { (phrase: $0.element.literal, payload: Int32($0.offset), caseSensitive: $0.element.caseSensitive) },
            tokenizer: tokenizer, plurals: false)
        var unless: [(phrase: String, payload: Int32, caseSensitive: Bool)] = []
        for (i, r) in sectionRules.enumerated() {
            for u in r.unless { unless.append((u, Int32(i), false)) }
        }
        unlessMatcher = PhraseMatcher(phrases: unless, tokenizer: tokenizer, plurals: false)
        ruleSections = sectionRules.map(\.section)
    }

    /// Loads the rule files (`context_rules.jsonl`, `section_rules.jsonl`).
    public static func load(rulesPath: String, sectionRulesPath: String?, tokenizer: Tokenizer) throws -> ContextEngine {
        let rules = try ContextRuleFile.loadRules(path: rulesPath)
        let sections = try sectionRulesPath.map { try ContextRuleFile.loadSectionRules(path: $0) } ?? []
        return ContextEngine(rules: rules, sectionRules: sections, tokenizer: tokenizer)
    }

    private struct Trigger {
        var rule: Int
        var begin: Int
        var end: Int
    }

    /// The triggers of one sentence, in text order (begins and ends both nondecreasing: the matcher keeps no
    /// match contained in another), and per attribute the begins and ends of the terminations that end its
    /// scopes, so scope limits are binary searches. Ranges into the workspace's tables (see `Workspace`).
    private struct SentenceTriggers {
        /// Into `Workspace.triggers`.
        var list: Range<Int>
        /// Into `Workspace.terminationStarts`, where attribute `ai`'s terminations are
        /// `terminationBegins[terminationStarts[terminationBase + ai]..<terminationStarts[terminationBase + ai + 1]]`;
        /// -1 when the sentence has no termination trigger.
        var terminationBase: Int
    }

    /// Per-call scratch: the triggers of every sentence asked about, computed on first use, in flat tables shared by
    /// all sentences. Per-sentence arrays (the trigger list, the termination tables, their entry in a dictionary)
    /// were most of the allocations ConText made: four or five per sentence with a mention.
    private struct Workspace {
        var buffer = PhraseMatches()
        var unlessBuffer = PhraseMatches()
        var triggers: [Trigger] = []
        var terminationBegins: [Int] = []
        var terminationEnds: [Int] = []
        var terminationStarts: [Int] = []
        /// Per sentence from `firstSentence` to the last one a target is in: index into `computed` + 1, or 0 when
        /// not computed yet. Only that span: a huge note's targets are assessed a block at a time, and a table over
        /// all its sentences for every block would be quadratic.
        var slot: [Int32]
        let firstSentence: Int
        var computed: [SentenceTriggers] = []
        /// Per sentence: whether a section rule's `unless` phrase occurs in it (-1 not looked for yet); sized on
        /// first use.
        var unlessHits: [Int8] = []

        init(sentences: ClosedRange<Int>) {
            firstSentence = sentences.lowerBound
            slot = [Int32](repeating: 0, count: sentences.count)
            // Room for a typical note's triggers up front instead of a regrowth at every doubling.
            computed.reserveCapacity(min(sentences.count, 4096))
            triggers.reserveCapacity(min(2 * sentences.count, 8192))
            buffer.reserve(matches: 64, tokens: 256)
        }

        func list(_ t: SentenceTriggers) -> ArraySlice<Trigger> { triggers[t.list] }

        func terminations(_ t: SentenceTriggers, _ ai: Int) -> Range<Int> {
            t.terminationBase < 0 ? 0..<0 : terminationStarts[t.terminationBase + ai]..<terminationStarts[t.terminationBase + ai + 1]
        }
    }

    private func sentenceTriggers(_ doc: Document, _ s: Int32, _ ws: inout Workspace) -> SentenceTriggers {
        let i = Int(s) - ws.firstSentence
        guard i >= 0, i < ws.slot.count else { return computeSentenceTriggers(doc, s, &ws) }
        let k = Int(ws.slot[i])
        if k > 0 { return ws.computed[k - 1] }
        let t = computeSentenceTriggers(doc, s, &ws)
        ws.computed.append(t)
        ws.slot[i] = Int32(ws.computed.count)
        return t
    }

    private func computeSentenceTriggers(_ doc: Document, _ s: Int32, _ ws: inout Workspace) -> SentenceTriggers {
        let first = ws.triggers.count
        findTriggers(doc, sentence: Int(s), buffer: &ws.buffer, into: &ws.triggers)
        let list = first..<ws.triggers.count
        // Through the traits: reading `rules[i]` copied the rule, with its strings, for every trigger. A local, so
        // the closure does not capture (copy) the whole engine.
        let traits = ruleTraits
        let anyTermination = ws.triggers[list].contains { traits[$0.rule].terminatesAttributes != 0 }
        // Most sentences have no termination trigger.
        guard anyTermination else { return SentenceTriggers(list: list, terminationBase: -1) }
        let base = ws.terminationStarts.count
        ws.terminationStarts.append(ws.terminationBegins.count)
        for ai in AssertionAttribute.allCases.indices {
            for k in list where traits[ws.triggers[k].rule].terminatesAttributes & UInt8(1) << ai != 0 {
                ws.terminationBegins.append(ws.triggers[k].begin)
                ws.terminationEnds.append(ws.triggers[k].end)
            }
            ws.terminationStarts.append(ws.terminationBegins.count)
        }
        return SentenceTriggers(list: list, terminationBase: base)
    }

    /// The triggers of sentence `s`. A slice of the workspace's table: let it go before asking for another sentence's,
    /// which may append to the table.
    private func triggers(_ doc: Document, _ s: Int32, _ ws: inout Workspace) -> ArraySlice<Trigger> {
        // In two steps: `ws.list(sentenceTriggers(doc, s, &ws))` reads `ws` before the call that may add the triggers.
        let t = sentenceTriggers(doc, s, &ws)
        return ws.list(t)
    }

    /// First index in `sorted[range]` whose value is not below `value` (`range.upperBound` when none).
    private static func lowerBound(_ sorted: [Int], _ range: Range<Int>, _ value: Int) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Assertions for `targets` (any order), one per target in the same order.
    public func assess(_ doc: Document, targets: [ContextTarget]) -> [Assertion] {
        var results = [Assertion](repeating: Assertion(), count: targets.count)
        if targets.isEmpty { return results }
        var lowest = Int(targets[0].sentence), highest = lowest
        for t in targets {
            lowest = min(lowest, Int(t.sentence))
            highest = max(highest, Int(t.sentence))
        }
        // From the earliest sentence a list-scope negation may walk back to.
        var ws = Workspace(sentences: max(0, lowest - Self.listScopeLines)...highest)
        for (k, target) in targets.enumerated() {
            var a = Assertion()
            let sentence = doc.sentences[Int(target.sentence)]
            let found = sentenceTriggers(doc, target.sentence, &ws)
            if !found.list.isEmpty { applyTriggers(found, ws, to: &a, target: target, sentence: sentence, doc: doc) }
            applySection(to: &a, target: target, doc: doc, ws: &ws)
            if a.evidence.count > 1 { a.evidence.sort { Self.order($0.attribute) < Self.order($1.attribute) } }
            results[k] = a
        }
        return results
    }

    /// Static: a closure that calls a method captures `self`, and copying the engine (its rules and two phrase
    /// matchers, dozens of arrays) for every sort of a mention's evidence was a visible share of ConText.
    private static func order(_ attribute: String) -> Int {
        AssertionAttribute(rawValue: attribute).flatMap { AssertionAttribute.allCases.firstIndex(of: $0) } ?? 99
    }

    /// Appends the triggers of sentence `s` to `out`, in text order.
    private func findTriggers(_ doc: Document, sentence s: Int, buffer: inout PhraseMatches, into out: inout [Trigger]) {
        let sentence = doc.sentences[s]
        buffer.removeAll()
        matcher.match(doc, tokenRange: sentence.tokenRange, into: &buffer, allStarts: true)
        // Matches, payloads and rule traits read in place: iterating the arrays and their slices retained and
        // released each one per sentence and per match, a fifth of finding a sentence's triggers.
        buffer.matches.withUnsafeBufferPointer { matches in
            buffer.payloads.withUnsafeBufferPointer { payloads in
                ruleTraits.withUnsafeBufferPointer { traits in
                    for m in matches {
                        for k in Int(m.payloadBegin)..<Int(m.payloadEnd) {
                            let p = Int(payloads[k])
                            if traits[p].atBoundary && !endsAtBoundary(doc, after: Int(m.tokenEnd), sentenceEnd: Int(sentence.tokenEnd)) { continue }
                            out.append(Trigger(rule: p, begin: Int(m.tokenBegin), end: Int(m.tokenEnd)))
                        }
                    }
                }
            }
        }
    }

    /// Only punctuation between token `j` and the next line break or the sentence end.
    private func endsAtBoundary(_ doc: Document, after j: Int, sentenceEnd: Int) -> Bool {
        var j = j
        while j < sentenceEnd {
            let t = doc.tokens[j]
            if t.kind == .newline || t.flags.contains(.lineStart) { return true }
            if t.kind != .punctuation { return false }
            j += 1
        }
        return true
    }

    private func applyTriggers(_ found: SentenceTriggers, _ ws: Workspace, to a: inout Assertion, target: ContextTarget, sentence: Sentence, doc: Document) {
        let tb = Int(target.tokenBegin), te = Int(target.tokenEnd)
        let sb = Int(sentence.tokenBegin), se = Int(sentence.tokenEnd)
        // The triggers near the target: ends ≥ tb - distance, begins ≤ te + distance (both sorted).
        let triggers = ws.triggers
        var lo = found.list.lowerBound, hi = found.list.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if triggers[mid].end < tb - Self.maxTriggerDistance { lo = mid + 1 } else { hi = mid }
        }
        var last = lo
        hi = found.list.upperBound
        while last < hi {
            let mid = (last + hi) / 2
            if triggers[mid].begin <= te + Self.maxTriggerDistance { last = mid + 1 } else { hi = mid }
        }
        guard lo < last else { return }
        // Per attribute, the nearest trigger so far (index into `triggers`, -1 none); on the stack, as this runs
        // for every mention.
        let attributes = AssertionAttribute.allCases.count
        // The closure uses no `self`: capturing it copied the engine (retaining each of its tables) per mention.
        let traits = ruleTraits
        withUnsafeTemporaryAllocation(of: (distance: Int, trigger: Int).self, capacity: attributes) { best in
            best.initialize(repeating: (.max, -1))
            for k in lo..<last {
                let t = triggers[k]
                let rule = traits[t.rule]
                let ai = rule.attribute
                guard ai >= 0 else { continue }
                var distance = Int.max
                if t.begin < te && tb < t.end {
                    // A trigger inside the mention ("history" in "psychiatric history") modifies nothing; one that
                    // starts before it and runs into it ("no acute" before "acute distress") does, forward.
                    guard t.begin < tb, rule.direction != .backward else { continue }
                    distance = 0
                }
                if rule.direction == .forward || rule.direction == .bidirectional, tb >= t.end {
                    let limit = Self.scopeEnd(found, ws, from: t.end, sentenceEnd: se, attribute: ai, maxScope: rule.maxScope, doc: doc)
                    if tb < limit { distance = tb - t.end }
                }
                if rule.direction == .backward || rule.direction == .bidirectional, te <= t.begin {
                    let limit = Self.scopeBegin(found, ws, from: t.begin, sentenceBegin: sb, attribute: ai, maxScope: rule.maxScope, doc: doc)
                    if te > limit { distance = min(distance, t.begin - te) }
                }
                if distance < best[ai].distance { best[ai] = (distance, k) }
            }
            for (ai, attribute) in AssertionAttribute.allCases.enumerated() {
                guard best[ai].trigger >= 0 else { continue }
                let t = triggers[best[ai].trigger]
                a[attribute] = true
                a.evidence.append(AssertionEvidence(attribute: attribute.rawValue, utf8Begin: doc.tokens[t.begin].utf8Begin,
                                                    utf8End: doc.tokens[t.end - 1].utf8End, fromSection: false))
            }
        }
    }

    private static func terminates(_ rule: ContextRule, _ attribute: AssertionAttribute) -> Bool {
        rule.category == .termination && (rule.terminates.isEmpty || rule.terminates.contains(attribute))
    }

    /// The scope end: the sentence end, or the first termination (for this attribute) at or after `start`.
    private static func scopeEnd(_ found: SentenceTriggers, _ ws: Workspace, from start: Int, sentenceEnd: Int, attribute ai: Int, maxScope: Int?, doc: Document) -> Int {
        var end = sentenceEnd
        let begins = ws.terminationBegins, range = ws.terminations(found, ai)
        let k = Self.lowerBound(begins, range, start)
        if k < range.upperBound, begins[k] < end { end = begins[k] }
        if let maxScope {
            var counted = 0, j = start
            while j < end {
                if doc.tokens[j].kind != .newline { counted += 1; if counted > maxScope { return j } }
                j += 1
            }
        }
        return end
    }

    /// The scope begin: the sentence begin, or the end of the last termination (for this attribute) ending at
    /// or before `start`.
    private static func scopeBegin(_ found: SentenceTriggers, _ ws: Workspace, from start: Int, sentenceBegin: Int, attribute ai: Int, maxScope: Int?, doc: Document) -> Int {
        var begin = sentenceBegin
        let ends = ws.terminationEnds, range = ws.terminations(found, ai)
        let k = Self.lowerBound(ends, range, start + 1) - 1
        if k >= range.lowerBound, ends[k] > begin { begin = ends[k] }
        if let maxScope {
            var counted = 0, j = start - 1
            while j >= begin {
                if doc.tokens[j].kind != .newline { counted += 1; if counted > maxScope { return j + 1 } }
                j -= 1
            }
        }
        return begin
    }

    private func applySection(to a: inout Assertion, target: ContextTarget, doc: Document, ws: inout Workspace) {
        guard !doc.sections.isEmpty else { return }
        let begin = Int(doc.tokens[Int(target.tokenBegin)].utf8Begin)
        guard let si = doc.sectionIndex(containing: begin), let ri = ruleSections.lastIndex(of: doc.sections[si].category) else { return }
        let section = doc.sections[si]
        let rule = sectionRules[ri]
        if let implies = rule.implies {
            let cancelled: Bool
            if rule.unless.isEmpty {
                cancelled = false
            } else {
                let i = Int(target.sentence) - ws.firstSentence
                if ws.unlessHits.isEmpty { ws.unlessHits = [Int8](repeating: -1, count: ws.slot.count) }
                if ws.unlessHits[i] >= 0 {
                    cancelled = ws.unlessHits[i] == 1
                } else {
                    let sentence = doc.sentences[Int(target.sentence)]
                    ws.unlessBuffer.removeAll()
                    unlessMatcher.match(doc, tokenRange: sentence.tokenRange, into: &ws.unlessBuffer)
                    let b = ws.unlessBuffer
                    cancelled = b.matches.contains { m in b.payloads(of: m).contains(Int32(ri)) }
                    ws.unlessHits[i] = cancelled ? 1 : 0
                }
            }
            if !cancelled {
                let hb = section.hasHeader ? section.headerBegin : section.utf8Begin
                let he = section.hasHeader ? section.headerEnd : section.utf8Begin
                if let attribute = AssertionAttribute(rawValue: implies.rawValue) {
                    if !a[attribute] {
                        a[attribute] = true
                        a.evidence.append(AssertionEvidence(attribute: attribute.rawValue, utf8Begin: hb, utf8End: he, fromSection: true))
                    }
                } else {
                    a.evidence.append(AssertionEvidence(attribute: implies.rawValue, utf8Begin: hb, utf8End: he, fromSection: true))
                }
            }
        }
        if rule.listScope && !a.negated {
            listScopeNegation(&a, target: target, doc: doc, section: section, ws: &ws)
        }
    }

    /// Lines a list-scope negation looks back over for its label.
    static let listScopeLines = 40

    /// "Negative for:" / "Denies:" ending a line, followed by one item per line: the trigger's scope is the
    /// list, not just its own line. Walk back over the list lines (sentences) to the label line.
    private func listScopeNegation(_ a: inout Assertion, target: ContextTarget, doc: Document, section: Section, ws: inout Workspace) {
        // The mention's own line must be a bare list item: a label ("Positive for: cough") or a trigger before
        // it starts something else.
        let own = doc.sentences[Int(target.sentence)]
        // Triggers are in text order: one starts before the mention exactly when the first does.
        if let first = triggers(doc, target.sentence, &ws).first, first.begin < Int(target.tokenBegin) { return }
        for j in Int(own.tokenBegin)..<Int(target.tokenBegin) where doc.utf8[Int(doc.tokens[j].utf8Begin)] == UInt8(ascii: ":") { return }
        var s = Int(target.sentence) - 1
        var steps = 0
        while s >= 0, steps < Self.listScopeLines, doc.sentences[s].utf8Begin >= section.utf8Begin {
            let sentence = doc.sentences[s]
            let found = triggers(doc, Int32(s), &ws)
            if let t = found.last(where: { rules[$0.rule].category == .negated && rules[$0.rule].direction != .backward }),
               endsAtBoundary(doc, after: t.end, sentenceEnd: Int(sentence.tokenEnd)) {
                a.negated = true
                a.evidence.append(AssertionEvidence(attribute: AssertionAttribute.negated.rawValue, utf8Begin: doc.tokens[t.begin].utf8Begin,
                                                    utf8End: doc.tokens[t.end - 1].utf8End, fromSection: false))
                return
            }
            // A line with its own "Label:" starts another list; so does any trigger or termination.
            if !found.isEmpty { return }
            for j in sentence.tokenRange where doc.tokens[j].kind == .punctuation && doc.utf8[Int(doc.tokens[j].utf8Begin)] == UInt8(ascii: ":") {
                return
            }
            s -= 1
            steps += 1
        }
    }
}
