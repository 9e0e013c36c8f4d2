/// Finds which drug caused which effect inside a sentence already judged to report an ADR.
///
/// Drugs and effects come from three sources: lexicon annotations passed in, the gazetteer learned from
/// training pairs, and sentence structure — "Y-induced X", "X induced by / caused by / secondary to / due to /
/// associated with / following / after Y", "Y may cause X" — which also catches effects and drugs no list
/// knows. Pattern pairs are taken as they are; drugs and effects found otherwise are paired with each other
/// (ADR case reports mostly name one drug, or name several jointly responsible). Works on token indices.
struct ADRPairExtractor {
    let gazetteer: ADRGazetteer

    private struct Span: Hashable { var lo: Int; var hi: Int }  // token range [lo, hi)

    static func w(_ s: String) -> UInt64 { ADRText.hashWord(s) }
    static let articles: Set<UInt64> = set(["a", "an", "the"])
    static func set(_ words: [String]) -> Set<UInt64> { Set(words.map(w)) }

    /// Words that end a noun phrase when walking outward from a cue.
    static let npStop = set([
        "of", "with", "in", "a", "an", "the", "and", "or", "developed", "develop", "develops", "developing",
        "presented", "presenting", "present", "had", "has", "have", "was", "were", "is", "are", "be", "been",
        "being", "patient", "patients", "case", "cases", "report", "reported", "we", "to", "by", "for", "from",
        "after", "that", "which", "who", "his", "her", "their", "as", "on", "at", "this", "these", "suffered",
        "experienced", "showed", "caused", "induced", "due", "secondary", "associated", "following", "during",
        "while", "when", "but", "not", "no", "also", "describe", "man", "woman", "boy", "girl", "child",
        "year", "old", "months", "days", "weeks", "because", "since", "although", "than", "may", "can", "could",
        "did", "does", "do", "its", "it", "he", "she", "they", "both", "other", "possible", "probable", "rare",
        "related", "attributed", "attributable", "secondary", "resulted", "result", "results", "complicated",
        "there", "into", "under", "over", "between", "about", "two", "three", "several", "first", "one",
    ])
    /// Words skipped before a drug name after a cue ("after the intravenous administration of ...").
    static let drugLead = set([
        "the", "a", "an", "intravenous", "iv", "oral", "high", "low", "dose", "doses", "treatment", "therapy",
        "with", "of", "administration", "use", "ingestion", "exposure", "to", "his", "her", "their", "its",
        "long", "term", "chronic", "combination", "concomitant", "topical", "systemic", "pulse", "prophylactic",
        "inhaled", "subcutaneous", "intramuscular", "intrathecal", "starting", "initiation", "receiving", "taking",
        "daily", "weekly", "low-dose", "high-dose", "adjuvant", "initial", "single", "repeated", "standard",
        "by", "from", "0", "mg", "g", "ug", "mcg", "kg", "per", "day", "use", "infusion", "injection", "therapeutic",
    ])
    /// Words that end a drug name.
    static let drugStop = set([
        "therapy", "treatment", "in", "for", "and", "or", "was", "were", "is", "are", "with", "at", "during",
        "after", "administration", "use", "therapy", "infusion", "injection", "tablets", "the", "a", "an", "of",
        "to", "on", "as", "but", "which", "that", "who", "has", "have", "had", "may", "can", "dose", "doses",
        "levels", "level", "toxicity", "induced", "associated", "related", "alone", "regimen", "plus",
    ])
    static let saltWords = set(["hydrochloride", "sodium", "acetate", "sulfate", "citrate", "phosphate", "mesylate",
                                "maleate", "potassium", "calcium", "a", "b", "g", "alfa", "beta"])
    static let coordination = set(["and", "or"])
    static let causeVerbs = set(["cause", "causes", "caused", "causing", "induce", "induces", "induced", "inducing",
                                 "produce", "produced", "precipitated", "provoked", "triggered"])

    /// Effect-first cues: "X <cue> Y".
    static let effectFirstCues: [[UInt64]] = [
        "induced by", "caused by", "secondary to", "due to", "associated with", "attributed to", "attributable to",
        "following", "after", "during", "related to", "while on", "while receiving", "while taking",
        "in association with", "as a complication of", "as a side effect of", "after starting",
        "as a result of", "from", "with the use of", "on",
    ].map { $0.split(separator: " ").map { ADRText.hashWord(String($0)) } }

    static let hyphenCues = set(["induced", "associated", "related", "mediated", "attributed", "caused", "provoked", "triggered"])
    static let hyphen: UInt64 = { var h = FNV1a64(); h.combine(UInt8(ascii: "-")); return h.value }()

    func pairs(bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], input: ADRSentenceInput) -> [ADRPair] {
        var drugs: [Span] = []
        var effects: [Span] = []
        var explicit: [(Span, Span)] = []

        func tokenRange(_ m: ADRMention) -> Span? {
            let lo = tokens.firstIndex { $0.end > m.utf8Begin } ?? tokens.count
            var hi = lo
            while hi < tokens.count, tokens[hi].begin < m.utf8End { hi += 1 }
            return hi > lo ? Span(lo: lo, hi: hi) : nil
        }
        drugs += input.drugs.compactMap(tokenRange)
        effects += input.effects.filter { !$0.negated && !$0.hypothetical }.compactMap(tokenRange)
        for (r, kind) in gazetteer.matches(tokens: tokens) {
            let s = Span(lo: r.lowerBound, hi: r.upperBound)
            if kind == 1 { drugs.append(s) } else { effects.append(s) }
        }
        // A span known to be a drug is not also an effect.
        effects.removeAll { e in drugs.contains { $0 == e } }

        func isWord(_ i: Int) -> Bool { i >= 0 && i < tokens.count && tokens[i].isWord }
        func known(_ list: [Span], startingAt i: Int) -> Span? { list.filter { $0.lo == i }.max { $0.hi < $1.hi } }
        func known(_ list: [Span], endingAt i: Int) -> Span? { list.filter { $0.hi == i }.min { $0.lo < $1.lo } }

        /// Noun phrase ending at token `end - 1`, walking left.
        func npLeft(endingAt end: Int) -> Span? {
            if let k = known(effects, endingAt: end) { return k }
            var lo = end
            while lo > 0, end - lo < 5 {
                let t = tokens[lo - 1]
                if t.isWord {
                    if ADRPairExtractor.npStop.contains(t.hash) { break }
                } else if !(t.hash == ADRPairExtractor.hyphen && isWord(lo - 2) && tokens[lo - 2].end == t.begin) { break }
                lo -= 1
            }
            while lo < end, !tokens[lo].isWord { lo += 1 }
            return lo < end ? Span(lo: lo, hi: end) : nil
        }
        /// Noun phrase starting at `start`, walking right.
        func npRight(startingAt start: Int) -> Span? {
            var s = start
            while s < tokens.count, tokens[s].isWord, ADRPairExtractor.articles.contains(tokens[s].hash) { s += 1 }
            if let k = known(effects, startingAt: s) { return k }
            var hi = s
            while hi < tokens.count, hi - s < 5 {
                let t = tokens[hi]
                if t.isWord {
                    if ADRPairExtractor.npStop.contains(t.hash) { break }
                } else if !(t.hash == ADRPairExtractor.hyphen && isWord(hi + 1) && isWord(hi - 1) && tokens[hi + 1].begin == t.end) { break }
                hi += 1
            }
            return hi > s ? Span(lo: s, hi: hi) : nil
        }
        /// Drug name(s) starting at or after `start` (leading modifiers skipped), with "A and B" coordination.
        func drugsRight(startingAt start: Int) -> [Span] {
            var out: [Span] = []
            var s = start
            for _ in 0..<3 {
                while s < tokens.count, s - start < 8, !tokens[s].isWord || ADRPairExtractor.drugLead.contains(tokens[s].hash) {
                    if !tokens[s].isWord, tokens[s].hash != ADRPairExtractor.hyphen { return out }
                    s += 1
                }
                guard s < tokens.count, tokens[s].isWord else { return out }
                var span: Span
                if let k = known(drugs, startingAt: s) {
                    span = k
                } else {
                    if ADRPairExtractor.npStop.contains(tokens[s].hash) || ADRPairExtractor.drugStop.contains(tokens[s].hash) { return out }
                    var hi = s + 1
                    if isWord(hi), ADRPairExtractor.saltWords.contains(tokens[hi].hash) { hi += 1 }
                    span = Span(lo: s, hi: hi)
                }
                out.append(span)
                // Coordination: "naproxen and oxaprozin", "interferon, ribavirin".
                var n = span.hi
                if n < tokens.count, tokens[n].first == UInt8(ascii: "(") { while n < tokens.count, tokens[n].first != UInt8(ascii: ")") { n += 1 }; n += 1 }
                if n < tokens.count, !tokens[n].isWord, tokens[n].first == UInt8(ascii: ",") { n += 1 }
                if isWord(n), ADRPairExtractor.coordination.contains(tokens[n].hash) { n += 1 } else if n == span.hi { return out }
                s = n
            }
            return out
        }
        /// The effect NP plus those coordinated to its left ("seizures and transient blindness").
        func effectsLeft(endingAt end: Int) -> [Span] {
            var out: [Span] = []
            var e = end
            for _ in 0..<3 {
                guard let np = npLeft(endingAt: e) else { break }
                out.append(np)
                var p = np.lo
                if p > 0, isWord(p - 1), ADRPairExtractor.coordination.contains(tokens[p - 1].hash) { p -= 1 } else { break }
                if p > 0, !tokens[p - 1].isWord, tokens[p - 1].first == UInt8(ascii: ",") { p -= 1 }
                e = p
            }
            return out
        }
        func effectsRight(startingAt start: Int) -> [Span] {
            var out: [Span] = []
            var s = start
            for _ in 0..<3 {
                guard let np = npRight(startingAt: s) else { break }
                out.append(np)
                var n = np.hi
                if n < tokens.count, !tokens[n].isWord, tokens[n].first == UInt8(ascii: ",") { n += 1 }
                if isWord(n), ADRPairExtractor.coordination.contains(tokens[n].hash) { s = n + 1 } else { break }
            }
            return out
        }

        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            // "Y-induced X"
            if t.hash == ADRPairExtractor.hyphen, isWord(i - 1), isWord(i + 1), tokens[i - 1].end == t.begin,
               tokens[i + 1].begin == t.end, ADRPairExtractor.hyphenCues.contains(tokens[i + 1].hash) {
                let drug = known(drugs, endingAt: i) ?? Span(lo: i - 1, hi: i)
                for e in effectsRight(startingAt: i + 2) { explicit.append((drug, e)) }
                i += 2
                continue
            }
            guard t.isWord else { i += 1; continue }
            // "X <cue> Y"
            var matched = false
            for cue in ADRPairExtractor.effectFirstCues where cue[0] == t.hash && i + cue.count <= tokens.count {
                var ok = true
                for k in 1..<cue.count where tokens[i + k].hash != cue[k] { ok = false; break }
                guard ok else { continue }
                let ds = drugsRight(startingAt: i + cue.count)
                let es = effectsLeft(endingAt: i)
                // Weak cues ("after", "during", "on", "from") only count when the drug is known.
                let weak = cue.count == 1 && !ADRPairExtractor.strongSingle.contains(cue[0])
                let drugsOK = weak ? ds.filter { d in drugs.contains(d) } : ds
                for d in drugsOK { for e in es { explicit.append((d, e)) } }
                matched = !drugsOK.isEmpty
                if matched { break }
            }
            // "Y may cause X", "Y induced X"
            if !matched, ADRPairExtractor.causeVerbs.contains(t.hash), !(isWord(i + 1) && tokens[i + 1].hash == ADRPairExtractor.w("by")) {
                let es = effectsRight(startingAt: i + 1)
                if let d = drugs.filter({ $0.hi <= i }).max(by: { $0.hi < $1.hi }) {
                    for e in es { explicit.append((d, e)) }
                }
            }
            i += 1
        }

        var result: [ADRPair] = []
        var seen: Set<String> = []
        func text(_ s: Span) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[tokens[s.lo].begin..<tokens[s.hi - 1].end]), as: UTF8.self)
        }
        func add(_ d: Span, _ e: Span) {
            guard d != e else { return }
            let p = ADRPair(drug: text(d), effect: text(e))
            if seen.insert(p.key).inserted { result.append(p) }
        }
        for (d, e) in explicit { add(d, e) }
        // Known drugs × known effects not already explained by a pattern.
        let patternDrugs = Set(explicit.map { $0.0 })
        let patternEffects = Set(explicit.map { $0.1 })
        let allDrugs = Array(Set(drugs).union(patternDrugs)).sorted { $0.lo < $1.lo }
        let allEffects = Array(Set(effects).union(patternEffects)).sorted { $0.lo < $1.lo }
        for d in allDrugs {
            for e in allEffects where !(e.lo < d.hi && d.lo < e.hi) { add(d, e) }
        }
        return result
    }

    static let strongSingle = set(["following"])
}
