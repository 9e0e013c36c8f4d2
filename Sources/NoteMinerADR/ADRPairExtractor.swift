/// Finds which drug caused which effect inside a sentence already judged to report an ADR.
///
/// Drugs and effects come from three sources: lexicon annotations passed in, the gazetteer learned from
/// training pairs, and sentence structure — "Y-induced X", "X induced by / caused by / secondary to / due to /
/// associated with / following / after Y", "Y may cause X" — which also catches effects and drugs no list
/// knows. Pattern pairs are taken as they are; drugs and effects found otherwise are paired with each other
/// (ADR case reports mostly name one drug, or name several jointly responsible). Works on token indices.
struct ADRPairExtractor {
    let gazetteer: ADRGazetteer
    /// `patternsFirst`: when sentence structure yields pairs, co-occurrence pairs are not added (measured on
    /// grouped splits of the ADE training part: higher pair F1 than always taking the union).
    enum Policy { case patternsFirst, union }
    var pairPolicy: Policy = .patternsFirst

    fileprivate struct Span: Hashable {  // token range [lo, hi)
        var lo: Int
        var hi: Int

        /// Distinct spans by (lo, hi).
        static func sortedUnique(_ spans: [Span]) -> [Span] {
            // Sorted and deduplicated in the argument's own buffer (a sorted copy and a second array before).
            var out = spans
            out.sort { ($0.lo, $0.hi) < ($1.lo, $1.hi) }
            var kept = 0
            for k in out.indices where kept == 0 || out[kept - 1] != out[k] {
                out[kept] = out[k]
                kept += 1
            }
            out.removeSubrange(kept...)
            return out
        }
    }

    static func w(_ s: String) -> UInt64 { ADRText.hashWord(s) }
    static let articles = set(["a", "an", "the"])
    static func set(_ words: [String]) -> WordSet { WordSet(words.map(w)) }

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
        "occurring", "occurred", "occur", "occurs", "experience", "experienced", "include", "includes", "including",
        "requiring", "required", "leading", "resulting", "making", "persisted", "appeared", "potentially", "resolved",
        "began", "started", "was", "episode", "episodes", "history", "onset", "use", "complaining", "complained",
        "within", "despite", "without", "treated", "receiving", "taking", "received", "given", "0",
        "years", "reports", "diagnosed", "based", "evidence", "laboratory", "new", "h", "hours", "weeks", "cycles",
        "detected", "observed", "noted", "seen", "described", "shortly", "took", "al", "et", "concomitant",
        "consist", "consists", "especially", "particularly", "subsequent", "subsequently", "should", "responds",
        "most", "likely", "what", "appears", "male", "female", "discovered", "probable", "findings",
        "situ", "late", "all", "discontinuation", "day", "test", "tests", "scale", "whom", "whose", "resolution",
        "improved", "normalization", "emerged", "suggests", "features", "whether", "because",
    ])
    /// Words skipped before a drug name after a cue ("after the intravenous administration of ...").
    static let drugLead = set([
        "the", "a", "an", "intravenous", "iv", "oral", "high", "low", "dose", "doses", "treatment", "therapy",
        "with", "of", "administration", "use", "ingestion", "exposure", "to", "his", "her", "their", "its",
        "long", "term", "chronic", "combination", "concomitant", "topical", "systemic", "pulse", "prophylactic",
        "inhaled", "subcutaneous", "intramuscular", "intrathecal", "starting", "initiation", "receiving", "taking",
        "daily", "weekly", "low-dose", "high-dose", "adjuvant", "initial", "single", "repeated", "standard",
        "by", "from", "0", "mg", "g", "ug", "mcg", "kg", "per", "day", "use", "infusion", "injection", "therapeutic",
        "bolus", "intraarterial", "intravenously", "pentavalent", "prolonged", "continuous", "acute", "accidental",
        "excessive", "moderate", "massive", "regular", "recent", "previous", "prior", "course", "courses", "m0",
    ])
    /// Words that end a drug name.
    static let drugStop = set([
        "therapy", "treatment", "in", "for", "and", "or", "was", "were", "is", "are", "with", "at", "during",
        "after", "administration", "use", "therapy", "infusion", "injection", "tablets", "the", "a", "an", "of",
        "to", "on", "as", "but", "which", "that", "who", "has", "have", "had", "may", "can", "dose", "doses",
        "levels", "level", "toxicity", "induced", "associated", "related", "alone", "regimen", "plus",
    ])
    static let notDrugs = set([
        "drug", "drugs", "agent", "agents", "medication", "medications", "cancer", "surgery", "disease", "crystal",
        "exposure", "exposures", "toxicity", "combination", "patients", "patient", "therapy", "treatment", "bolus",
        "intraarterial", "intravenously", "pentavalent", "limited", "anti", "day", "days", "both", "all", "each",
        "chemotherapy", "radiation", "radiotherapy", "transplantation", "infection", "overdose", "allergy",
        "overuse", "involvement", "diagnosis", "antibody", "antibodies", "reports", "evidence", "function", "level",
        "levels", "dose", "doses", "serum", "plasma", "blood", "urine", "use", "abuse", "withdrawal", "his", "her",
        "term", "preservative", "muscle", "failure", "vehicle", "solution", "component",
    ])
    static let saltWords = set(["hydrochloride", "sodium", "acetate", "sulfate", "citrate", "phosphate", "mesylate",
                                "maleate", "potassium", "calcium", "a", "b", "g", "alfa", "beta"])
    static let coordination = set(["and", "or"])
    static let copulas = set(["was", "were", "is", "are", "been", "be", "has", "have", "had"])
    static let reportVerbs = set(["diagnosed", "noted", "observed", "seen", "reported", "occurred", "developed", "detected", "found"])
    static let modals = set(["can", "may", "might", "could", "will", "would", "also", "to"])
    static let causeVerbs = set(["cause", "causes", "caused", "causing", "induce", "induces", "induced", "inducing",
                                 "produce", "produced", "precipitated", "provoked", "triggered"])

    /// Effect-first cues: "X <cue> Y".
    static let effectFirstCues = CueList([
        "induced by", "caused by", "secondary to", "due to", "associated with", "attributed to", "attributable to",
        "following", "after", "during", "related to", "while on", "while receiving", "while taking",
        "in association with", "as a complication of", "as a side effect of", "after starting",
        "as a result of", "from", "with the use of", "on", "complicating", "complicating therapy with",
        "complicating treatment with", "in a patient treated with", "in patients treated with",
        "in a patient receiving", "in patients receiving", "in a patient taking", "in patients taking",
    ])

    /// Cues after which a list of effects follows ("developed fever, rash and hepatitis").
    static let effectListCues = CueList([
        "developed", "develop", "develops", "experienced", "complained of", "complaining of", "presented with",
        "presenting with", "suffered", "suffered from", "suffering from", "exhibited", "cases of", "case of",
        "report of", "episode of", "episodes of", "signs of", "occurrence of", "development of", "manifested",
        "onset of", "resulted in", "led to", "causing", "caused", "induced", "produced", "precipitated",
        "developing", "symptoms of", "consist of", "consisted of", "such as", "including",
    ])
    /// Cues after which a drug follows ("receiving clomipramine", "treated with fludarabine").
    static let drugCues = CueList([
        "taking", "receiving", "received", "treated with", "treatment with", "therapy with", "use of",
        "administration of", "exposure to", "ingestion of", "initiation of", "starting", "started on", "on",
        "with", "after", "following", "during", "of",
    ])
    static let occurring = set(["occurring", "occurred", "appearing", "observed", "detected", "noted", "seen"])

    /// Endings of ordinary words that a one-word "drug" found by pattern may not have (`looksLikeDrug`), as bytes
    /// made once: the literal array and a byte array per ending were built on every call, a score of allocations.
    static let ordinaryWordSuffixes: [[UInt8]] = ["ing", "ed", "ly", "ous", "ment", "ity", "sis", "tion", "ness", "ance", "ence", "ogy",
                                                  "ists", "emia", "itis", "pathy", "ure", "oma"].map { Array($0.utf8) }
    /// "-al" adjectives are ordinary words, "-ol" names are drugs (the test is on "-al" and not "-ol").
    static let al = Array("al".utf8), ol = Array("ol".utf8)

    static let hyphenCues = set(["induced", "associated", "related", "mediated", "attributed", "caused", "provoked", "triggered"])
    static let hyphen: UInt64 = { var h = FNV1a64(); h.combine(UInt8(ascii: "-")); return h.value }()

    /// What sentence structure says. The pairs are kept as token spans and named only on request: the
    /// features need just the counts, and only a flagged sentence (a third of those scored) shows its pairs.
    struct Analysis {
        /// Drug and effect spans in the order they are paired.
        fileprivate var candidates: [(Span, Span)]
        var patternPairs: Int
        var patternPairsWithKnownDrug: Int

        /// The pairs named from the sentence the analysis was made of (same bytes and tokens).
        func pairs(bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken]) -> [ADRPair] {
            var result: [ADRPair] = []
            var seen: Set<String> = []
            func text(_ s: Span) -> String {
                // "5-fluorouracil", "6-mercaptopurine": a prefix glued by a hyphen belongs to the name.
                var lo = s.lo
                if lo >= 2, tokens[lo - 1].hash == ADRPairExtractor.hyphen, tokens[lo - 1].end == tokens[lo].begin,
                   tokens[lo - 2].end == tokens[lo - 1].begin, tokens[lo - 2].first == UInt8(ascii: "0") { lo -= 2 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[tokens[lo].begin..<tokens[s.hi - 1].end]), as: UTF8.self)
            }
            for (d, e) in candidates {
                guard d != e else { continue }
                // Fixed combinations ("trimethoprim-sulfamethoxazole", "lopinavir/ritonavir") are annotated as
                // their components.
                var parts: [Span] = []
                if d.hi - d.lo == 3, tokens[d.lo + 1].first == UInt8(ascii: "-") || tokens[d.lo + 1].first == UInt8(ascii: "/"),
                   tokens[d.lo].first != UInt8(ascii: "0"), tokens[d.lo].end - tokens[d.lo].begin >= 4,
                   tokens[d.hi - 1].end - tokens[d.hi - 1].begin >= 4, !ADRPairExtractor.hyphenCues.contains(tokens[d.hi - 1].hash) {
                    parts = [Span(lo: d.lo, hi: d.lo + 1), Span(lo: d.hi - 1, hi: d.hi)]
                } else {
                    parts = [d]
                }
                let effectText = text(e)
                guard effectText.utf8.count >= 3 else { continue }
                for part in parts {
                    let p = ADRPair(drug: text(part), effect: effectText)
                    if seen.insert(p.key).inserted { result.append(p) }
                }
            }
            return result
        }
    }

    func pairs(bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], input: ADRSentenceInput) -> [ADRPair] {
        analyze(bytes: bytes, tokens: tokens, input: input).pairs(bytes: bytes, tokens: tokens)
    }

    /// `gazetteerMatches`: `gazetteer.matches(tokens: tokens)` when the caller has them already.
    func analyze(bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], input: ADRSentenceInput,
                 gazetteerMatches: [(Range<Int>, Int)]? = nil) -> Analysis {
        // Room reserved once: grown from empty, each of these arrays was reallocated two or three times per
        // scored sentence.
        var drugs: [Span] = []
        drugs.reserveCapacity(input.drugs.count + 8)
        var effects: [Span] = []
        effects.reserveCapacity(input.effects.count + 8)
        var explicit: [(Span, Span)] = []
        explicit.reserveCapacity(16)

        func tokenRange(_ m: ADRMention) -> Span? {
            let lo = tokens.firstIndex { $0.end > m.utf8Begin } ?? tokens.count
            var hi = lo
            while hi < tokens.count, tokens[hi].begin < m.utf8End { hi += 1 }
            return hi > lo ? Span(lo: lo, hi: hi) : nil
        }
        // Appended in place, and the spans adjusted in place below: the intermediate arrays of `compactMap`,
        // `filter` and `map` were a dozen allocations per scored sentence.
        for m in input.drugs { if let s = tokenRange(m) { drugs.append(s) } }
        for m in input.effects where !m.negated && !m.hypothetical { if let s = tokenRange(m) { effects.append(s) } }
        for (r, kind) in gazetteerMatches ?? gazetteer.matches(tokens: tokens) {
            let s = Span(lo: r.lowerBound, hi: r.upperBound)
            if kind == 1 { drugs.append(s) } else { effects.append(s) }
        }
        for k in effects.indices { effects[k] = withModifiers(effects[k]) }
        for k in drugs.indices {
            let d = drugs[k]
            if d.hi < tokens.count && tokens[d.hi].isWord && ADRPairExtractor.saltWords.contains(tokens[d.hi].hash)
                && tokens[d.hi].end - tokens[d.hi].begin > 2 { drugs[k] = Span(lo: d.lo, hi: d.hi + 1) }
        }
        // A span known to be a drug is not also an effect.
        effects.removeAll { e in drugs.contains { $0 == e } }

        func isWord(_ i: Int) -> Bool { i >= 0 && i < tokens.count && tokens[i].isWord }
        /// The longest span of `list` starting at `i` (the first of equals), without filtering into a new array.
        func known(_ list: [Span], startingAt i: Int) -> Span? {
            var best: Span?
            for s in list where s.lo == i { if best == nil || best!.hi < s.hi { best = s } }
            return best
        }
        /// The longest span of `list` ending at `i` (the first of equals).
        func known(_ list: [Span], endingAt i: Int) -> Span? {
            var best: Span?
            for s in list where s.hi == i { if best == nil || s.lo < best!.lo { best = s } }
            return best
        }

        /// "-ly" adverbs end a phrase ("probably", "simultaneously"); "-megaly"/"-omaly" are findings.
        func isAdverb(_ t: ADRToken) -> Bool {
            let len = t.end - t.begin
            guard len > 4, ADRText.lower(bytes[t.end - 1]) == UInt8(ascii: "y"), ADRText.lower(bytes[t.end - 2]) == UInt8(ascii: "l") else { return false }
            let c3 = ADRText.lower(bytes[t.end - 3])
            return !(c3 == UInt8(ascii: "a") && (ADRText.lower(bytes[t.end - 4]) == UInt8(ascii: "g") || ADRText.lower(bytes[t.end - 4]) == UInt8(ascii: "m")))
        }
        /// Gazetteer effects grow leftward over modifiers that training effects often start with ("severe").
        func withModifiers(_ e: Span) -> Span {
            var lo = e.lo
            while lo > 0, e.lo - lo < 2, isWord(lo - 1), gazetteer.isModifier(tokens[lo - 1].hash) { lo -= 1 }
            return Span(lo: lo, hi: e.hi)
        }
        /// Noun phrase ending at token `end - 1`, walking left.
        func npLeft(endingAt end: Int) -> Span? {
            if let k = known(effects, endingAt: end) { return k }
            var lo = end
            while lo > 0, end - lo < 5 {
                let t = tokens[lo - 1]
                if t.isWord {
                    if ADRPairExtractor.npStop.contains(t.hash) || isAdverb(t) { break }
                } else if !((t.hash == ADRPairExtractor.hyphen || t.first == UInt8(ascii: "/") || t.first == 0x27) && isWord(lo - 2) && tokens[lo - 2].end == t.begin) { break }
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
                    if ADRPairExtractor.npStop.contains(t.hash) || isAdverb(t) { break }
                } else if !((t.hash == ADRPairExtractor.hyphen || t.first == UInt8(ascii: "/") || t.first == 0x27) && isWord(hi + 1) && isWord(hi - 1) && tokens[hi + 1].begin == t.end) { break }
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
                    // The drug noun phrase: up to three words; a known drug inside it wins, else its head (last
                    // word, with a salt or letter suffix: "amphotericin B", "pirmenol hydrochloride").
                    var hi = s
                    while hi < tokens.count, hi - s < 3, tokens[hi].isWord,
                          !ADRPairExtractor.npStop.contains(tokens[hi].hash), !ADRPairExtractor.drugStop.contains(tokens[hi].hash) {
                        if let k = known(drugs, startingAt: hi) { hi = k.hi; break }
                        hi += 1
                        if hi < tokens.count, tokens[hi].hash == ADRPairExtractor.hyphen, isWord(hi + 1), tokens[hi].begin == tokens[hi - 1].end { hi += 2 }
                    }
                    if hi == s { return out }
                    if let k = drugs.first(where: { $0.lo >= s && $0.hi <= hi }) {
                        span = k
                    } else {
                        var lo = hi - 1
                        while lo > s, !tokens[lo].isWord || (tokens[lo - 1].hash == ADRPairExtractor.hyphen) { lo -= 1 }
                        if lo > s, ADRPairExtractor.saltWords.contains(tokens[lo].hash) { lo -= 1 }
                        span = Span(lo: lo, hi: hi)
                        if !looksLikeDrug(span) { return out }
                    }
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
        /// Rejects pattern-found "drugs" that are plainly ordinary words: -ing/-ed forms and very short words.
        func looksLikeDrug(_ sp: Span) -> Bool {
            let t = tokens[sp.lo]
            let len = tokens[sp.hi - 1].end - t.begin
            if len < 3 || ADRPairExtractor.notDrugs.contains(t.hash) { return false }
            if sp.hi - sp.lo == 1 {
                let e = t.end
                func endsWith(_ u: [UInt8]) -> Bool {
                    guard e - t.begin > u.count + 2 else { return false }
                    for (k, c) in u.enumerated() where ADRText.lower(bytes[e - u.count + k]) != c { return false }
                    return true
                }
                for suffix in ADRPairExtractor.ordinaryWordSuffixes where endsWith(suffix) { return false }
                if endsWith(ADRPairExtractor.al) && !endsWith(ADRPairExtractor.ol) { return false }
            }
            return true
        }
        /// The effect NP plus those coordinated to its left ("seizures and transient blindness").
        func effectsLeft(endingAt end: Int) -> [Span] {
            var out: [Span] = []
            var e = end
            // Skip "was diagnosed", "were detected" between the list and the cue.
            while e > 0, isWord(e - 1), ADRPairExtractor.copulas.contains(tokens[e - 1].hash) || ADRPairExtractor.reportVerbs.contains(tokens[e - 1].hash) { e -= 1 }
            var sawCoordination = false
            for _ in 0..<6 {
                guard let np = npLeft(endingAt: e) else { break }
                out.append(np)
                var p = np.lo
                if p > 0, isWord(p - 1), ADRPairExtractor.coordination.contains(tokens[p - 1].hash) {
                    p -= 1
                    sawCoordination = true
                    if p > 0, !tokens[p - 1].isWord, tokens[p - 1].first == UInt8(ascii: ",") { p -= 1 }
                } else if sawCoordination, p > 0, !tokens[p - 1].isWord, tokens[p - 1].first == UInt8(ascii: ",") {
                    // "A, B and C": commas continue a list already closed by "and"/"or".
                    p -= 1
                } else { break }
                e = p
            }
            return out
        }
        func effectsRight(startingAt start: Int, list: Bool = false) -> [Span] {
            var out: [Span] = []
            var s = start
            for _ in 0..<(list ? 8 : 3) {
                guard let np = npRight(startingAt: s) else { break }
                out.append(np)
                var n = np.hi
                var comma = false
                if n < tokens.count, !tokens[n].isWord, tokens[n].first == UInt8(ascii: ",") { n += 1; comma = true }
                if isWord(n), ADRPairExtractor.coordination.contains(tokens[n].hash) { s = n + 1 } else if list && comma { s = n } else { break }
            }
            return out
        }
        // Read once per sentence: each read of a static is a call.
        let effectFirstCues = ADRPairExtractor.effectFirstCues, drugCues = ADRPairExtractor.drugCues
        let effectListCues = ADRPairExtractor.effectListCues

        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            // "Y-induced X"
            if t.hash == ADRPairExtractor.hyphen, isWord(i - 1), isWord(i + 1), tokens[i - 1].end == t.begin,
               tokens[i + 1].begin == t.end, ADRPairExtractor.hyphenCues.contains(tokens[i + 1].hash) {
                var drug = known(drugs, endingAt: i) ?? Span(lo: i - 1, hi: i)
                if drug.hi - drug.lo == 1, drug.lo > 0, isWord(drug.lo - 1), ADRPairExtractor.saltWords.contains(tokens[drug.lo].hash),
                   tokens[drug.lo].end - tokens[drug.lo].begin > 2 {
                    drug = known(drugs, endingAt: drug.lo).map { Span(lo: $0.lo, hi: i) } ?? Span(lo: drug.lo - 1, hi: i)
                }
                if drugs.contains(drug) || looksLikeDrug(drug) {
                    for e in effectsRight(startingAt: i + 2) { explicit.append((drug, e)) }
                }
                i += 2
                continue
            }
            guard t.isWord else { i += 1; continue }
            // "X <cue> Y"
            var matched = false
            for cue in effectFirstCues.matching(tokens, at: i) {
                let ds = drugsRight(startingAt: i + cue.count)
                let es = effectsLeft(endingAt: i)
                // Weak cues ("after", "during", "on", "from") only count when the drug is known or shaped like a
                // drug name.
                let weak = cue.count == 1 && !ADRPairExtractor.strongSingle.contains(cue[0])
                let drugsOK = weak ? ds.filter { d in drugs.contains(d) || (d.hi - d.lo == 1 && ADRCues.looksLikeDrug(bytes: bytes, token: tokens[d.lo])) } : ds
                for d in drugsOK { for e in es { explicit.append((d, e)) } }
                matched = !drugsOK.isEmpty
                if matched { break }
            }
            // "Y may cause X", "Y induced X"
            if !matched, ADRPairExtractor.causeVerbs.contains(t.hash), !(isWord(i + 1) && tokens[i + 1].hash == ADRPairExtractor.w("by")) {
                let es = effectsRight(startingAt: i + 1)
                var nearest: Span?
                for d in drugs where d.hi <= i { if nearest == nil || nearest!.hi < d.hi { nearest = d } }
                if let d = nearest {
                    for e in es { explicit.append((d, e)) }
                } else {
                    // "practolol induced sclerosing peritonitis", "Amantadine can cause corneal edema": the word
                    // before the verb (or its modal) names the drug when it looks like one.
                    var j = i - 1
                    while j >= 0, isWord(j), ADRPairExtractor.modals.contains(tokens[j].hash) { j -= 1 }
                    if isWord(j), j < i - 1 || tokens[i].hash == ADRPairExtractor.w("induced"), looksLikeDrug(Span(lo: j, hi: j + 1)),
                       !ADRPairExtractor.npStop.contains(tokens[j].hash) {
                        for e in es { explicit.append((Span(lo: j, hi: j + 1), e)) }
                    }
                }
            }
            i += 1
        }

        // Drugs named after drug cues, when known or shaped like a drug name (INN stem).
        var cuedDrugs: [Span] = []
        for j in tokens.indices where tokens[j].isWord {
            for cue in drugCues.matching(tokens, at: j) {
                for d in drugsRight(startingAt: j + cue.count) where drugs.contains(d) || (d.hi - d.lo == 1 && ADRCues.looksLikeDrug(bytes: bytes, token: tokens[d.lo])) {
                    cuedDrugs.append(d)
                }
                break
            }
        }
        // Sorted by (lo, hi): sorting a `Set`'s elements by `lo` alone left spans starting together in the Set's
        // order, which is seeded per process, and with it the order of the pairs.
        let sentenceDrugs = Span.sortedUnique(Self.joined(drugs, cuedDrugs, explicit.lazy.map { $0.0 }))
        // Effects listed after "developed", "complained of", ...; and "X occurring after ...".
        if !sentenceDrugs.isEmpty {
            var listed: [Span] = []
            for j in tokens.indices where tokens[j].isWord {
                for cue in effectListCues.matching(tokens, at: j) {
                    if isWord(j + cue.count), tokens[j + cue.count].hash == ADRPairExtractor.w("by") { break }
                    listed += effectsRight(startingAt: j + cue.count, list: true)
                    break
                }
                if ADRPairExtractor.occurring.contains(tokens[j].hash) { listed += effectsLeft(endingAt: j) }
            }
            for e in listed where !sentenceDrugs.contains(where: { $0.lo < e.hi && e.lo < $0.hi }) && tokens[e.hi - 1].isWord
            && tokens[e.hi - 1].end - tokens[e.lo].begin >= 3 {
                for d in sentenceDrugs { explicit.append((d, e)) }
            }
        }

        // "methotrexate (MTX)", "Posterior reversible encephalopathy syndrome (PRES)": the parenthesized short
        // form names the same thing and is paired too.
        func shortForm(_ x: Span) -> Span? {
            let o = x.hi
            guard o + 2 < tokens.count, tokens[o].first == UInt8(ascii: "("), tokens[o + 1].isWord, tokens[o + 2].first == UInt8(ascii: ")"),
                  tokens[o + 1].end - tokens[o + 1].begin >= 2 else { return nil }
            return Span(lo: o + 1, hi: o + 2)
        }
        if explicit.contains(where: { shortForm($0.0) != nil || shortForm($0.1) != nil }) {
            var withShortForms: [(Span, Span)] = []
            for (d, e) in explicit {
                withShortForms.append((d, e))
                if let sd = shortForm(d) { withShortForms.append((sd, e)) }
                if let se = shortForm(e) { withShortForms.append((d, se)) }
            }
            explicit = withShortForms
        }
        // Counted, not filtered into an array.
        let withKnownDrug = explicit.reduce(0) { n, p in drugs.contains(p.0) ? n + 1 : n }
        // Sentence structure, where it speaks, is trusted over co-occurrence: lists of known effects in the
        // same sentence are often indications or history ("treated for thyrotoxicosis with methimazole").
        if !explicit.isEmpty && pairPolicy == .patternsFirst {
            return Analysis(candidates: explicit, patternPairs: explicit.count, patternPairsWithKnownDrug: withKnownDrug)
        }
        // Known drugs × known effects not already explained by a pattern.
        // Ties on `lo` ("nausea/vomiting" and "nausea") are broken by `hi`.
        let allDrugs = Span.sortedUnique(Self.joined(drugs, [], explicit.lazy.map { $0.0 }))
        let allEffects = Span.sortedUnique(Self.joined(effects, [], explicit.lazy.map { $0.1 }))
        var candidates: [(Span, Span)] = []
        candidates.reserveCapacity(explicit.count + allDrugs.count * allEffects.count)
        candidates += explicit
        for d in allDrugs {
            for e in allEffects where !(e.lo < d.hi && d.lo < e.hi) { candidates.append((d, e)) }
        }
        return Analysis(candidates: candidates, patternPairs: explicit.count, patternPairsWithKnownDrug: withKnownDrug)
    }

    /// `a + b + Array(c)` in one array, allocated once.
    private static func joined(_ a: [Span], _ b: [Span], _ c: some Collection<Span>) -> [Span] {
        var out: [Span] = []
        out.reserveCapacity(a.count + b.count + c.count)
        out += a
        out += b
        out += c
        return out
    }

    static let strongSingle = set(["following"])
}

/// Word hashes to test words against, with a bitset in front: most words tested are in no list, and the bitset
/// answers those without hashing the hash again for a `Set` lookup.
struct WordSet: Sendable {
    private let words: Set<UInt64>
    private let filter: HashFilter

    init(_ hashes: [UInt64]) {
        words = Set(hashes)
        filter = HashFilter(hashes)
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool { filter.mayContain(hash) && words.contains(hash) }
}

/// 4,096 bits over word hashes: false means the hash is not among those inserted.
struct HashFilter: Sendable {
    private var bits = [UInt64](repeating: 0, count: 64)

    init(_ hashes: [UInt64]) {
        for h in hashes {
            let bit = Self.bit(h)
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    @inline(__always)
    private static func bit(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 52) }

    @inline(__always)
    func mayContain(_ hash: UInt64) -> Bool {
        let bit = Self.bit(hash)
        return bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}

/// Multi-word cues matched at every word of a scored sentence. Most words start no cue, so a filter over the
/// cues' first words answers first: testing each word against every cue (85 of them) was most of the pair
/// analysis.
struct CueList: Sendable {
    /// Word hashes of each cue, in the order given (the first match wins where callers stop at one).
    let cues: [[UInt64]]
    private let firstWords: HashFilter

    init(_ phrases: [String]) {
        cues = phrases.map { $0.split(separator: " ").map { ADRText.hashWord(String($0)) } }
        firstWords = HashFilter(cues.map { $0[0] })
    }

    /// The cues whose words are tokens `i`, `i + 1`, … (in list order).
    @inline(__always)
    func matching(_ tokens: [ADRToken], at i: Int) -> [[UInt64]] {
        let h = tokens[i].hash
        guard firstWords.mayContain(h) else { return [] }
        return cues.filter { cue in
            guard cue[0] == h, i + cue.count <= tokens.count else { return false }
            for k in 1..<cue.count where tokens[i + k].hash != cue[k] { return false }
            return true
        }
    }
}
