/// Phrases that signal a drug caused something ("secondary to", "discontinued because of") or that an effect
/// is only discussed ("may cause", "risk of"). They are features, not rules: the model weighs them.
enum ADRCues {
    struct Cue: Sendable {
        var name: String
        var words: [UInt64]
        /// Causal cues also count for the lexicon feature "cue between drug and effect" and for pairing.
        var causal: Bool
        /// The cue's feature id and name, computed once rather than for every sentence that has the cue.
        var flag: (id: UInt64, name: String)
    }

    static let causalPhrases: [String] = [
        "induced", "induced by", "caused by", "secondary to", "due to", "because of", "after starting",
        "after initiation of", "after the initiation of", "after initiating", "after starting treatment with",
        "after administration of", "after the administration of", "following administration of",
        "following the administration of", "following treatment with", "after treatment with", "after receiving",
        "after taking", "after ingestion of", "after exposure to", "discontinued because of", "discontinued due to",
        "stopped because of", "stopped due to", "held for", "held due to", "attributed to", "attributable to",
        "toxicity", "reaction to", "reactions to", "associated with", "related to", "resulted in", "complicated by",
        "complication of", "during treatment with", "during therapy with", "while on", "while taking",
        "while receiving", "on starting", "developed", "adverse", "side effect", "side effects", "hypersensitivity",
        "allergic reaction", "intolerance", "rechallenge", "withdrawal of", "resolved after", "improved after",
        "after discontinuation", "upon discontinuation", "overdose", "poisoning", "toxic", "drug induced",
        "consistent with", "likely from", "likely due to", "from the", "since starting", "since", "after the first dose",
        "was stopped", "was discontinued", "was held", "dose reduced", "dose decreased", "switched to", "on",
    ]

    static let otherPhrases: [String] = [
        "may cause", "can cause", "might cause", "could cause", "risk of", "counselled", "counseled", "advised",
        "warned", "if", "monitor for", "no", "denies", "denied", "without", "tolerated", "tolerating",
        "well tolerated", "no history of", "allergies", "nkda", "for", "indicated for", "prescribed for",
        "treatment of", "to treat", "started on", "was started", "continue", "prophylaxis", "discussed", "reviewed",
        "explained", "informed", "monitor", "check", "as needed", "history of", "possible", "potential",
    ]

    static let hyphenSuffixes: [String] = ["induced", "associated", "related", "mediated", "attributed", "caused", "provoked"]

    static let cues: [Cue] = {
        var list: [Cue] = []
        for (phrases, causal) in [(causalPhrases, true), (otherPhrases, false)] {
            for p in phrases {
                let hashes = p.split(separator: " ").map { ADRText.hashWord(String($0)) }
                list.append(Cue(name: p, words: hashes, causal: causal, flag: ADRFeatureExtractor.named("q", p)))
            }
        }
        return list
    }()

    /// Indices into `cues` by the low byte of the first word's hash, ascending: a word is compared with the few
    /// cues that can start there instead of all of them.
    static let cuesByFirstByte: [[Int]] = {
        var table = [[Int]](repeating: [], count: 256)
        for (i, cue) in cues.enumerated() { table[Int(cue.words[0] & 0xFF)].append(i) }
        return table
    }()

    /// Word hash of each hyphen suffix, with the flag of "-" + suffix.
    static let hyphenHashes: [(hash: UInt64, flag: (id: UInt64, name: String))] = hyphenSuffixes.map {
        (ADRText.hashWord($0), ADRFeatureExtractor.named("q", "-" + $0))
    }
    static let drugLikeFlag = ADRFeatureExtractor.named("q", "drug-like word")
    static let drugLikeManyFlag = ADRFeatureExtractor.named("q", "drug-like words>1")
    static let hyphenHash: UInt64 = { var h = FNV1a64(); h.combine(UInt8(ascii: "-")); return h.value }()

    /// Endings of international nonproprietary drug names (WHO INN stems) and common drug-name endings: a
    /// word with one of them is very likely a drug even if no list knows it.
    static let drugSuffixes: [[UInt8]] = [
        "mab", "nib", "pril", "sartan", "olol", "alol", "azole", "cillin", "mycin", "micin", "cycline", "floxacin",
        "statin", "prazole", "tidine", "dipine", "vir", "azepam", "azolam", "barbital", "caine", "platin", "rubicin",
        "trexate", "parin", "lukast", "triptan", "setron", "profen", "fenac", "oxacin", "semide", "thiazide",
        "sone", "olone", "azine", "tadine", "triptyline", "pramine", "oxetine", "aline", "afil", "gliptin",
        "glitazone", "gliflozin", "dronate", "tinib", "zumab", "ximab", "umab", "cept", "kinase", "mustine",
        "phylline", "terol", "amide", "idine", "oxine", "pam", "done", "pine", "peridol", "amine", "mide", "ifen",
        "mustine", "poetin", "grastim", "arsen", "tide", "golide", "adine", "ptine", "oxide", "limus", "sporin", "oxin", "micin", "azone", "profen",
    ].map { Array($0.utf8) }

    /// `drugSuffixes` by their last byte.
    static let drugSuffixesByLastByte: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for suffix in drugSuffixes { table[Int(suffix[suffix.count - 1])].append(suffix) }
        return table
    }()

    /// Whether a word ends like a drug name (words of at least 6 letters).
    static func looksLikeDrug(bytes: UnsafeBufferPointer<UInt8>, token t: ADRToken) -> Bool {
        guard t.isWord, t.end - t.begin >= 6 else { return false }
        for suffix in drugSuffixesByLastByte[Int(ADRText.lower(bytes[t.end - 1]))] where suffix.count < t.end - t.begin {
            var ok = true
            let start = t.end - suffix.count
            for k in 0..<suffix.count where ADRText.lower(bytes[start + k]) != suffix[k] { ok = false; break }
            if ok { return true }
        }
        return false
    }

    /// Appends the flags (feature id, name) of the cues present in the sentence, with repeats (the caller
    /// deduplicates). `drugLike[i]`: `looksLikeDrug` of token i (the caller needs it too).
    static func flags(tokens: [ADRToken], drugLike isDrugLike: [Bool], into found: inout [(UInt64, String)]) {
        var drugLike = 0
        for d in isDrugLike where d { drugLike += 1 }
        if drugLike > 0 { found.append(drugLikeFlag) }
        if drugLike > 1 { found.append(drugLikeManyFlag) }
        forEachMatch(tokens: tokens, range: 0..<tokens.count) { cue, _ in found.append(cue.flag) }
        for i in 1..<max(1, tokens.count - 1) where tokens[i].hash == hyphenHash {
            let prev = tokens[i - 1], next = tokens[i + 1]
            guard prev.isWord, next.isWord, prev.end == tokens[i].begin, tokens[i].end == next.begin else { continue }
            if let s = hyphenHashes.first(where: { $0.hash == next.hash }) { found.append(s.flag) }
        }
    }

    static func hasCausalCue(tokens: [ADRToken], range: Range<Int>) -> Bool {
        var hit = false
        forEachMatch(tokens: tokens, range: range) { cue, _ in if cue.causal { hit = true } }
        return hit
    }

    /// Calls `body` for every cue occurrence fully inside `range` (token indices).
    static func forEachMatch(tokens: [ADRToken], range: Range<Int>, _ body: (Cue, Range<Int>) -> Void) {
        let cues = self.cues, byFirstByte = cuesByFirstByte
        for i in range where tokens[i].isWord {
            let h = tokens[i].hash
            for c in byFirstByte[Int(h & 0xFF)] where cues[c].words[0] == h {
                let cue = cues[c]
                let end = i + cue.words.count
                guard end <= range.upperBound else { continue }
                var ok = true
                for k in 1..<cue.words.count where tokens[i + k].hash != cue.words[k] { ok = false; break }
                if ok { body(cue, i..<end) }
            }
        }
    }
}
