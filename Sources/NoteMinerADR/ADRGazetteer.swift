/// Drug and effect strings learned from the gold pairs of the training sentences, stored in the model.
///
/// Until the lexicon layer passes its mentions in, this is how the pair extractor recognizes drugs and
/// effects by name. An effect string is kept only if, in the positive training sentences that contain it,
/// it was a gold effect at least half the time ("pain" in "bone pain from metastases" is not an ADR).
struct ADRGazetteer: Sendable, Hashable {
    var drugs: [String] = []
    var effects: [String] = []

    private(set) var maxLength = 0

    init(drugs: [String], effects: [String]) {
        self.drugs = drugs
        self.effects = effects
        buildIndex()
    }

    init() {}

    static func tokenHashes(_ s: String) -> [UInt64] {
        var copy = s
        return copy.withUTF8 { ADRText.tokenize($0).map(\.hash) }
    }

    private mutating func buildIndex() {
        entries = [:]
        maxLength = 0
        for (list, kind) in [(drugs, 1), (effects, 2)] {
            for s in list {
                let h = ADRGazetteer.tokenHashes(s)
                guard !h.isEmpty, h.count <= 12 else { continue }
                entries[h, default: 0] |= kind
                maxLength = max(maxLength, h.count)
            }
        }
    }

    private(set) var entries: [[UInt64]: Int] = [:]

    /// Longest matches starting at each token, left to right, non-overlapping per kind:
    /// returns (token range, kind bit) pairs.
    func matches(tokens: [ADRToken]) -> [(Range<Int>, Int)] {
        guard !entries.isEmpty else { return [] }
        var out: [(Range<Int>, Int)] = []
        for kind in [1, 2] {
            var i = 0
            while i < tokens.count {
                guard tokens[i].isWord else { i += 1; continue }
                var found = 0
                var key: [UInt64] = []
                for len in 1...min(maxLength, tokens.count - i) {
                    key.append(tokens[i + len - 1].hash)
                    if let k = entries[key], k & kind != 0, tokens[i + len - 1].isWord { found = len }
                }
                if found > 0 { out.append((i..<(i + found), kind)); i += found } else { i += 1 }
            }
        }
        return out
    }

    static func learn(from examples: [ADRExample]) -> ADRGazetteer {
        var drugSet: Set<String> = []
        var effectCandidates: Set<String> = []
        for e in examples where e.label {
            for p in e.pairs {
                drugSet.insert(ADRPair.normalize(p.drug))
                effectCandidates.insert(ADRPair.normalize(p.effect))
            }
        }
        // Precision filter for effects over positive sentences.
        let probe = ADRGazetteer(drugs: [], effects: Array(effectCandidates))
        var seen: [[UInt64]: Int] = [:]
        var gold: [[UInt64]: Int] = [:]
        for e in examples where e.label {
            var text = e.input.text
            let tokens = text.withUTF8 { ADRText.tokenize($0) }
            let goldKeys = Set(e.pairs.map { tokenHashes($0.effect) })
            var counted: Set<[UInt64]> = []
            for (r, _) in probe.matches(tokens: tokens) {
                let key = tokens[r].map(\.hash)
                guard counted.insert(key).inserted else { continue }
                seen[key, default: 0] += 1
                if goldKeys.contains(key) { gold[key, default: 0] += 1 }
            }
        }
        let effects = effectCandidates.filter { s in
            let k = tokenHashes(s)
            guard let n = seen[k], n > 0 else { return true }
            return Double(gold[k] ?? 0) / Double(n) >= 0.5
        }
        return ADRGazetteer(drugs: drugSet.sorted(), effects: effects.sorted())
    }

    static func == (a: ADRGazetteer, b: ADRGazetteer) -> Bool { a.drugs == b.drugs && a.effects == b.effects }
    func hash(into h: inout Hasher) { h.combine(drugs); h.combine(effects) }
}
