/// Drug and effect strings learned from the gold pairs of the training sentences, stored in the model.
///
/// Until the lexicon layer passes its mentions in, this is how the pair extractor recognizes drugs and
/// effects by name. An effect string is kept only if, in the positive training sentences that contain it,
/// it was a gold effect at least half the time ("hypertension" is mostly an indication, not an ADR).
struct ADRGazetteer: Sendable, Hashable {
    var drugs: [String] = []
    var effects: [String] = []
    /// First words that multi-word training effects often start with ("severe", "acute", "fulminant").
    var modifiers: [String] = []
    private(set) var modifierHashes: Set<UInt64> = []

    func isModifier(_ h: UInt64) -> Bool { modifierHashes.contains(h) }

    private(set) var maxLength = 0

    init(drugs: [String], effects: [String], modifiers: [String] = []) {
        self.drugs = drugs
        self.effects = effects
        self.modifiers = modifiers
        modifierHashes = Set(modifiers.map { ADRText.hashWord($0) })
        buildIndex()
    }

    init() {}

    static func tokenHashes(_ s: String) -> [UInt64] {
        var copy = s
        return copy.withUTF8 { ADRText.tokenize($0).map(\.hash) }
    }

    private mutating func buildIndex() {
        var entries: [UInt64: UInt8] = [:]
        maxLength = 0
        for (list, kind) in [(drugs, UInt8(1)), (effects, UInt8(2))] {
            for s in list {
                // Effects also match their simple plural or singular ("seizure" ~ "seizures").
                var forms = [s]
                if kind == 2, s.count > 4, s.last?.isLetter == true {
                    if s.hasSuffix("s") { if !s.hasSuffix("ss") && !s.hasSuffix("is") && !s.hasSuffix("us") { forms.append(String(s.dropLast())) } } else { forms.append(s + "s") }
                }
                for (k, form) in forms.enumerated() {
                    let h = ADRGazetteer.tokenHashes(form)
                    guard !h.isEmpty, h.count <= 12 else { continue }
                    var key = ADRGazetteer.sequenceSeed
                    for (j, t) in h.enumerated() {
                        key = ADRGazetteer.extend(key, t)
                        if j < h.count - 1 { entries[key, default: 0] |= ADRGazetteer.prefixBit }
                    }
                    if k > 0, (entries[key] ?? 0) & 3 != 0 { continue }
                    entries[key, default: 0] |= kind
                    maxLength = max(maxLength, h.count)
                }
            }
        }
        table = SequenceTable(entries)
    }

    /// Entries and their proper prefixes under a hash of their token-hash sequence (see `extend`): bit 1 drug,
    /// bit 2 effect, bit 4 "some longer entry starts with this", so matching stops at the first token that
    /// continues no entry instead of trying every length up to `maxLength`.
    private(set) var table = SequenceTable([:])
    static let prefixBit: UInt8 = 4
    static let sequenceSeed: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Folds one token hash into a sequence hash (64-bit; a collision between two lexicon sequences would need
    /// ~2^32 entries).
    @inline(__always)
    static func extend(_ h: UInt64, _ token: UInt64) -> UInt64 {
        var x = (h ^ token) &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        return x &* 0xC4CE_B9FE_1A85_EC53 ^ (x >> 29)
    }

    var isEmpty: Bool { table.isEmpty }

    /// Longest matches starting at each token, left to right, non-overlapping per kind:
    /// returns (token range, kind bit) pairs.
    func matches(tokens: [ADRToken]) -> [(Range<Int>, Int)] {
        guard !table.isEmpty else { return [] }
        var out: [(Range<Int>, Int)] = []
        for kind in [UInt8(1), UInt8(2)] {
            var i = 0
            while i < tokens.count {
                guard tokens[i].isWord else { i += 1; continue }
                var found = 0
                var key = ADRGazetteer.sequenceSeed
                for len in 1...min(maxLength, tokens.count - i) {
                    key = ADRGazetteer.extend(key, tokens[i + len - 1].hash)
                    let bits = table[key]
                    if bits & kind != 0, tokens[i + len - 1].isWord { found = len }
                    if bits & ADRGazetteer.prefixBit == 0 { break }
                }
                if found > 0 { out.append((i..<(i + found), Int(kind))); i += found } else { i += 1 }
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
        // Precision filter over positive sentences (gold annotations contain the odd non-drug "drug").
        let probe = ADRGazetteer(drugs: [], effects: Array(effectCandidates.union(drugSet)))
        var seen: [[UInt64]: Int] = [:]
        var gold: [[UInt64]: Int] = [:]
        for e in examples where e.label {
            var text = e.input.text
            let tokens = text.withUTF8 { ADRText.tokenize($0) }
            let goldKeys = Set(e.pairs.map { tokenHashes($0.effect) } + e.pairs.map { tokenHashes($0.drug) })
            var counted: Set<[UInt64]> = []
            for (r, _) in probe.matches(tokens: tokens) {
                let key = tokens[r].map(\.hash)
                guard counted.insert(key).inserted else { continue }
                seen[key, default: 0] += 1
                if goldKeys.contains(key) { gold[key, default: 0] += 1 }
            }
        }
        func precise(_ s: String) -> Bool {
            let k = tokenHashes(s)
            guard let n = seen[k], n > 0 else { return true }
            return Double(gold[k] ?? 0) / Double(n) >= 0.5
        }
        // Modifiers: a first word of at least 3 gold effects whose remainder is itself a gold effect
        // ("severe" + "hyperkalemia").
        var modifierCounts: [String: Int] = [:]
        for e in effectCandidates {
            let words = e.split(separator: " ")
            guard words.count >= 2, effectCandidates.contains(words.dropFirst().joined(separator: " ")) else { continue }
            modifierCounts[String(words[0]), default: 0] += 1
        }
        let modifiers = modifierCounts.filter { $0.value >= 2 && $0.key.count >= 4 }.keys.sorted()
        return ADRGazetteer(drugs: drugSet.filter(precise).sorted(), effects: effectCandidates.filter(precise).sorted(), modifiers: modifiers)
    }

    static func == (a: ADRGazetteer, b: ADRGazetteer) -> Bool { a.drugs == b.drugs && a.effects == b.effects && a.modifiers == b.modifiers }
    func hash(into h: inout Hasher) { h.combine(drugs); h.combine(effects); h.combine(modifiers) }
}

/// A read-only open-addressing map from 64-bit keys to flag bytes: the gazetteer is probed for every token of
/// every scored sentence, and `Dictionary`'s seeded SipHash was most of that cost.
struct SequenceTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt8]
    private let mask: Int
    let isEmpty: Bool

    init(_ entries: [UInt64: UInt8]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [UInt8](repeating: 0, count: capacity)
        mask = capacity - 1
        isEmpty = entries.isEmpty
        // Sorted insertion keeps the layout independent of Dictionary's per-process order.
        for (k, v) in entries.sorted(by: { $0.key < $1.key }) {
            let key = k == 0 ? 1 : k
            var i = Int(truncatingIfNeeded: key) & mask
            while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
            keys[i] = key
            values[i] |= v
        }
    }

    /// The flags stored for `k`, 0 when absent.
    @inline(__always)
    subscript(k: UInt64) -> UInt8 {
        let key = k == 0 ? 1 : k
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = keys[i]
            if stored == key { return values[i] }
            if stored == 0 { return 0 }
            i = (i + 1) & mask
        }
    }
}
