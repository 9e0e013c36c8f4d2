import Foundation

/// What the classifier computes from a sentence. Stored in the model file so a model is always used with the
/// features it was trained on.
public struct ADRFeatureConfig: Sendable, Hashable, Codable {
    /// Buckets = 2^hashBits. 2^21 keeps collisions rare for ~10^6 distinct n-grams while the runtime weight
    /// table stays 8 MB.
    public var hashBits: Int = 21
    public var wordMinN: Int = 1
    public var wordMaxN: Int = 3
    public var charMinN: Int = 2
    public var charMaxN: Int = 5
    /// tf → 1 + ln tf before normalization: a repeated n-gram is evidence, not proportionally more evidence.
    public var sublinearTF: Bool = true
    /// Each block (words, characters) is L2-normalized on its own and then scaled, which amounts to a
    /// weighted combination of a word model and a character model in one linear model.
    public var wordScale: Double = 1.0
    public var charScale: Double = 1.0
    /// Cue and lexicon indicators are binary and unnormalized.
    public var cueScale: Double = 1.0
    /// Entity-blinded word 2–3-grams (DRUG/EFFECT placeholders), L2-normalized as their own block.
    public var abstractScale: Double = 1.0
    public var lexiconScale: Double = 1.0

    public init() {}
}

/// Readable names of every feature id of a sentence, made while the blocks are computed, for a full explanation
/// (`ADRModel.predict(_:explain:)`). A batch run names only a flagged sentence's top few, afterwards, from where each
/// first occurred (`ADRFeatureVector.origins`); the tests hold those names to these, made the independent way.
struct ADRFeatureNames {
    var map: [UInt64: String] = [:]

    /// Whether `id` is to be named now: not named yet (an n-gram repeated in a sentence has one name, its first).
    @inline(__always)
    func wants(_ id: UInt64) -> Bool { map[id] == nil }
}

/// A sentence's features: FNV-1a 64 ids with values, in a fixed order (words, characters, entity-blinded, cues,
/// lexicon; within an n-gram block by first occurrence in the sentence, within cues and lexicon by id). A bucket
/// is `id & (2^hashBits − 1)`.
struct ADRFeatureVector: Sendable {
    var ids: [UInt64] = []
    var values: [Double] = []
    /// Per id of the n-gram blocks, where it first occurred (see `NGramSlab.origins`); 0 for cues and
    /// lexicon indicators, which are named from a fixed table. An explanation names its top features from these:
    /// computing the blocks again to find them cost half as much as scoring the sentence.
    var origins: [UInt64] = []
    /// Where each block ends in `ids`: words, characters, entity-blinded, cues (the lexicon block ends at the end).
    var blockEnds: (Int, Int, Int, Int) = (0, 0, 0, 0)
    /// The pair extractor's analysis when the lexicon block ran it (with a gazetteer), so a flagged sentence's
    /// pairs need not be found twice.
    var analysis: ADRPairExtractor.Analysis?

    enum Block: UInt8 { case words = 0, characters, blinded, cues, lexicon }

    func block(at index: Int) -> Block {
        index < blockEnds.0 ? .words : index < blockEnds.1 ? .characters : index < blockEnds.2 ? .blinded
            : index < blockEnds.3 ? .cues : .lexicon
    }
}

/// Buffers that scoring one sentence fills and the next reuses: a batch scores tens of thousands of sentences, and
/// allocating (and zero-filling the counting table of) each one's arrays anew was a visible share of the classifier.
/// `ADRModel.predict(_:explainTop:flaggedOnly:scratch:)` takes it; a value, so each caller has its own (the ADR
/// stage one per note, `classify` one per file).
public struct ADRScratch {
    var tokens: [ADRToken] = []
    var vector = ADRFeatureVector()
    var buffers = ADRFeatureBuffers()
    public init() {}
}

/// One block's n-gram ids with where each occurred, written through pointers: an `append` per n-gram (a uniqueness
/// and a capacity check each) was a tenth of scoring a sentence.
struct NGramSlab {
    private(set) var ids: [UInt64] = []
    /// Per id, the n-gram it hashes: words `n << 32 | first index into words`; characters
    /// `chunk start byte << 32 | start in the padded chunk << 16 | length`; entity-blinded `n << 32 | first index
    /// into seqTokens`.
    private(set) var origins: [UInt64] = []
    private(set) var count = 0

    /// Refills the slab: `body` gets room for `capacity` ids and origins and returns how many it wrote. Callers pass
    /// a true bound on what they write (debug builds check every write against it).
    @inline(__always)
    mutating func fill(capacity: Int, _ body: (UnsafeMutableBufferPointer<UInt64>, UnsafeMutableBufferPointer<UInt64>) -> Int) {
        if ids.count < max(capacity, 1) {  // never empty: an empty array may have no base address
            ids = [UInt64](repeating: 0, count: max(capacity, 1))
            origins = ids
        }
        count = ids.withUnsafeMutableBufferPointer { i in
            origins.withUnsafeMutableBufferPointer { o in
                body(UnsafeMutableBufferPointer(rebasing: i[0..<capacity]), UnsafeMutableBufferPointer(rebasing: o[0..<capacity]))
            }
        }
    }

    mutating func clear() { count = 0 }
}

/// A block's values and origins before they join the feature vector (see `appendBlock`).
struct BlockColumns {
    var values: [Double] = []
    var origins: [UInt64] = []
}

/// The extractor's working arrays (see `ADRScratch`).
struct ADRFeatureBuffers {
    var words: [Int] = []
    /// The current block's n-gram ids.
    var raw = NGramSlab()
    var columns = BlockColumns()
    var counter = HashCounter()
    /// Per token: looks like a drug name; entity kind for the blinded block.
    var drugLike: [Bool] = []
    var kindAt: [UInt8] = []
    /// The blinded block's token sequence and which of its items are entities.
    var seq: [UInt64] = []
    var isEntity: [Bool] = []
    /// The token of each `seq` item.
    var seqTokens: [Int32] = []
    var flags: [(UInt64, String)] = []
}

/// Feature ids are FNV-1a over a one-byte block tag followed by content bytes:
/// - word n-gram: `"w"`, n, then the 8 little-endian bytes of each token's hash;
/// - character n-gram: `"c"`, then the n-gram's bytes (lower-cased, digits → `0`, words padded by spaces);
/// - entity-blinded n-gram: `"a"`, n, then 8 bytes per token hash, drugs as FNV("<DRUG>"), effects FNV("<EFFECT>");
/// - cue: `"q"` + cue name; lexicon: `"l"` + feature name.
struct ADRFeatureExtractor: Sendable {
    let config: ADRFeatureConfig

    init(config: ADRFeatureConfig) { self.config = config }

    /// Computes the vector; with `names`, also the readable name of every id (only for explanations).
    func extract(_ input: ADRSentenceInput, gazetteer: ADRGazetteer?, names: UnsafeMutablePointer<ADRFeatureNames>? = nil) -> ADRFeatureVector {
        let input = input.bounded()
        var text = input.text
        return text.withUTF8 { bytes in
            let tokens = ADRText.tokenize(bytes)
            return extract(bytes: bytes, tokens: tokens, input: input, gazetteer: gazetteer, names: names)
        }
    }

    func extract(bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], input: ADRSentenceInput, gazetteer: ADRGazetteer?,
                 names: UnsafeMutablePointer<ADRFeatureNames>?) -> ADRFeatureVector {
        var out = ADRFeatureVector()
        var buffers = ADRFeatureBuffers()
        extract(bytes: bytes, tokens: tokens, input: input, gazetteer: gazetteer, names: names, into: &out, buffers: &buffers)
        return out
    }

    /// Fills `out` (emptied first, its storage kept) using `buffers` for the working arrays.
    func extract(bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], input: ADRSentenceInput, gazetteer: ADRGazetteer?,
                 names: UnsafeMutablePointer<ADRFeatureNames>?, into out: inout ADRFeatureVector, buffers: inout ADRFeatureBuffers) {
        out.ids.removeAll(keepingCapacity: true)
        out.values.removeAll(keepingCapacity: true)
        out.origins.removeAll(keepingCapacity: true)
        out.blockEnds = (0, 0, 0, 0)
        out.analysis = nil
        out.ids.reserveCapacity(bytes.count * 5)
        out.values.reserveCapacity(bytes.count * 5)
        out.origins.reserveCapacity(bytes.count * 5)

        // Word n-grams over word tokens (punctuation skipped, as in common bag-of-n-gram setups).
        buffers.words.removeAll(keepingCapacity: true)
        buffers.words.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where t.isWord { buffers.words.append(i) }
        extractBlocks(bytes: bytes, tokens: tokens, input: input, gazetteer: gazetteer, names: names, buffers: &buffers, into: &out)
    }

    private func extractBlocks(bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], input: ADRSentenceInput,
                               gazetteer: ADRGazetteer?, names: UnsafeMutablePointer<ADRFeatureNames>?,
                               buffers: inout ADRFeatureBuffers, into out: inout ADRFeatureVector) {
        let words = buffers.words
        buffers.raw.clear()
        if config.wordMaxN >= config.wordMinN {
            buffers.raw.fill(capacity: words.count * (config.wordMaxN - config.wordMinN + 1)) { ids, origins in
                var written = 0
                for n in config.wordMinN...config.wordMaxN where n <= words.count {
                    for s in 0...(words.count - n) {
                        var h = FNV1a64()
                        h.combine(UInt8(ascii: "w"))
                        h.combine(UInt8(n))
                        for k in 0..<n { ADRFeatureExtractor.combine(&h, tokens[words[s + k]].hash) }
                        ids[written] = h.value
                        origins[written] = UInt64(n) << 32 | UInt64(s)
                        written += 1
                        if let names, names.pointee.wants(h.value) {
                            names.pointee.map[h.value] = ADRFeatureExtractor.wordName(n: n, start: s, bytes: bytes, tokens: tokens, words: words)
                        }
                    }
                }
                return written
            }
        }
        appendBlock(buffers.raw, table: &buffers.counter, columns: &buffers.columns, scale: config.wordScale, into: &out)
        out.blockEnds.0 = out.ids.count

        // Character n-grams inside white-space-delimited chunks padded with one space each side.
        buffers.raw.clear()
        if config.charMaxN >= config.charMinN {
            // A chunk of r bytes has r + 2 starts with at most `lengths` n-grams each, and there are at most
            // (bytes + 1) / 2 chunks: at most 2 × bytes + 1 starts.
            let lengths = config.charMaxN - config.charMinN + 1
            buffers.raw.fill(capacity: (2 * bytes.count + 2) * lengths) { ids, origins in
                var written = 0
                // One chunk at a time in a buffer as long as the sentence plus its padding.
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + 2) { chunk in
                    var i = 0
                    let n = bytes.count
                    while i < n {
                        if ADRText.isSpace(bytes[i]) { i += 1; continue }
                        let chunkStart = UInt64(i) << 32
                        let m = ADRFeatureExtractor.fillChunk(chunk, from: bytes, at: &i)
                        for s in 0..<m where chunk[s] & 0xC0 != 0x80 {
                            // One running hash per start: the n-gram of length len + 1 extends the one of length len.
                            var h = FNV1a64()
                            h.combine(UInt8(ascii: "c"))
                            var hashed = s
                            for len in config.charMinN...config.charMaxN {
                                let e = s + len
                                if e > m { break }
                                while hashed < e { h.combine(chunk[hashed]); hashed += 1 }
                                if e < m, chunk[e] & 0xC0 == 0x80 { continue }
                                ids[written] = h.value
                                origins[written] = chunkStart | UInt64(s) << 16 | UInt64(len)
                                written += 1
                                if let names, names.pointee.wants(h.value) {
                                    names.pointee.map[h.value] = "char:" + String(decoding: UnsafeMutableBufferPointer(rebasing: chunk[s..<e]), as: UTF8.self)
                                }
                            }
                        }
                    }
                }
                return written
            }
        }
        appendBlock(buffers.raw, table: &buffers.counter, columns: &buffers.columns, scale: config.charScale, into: &out)
        out.blockEnds.1 = out.ids.count

        buffers.drugLike.removeAll(keepingCapacity: true)
        for t in tokens { buffers.drugLike.append(ADRCues.looksLikeDrug(bytes: bytes, token: t)) }
        // Entity-blinded n-grams: drugs (lexicon, gazetteer, or INN-shaped words) become DRUG and effects EFFECT,
        // so "DRUG induced EFFECT" or "treated with DRUG for" generalize across drug names.
        let gazetteerMatches = gazetteer?.matches(tokens: tokens) ?? []
        buffers.raw.clear()
        if config.abstractScale > 0 {
            buffers.kindAt.removeAll(keepingCapacity: true)
            buffers.kindAt.append(contentsOf: repeatElement(0, count: tokens.count))  // 1 drug, 2 effect; 3/4 = inside (skip)
            func mark(_ lo: Int, _ hi: Int, _ kind: UInt8) {
                guard lo < hi, buffers.kindAt[lo] == 0 else { return }
                buffers.kindAt[lo] = kind
                for k in (lo + 1)..<hi { buffers.kindAt[k] = kind + 2 }
            }
            func tokenRange(_ m: ADRMention) -> (Int, Int)? {
                var lo = 0
                while lo < tokens.count, tokens[lo].end <= m.utf8Begin { lo += 1 }
                var hi = lo
                while hi < tokens.count, tokens[hi].begin < m.utf8End { hi += 1 }
                return hi > lo ? (lo, hi) : nil
            }
            for m in input.drugs { if let r = tokenRange(m) { mark(r.0, r.1, 1) } }
            for m in input.effects where !m.negated && !m.hypothetical { if let r = tokenRange(m) { mark(r.0, r.1, 2) } }
            for (r, kind) in gazetteerMatches { mark(r.lowerBound, r.upperBound, kind == 1 ? 1 : 2) }
            for i in tokens.indices where buffers.kindAt[i] == 0 && buffers.drugLike[i] { buffers.kindAt[i] = 1 }
            buffers.seq.removeAll(keepingCapacity: true)
            buffers.isEntity.removeAll(keepingCapacity: true)
            buffers.seqTokens.removeAll(keepingCapacity: true)
            for (i, t) in tokens.enumerated() where t.isWord && buffers.kindAt[i] < 3 {
                switch buffers.kindAt[i] {
                case 1: buffers.seq.append(ADRFeatureExtractor.drugSymbol); buffers.isEntity.append(true)
                case 2: buffers.seq.append(ADRFeatureExtractor.effectSymbol); buffers.isEntity.append(true)
                default: buffers.seq.append(t.hash); buffers.isEntity.append(false)
                }
                buffers.seqTokens.append(Int32(truncatingIfNeeded: i))
            }
            let seq = buffers.seq, isEntity = buffers.isEntity, seqTokens = buffers.seqTokens, kindAt = buffers.kindAt
            buffers.raw.fill(capacity: 2 * seq.count) { ids, origins in
                var written = 0
                for n in 2...3 where n <= seq.count {
                    for st in 0...(seq.count - n) {
                        var any = false
                        for k in 0..<n where isEntity[st + k] { any = true }
                        guard any else { continue }
                        var h = FNV1a64()
                        h.combine(UInt8(ascii: "a"))
                        h.combine(UInt8(n))
                        for k in 0..<n { ADRFeatureExtractor.combine(&h, seq[st + k]) }
                        ids[written] = h.value
                        origins[written] = UInt64(n) << 32 | UInt64(st)
                        written += 1
                        if let names, names.pointee.wants(h.value) {
                            names.pointee.map[h.value] = ADRFeatureExtractor.blindedName(n: n, start: st, bytes: bytes, tokens: tokens,
                                                                                         seqTokens: seqTokens, kindAt: kindAt)
                        }
                    }
                }
                return written
            }
        }
        appendBlock(buffers.raw, table: &buffers.counter, columns: &buffers.columns, scale: config.abstractScale, into: &out)
        out.blockEnds.2 = out.ids.count

        // Cues and lexicon indicators: binary, deduplicated, sorted.
        buffers.flags.removeAll(keepingCapacity: true)
        ADRCues.flags(tokens: tokens, drugLike: buffers.drugLike, into: &buffers.flags)
        appendFlags(&buffers.flags, scale: config.cueScale, into: &out, names: names)
        out.blockEnds.3 = out.ids.count
        buffers.flags.removeAll(keepingCapacity: true)
        for f in ADRFeatureExtractor.lexiconFeatures(drugs: input.drugs, effects: input.effects, tokens: tokens) {
            buffers.flags.append(LexiconFeature.flags[f.rawValue])
        }
        if let gazetteer, !gazetteer.isEmpty {
            // The learned gazetteer feeds the same indicators under their own names (it is less reliable than
            // a curated lexicon), plus whether sentence structure pairs a drug with an effect.
            var drugs: [ADRMention] = []
            var effects: [ADRMention] = []
            for (r, kind) in gazetteerMatches {
                let m = ADRMention(utf8Begin: tokens[r.lowerBound].begin, utf8End: tokens[r.upperBound - 1].end)
                if kind == 1 { drugs.append(m) } else { effects.append(m) }
            }
            for f in ADRFeatureExtractor.lexiconFeatures(drugs: drugs, effects: effects, tokens: tokens) {
                buffers.flags.append(LexiconFeature.gazetteerFlags[f.rawValue])
            }
            let structure = ADRPairExtractor(gazetteer: gazetteer).analyze(bytes: bytes, tokens: tokens, input: input,
                                                                            gazetteerMatches: gazetteerMatches)
            out.analysis = structure
            if structure.patternPairs > 0 { buffers.flags.append(LexiconFeature.patternPairFlag) }
            if structure.patternPairsWithKnownDrug > 0 { buffers.flags.append(LexiconFeature.patternPairKnownDrugFlag) }
        }
        appendFlags(&buffers.flags, scale: config.lexiconScale, into: &out, names: names)
    }

    /// The padded chunk of the white-space-delimited run at `i` (lower-cased, digits → `0`), moving `i` past the
    /// run; returns the chunk's length. `chunk` holds the run's length plus 2.
    @inline(__always)
    static func fillChunk(_ chunk: UnsafeMutableBufferPointer<UInt8>, from bytes: UnsafeBufferPointer<UInt8>, at i: inout Int) -> Int {
        var m = 0
        chunk[m] = 0x20; m += 1
        while i < bytes.count, !ADRText.isSpace(bytes[i]) {
            let c = bytes[i]
            chunk[m] = ADRText.isDigit(c) ? UInt8(ascii: "0") : ADRText.lower(c)
            m += 1
            i += 1
        }
        chunk[m] = 0x20; m += 1
        return m
    }

    static func wordName(n: Int, start: Int, bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], words: [Int]) -> String {
        "word:" + (start..<(start + n)).map { ADRText.normalized(bytes, tokens[words[$0]]) }.joined(separator: " ")
    }

    /// Entities by their placeholder, other words normalized.
    static func blindedName(n: Int, start: Int, bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken], seqTokens: [Int32],
                            kindAt: [UInt8]) -> String {
        "blinded:" + (start..<(start + n)).map { j -> String in
            let t = Int(seqTokens[j])
            return kindAt[t] == 1 ? "DRUG" : kindAt[t] == 2 ? "EFFECT" : ADRText.normalized(bytes, tokens[t])
        }.joined(separator: " ")
    }

    /// The name of the feature at `index` of `vector`, which `buffers` extracted last from `bytes` and `tokens`: the
    /// name its first occurrence gets when the extractor names every feature.
    static func name(at index: Int, of vector: ADRFeatureVector, bytes: UnsafeBufferPointer<UInt8>, tokens: [ADRToken],
                     buffers: ADRFeatureBuffers) -> String? {
        let origin = vector.origins[index]
        let high = Int(origin >> 32), low = Int(origin & 0xFFFF_FFFF)
        switch vector.block(at: index) {
        case .words:
            return wordName(n: high, start: low, bytes: bytes, tokens: tokens, words: buffers.words)
        case .characters:
            var i = high
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count - i + 2) { chunk in
                _ = fillChunk(chunk, from: bytes, at: &i)
                let s = low >> 16, len = low & 0xFFFF
                return "char:" + String(decoding: UnsafeMutableBufferPointer(rebasing: chunk[s..<(s + len)]), as: UTF8.self)
            }
        case .blinded:
            return blindedName(n: high, start: low, bytes: bytes, tokens: tokens, seqTokens: buffers.seqTokens, kindAt: buffers.kindAt)
        case .cues, .lexicon:
            return flagNames[vector.ids[index]]
        }
    }

    /// The name of every cue and lexicon indicator by id. They are a fixed set, so an explanation names them
    /// from here instead of running the cue and lexicon blocks again (the lexicon block's pair analysis is the
    /// dearest part of a sentence, and its indicators are among the top features of most flagged sentences).
    static let flagNames: [UInt64: String] = {
        var all: [(UInt64, String)] = ADRCues.cues.map(\.flag) + ADRCues.hyphenHashes.map { ($0.flag.id, $0.flag.name) }
        all += [ADRCues.drugLikeFlag, ADRCues.drugLikeManyFlag, LexiconFeature.patternPairFlag, LexiconFeature.patternPairKnownDrugFlag]
        all += LexiconFeature.flags + LexiconFeature.gazetteerFlags
        return Dictionary(all, uniquingKeysWith: { first, _ in first })
    }()

    static let drugSymbol = FNV1a64.hash("<DRUG>")
    static let effectSymbol = FNV1a64.hash("<EFFECT>")

    @inline(__always)
    static func combine(_ h: inout FNV1a64, _ v: UInt64) {
        var x = v
        for _ in 0..<8 { h.combine(UInt8(truncatingIfNeeded: x)); x >>= 8 }
    }

    static func named(_ tag: Character, _ name: String) -> (UInt64, String) {
        var h = FNV1a64()
        h.combine(tag.asciiValue!)
        h.combine(name)
        return (h.value, (tag == "q" ? "cue:" : "lexicon:") + name)
    }

    /// 1 + ln tf for the small counts almost every n-gram has (the same values `log` gives, computed once).
    private static let sublinear: [Double] = (0..<64).map { $0 == 0 ? 0 : 1 + log(Double($0)) }

    /// Counts equal ids, applies sublinear tf and L2 normalization, appends in order of first occurrence (with the
    /// origin of that occurrence).
    private func appendBlock(_ raw: NGramSlab, table: inout HashCounter, columns: inout BlockColumns, scale: Double,
                             into out: inout ADRFeatureVector) {
        guard raw.count > 0 else { return }
        let n = raw.ids.withUnsafeBufferPointer { table.count(UnsafeBufferPointer(rebasing: $0[0..<raw.count])) }
        // Values and origins are gathered into columns and every column appended as one block: appending id by id
        // cost a uniqueness and a capacity check each, and appending lazily mapped sequences cost as much.
        if columns.values.count < n {
            columns.values = Array(repeating: 0, count: n)
            columns.origins = Array(repeating: 0, count: n)
        }
        var norm2 = 0.0
        let sublinear = config.sublinearTF
        table.withDistinct { ids, distinct in
            raw.origins.withUnsafeBufferPointer { rawOrigins in
                columns.values.withUnsafeMutableBufferPointer { values in
                    columns.origins.withUnsafeMutableBufferPointer { origins in
                        for j in 0..<n {
                            let count = Int(distinct[j].count)
                            let v = sublinear ? (count < 64 ? ADRFeatureExtractor.sublinear[count] : 1 + log(Double(count))) : Double(count)
                            values[j] = v
                            norm2 += v * v
                            origins[j] = rawOrigins[Int(distinct[j].first)]
                        }
                        let k = scale / norm2.squareRoot()
                        for j in 0..<n { values[j] *= k }
                        out.ids.append(contentsOf: ids)
                        out.values.append(contentsOf: UnsafeBufferPointer(rebasing: values[0..<n]))
                        out.origins.append(contentsOf: UnsafeBufferPointer(rebasing: origins[0..<n]))
                    }
                }
            }
        }
    }

    private func appendFlags(_ flags: inout [(UInt64, String)], scale: Double, into out: inout ADRFeatureVector,
                             names: UnsafeMutablePointer<ADRFeatureNames>?) {
        flags.sort { $0.0 < $1.0 }
        var last: UInt64? = nil
        for (id, name) in flags where id != last {
            out.ids.append(id)
            out.values.append(scale)
            out.origins.append(0)
            if let names, names.pointee.wants(id) { names.pointee.map[id] = name }
            last = id
        }
    }

    /// Indicators from lexicon/ConText annotations: presence, assertion status, order and distance of the
    /// closest asserted drug–effect pair, and whether a causal cue lies between them.
    static func lexiconFeatures(drugs: [ADRMention], effects: [ADRMention], tokens: [ADRToken]) -> [LexiconFeature] {
        // One allocation: room for every indicator, and the asserted effects are skipped over rather than filtered
        // into an array of their own (growing `f` and the filter were most of this function's cost).
        var f: [LexiconFeature] = []
        f.reserveCapacity(LexiconFeature.caseCount)
        if !drugs.isEmpty { f.append(.drug) }
        if drugs.count > 1 { f.append(.drugs) }
        let anyAsserted = effects.contains { !$0.negated && !$0.hypothetical }
        if anyAsserted { f.append(.effect) }
        if effects.contains(where: { $0.negated }) { f.append(.effectNegated) }
        if effects.contains(where: { $0.hypothetical }) { f.append(.effectHypothetical) }
        if !effects.isEmpty, !anyAsserted { f.append(.effectOnlyUnasserted) }
        guard !drugs.isEmpty, anyAsserted else { return f }
        f.append(.drugEffect)
        // Token index of a byte offset: first token ending after it.
        func tokenIndex(_ offset: Int) -> Int {
            var lo = 0, hi = tokens.count
            while lo < hi { let mid = (lo + hi) / 2; if tokens[mid].end <= offset { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        var best: (dist: Int, drugFirst: Bool, lo: Int, hi: Int)? = nil
        for d in drugs {
            let dt = tokenIndex(d.utf8Begin)
            for e in effects where !e.negated && !e.hypothetical {
                let et = tokenIndex(e.utf8Begin)
                let dist = abs(et - dt)
                if best == nil || dist < best!.dist { best = (dist, dt <= et, min(dt, et), max(dt, et)) }
            }
        }
        if let b = best {
            f.append(b.drugFirst ? .drugBeforeEffect : .effectBeforeDrug)
            f.append(b.dist <= 3 ? .distance0to3 : b.dist <= 8 ? .distance4to8 : b.dist <= 15 ? .distance9to15 : .distance16plus)
            if b.hi > b.lo + 1, ADRCues.hasCausalCue(tokens: tokens, range: (b.lo + 1)..<b.hi) { f.append(.cueBetween) }
        }
        return f
    }
}

/// The lexicon indicators (feature names as in the model's explanations, `"lexicon:" + name`). Their ids are
/// computed once: hashing and concatenating the names for every scored sentence was a visible share of it.
enum LexiconFeature: Int, CaseIterable {
    case drug, drugs, effect, effectNegated, effectHypothetical, effectOnlyUnasserted, drugEffect
    case drugBeforeEffect, effectBeforeDrug, distance0to3, distance4to8, distance9to15, distance16plus, cueBetween

    var name: String {
        switch self {
        case .drug: "drug"
        case .drugs: "drugs>1"
        case .effect: "effect"
        case .effectNegated: "effect_negated"
        case .effectHypothetical: "effect_hypothetical"
        case .effectOnlyUnasserted: "effect_only_unasserted"
        case .drugEffect: "drug+effect"
        case .drugBeforeEffect: "drug_before_effect"
        case .effectBeforeDrug: "effect_before_drug"
        case .distance0to3: "distance:0-3"
        case .distance4to8: "distance:4-8"
        case .distance9to15: "distance:9-15"
        case .distance16plus: "distance:16+"
        case .cueBetween: "cue_between"
        }
    }

    /// `allCases.count`, without building `allCases` (an array) each time.
    static let caseCount = allCases.count
    /// Feature id and name by `rawValue`: from the lexicon annotations, and from the learned gazetteer.
    static let flags: [(UInt64, String)] = allCases.map { ADRFeatureExtractor.named("l", $0.name) }
    static let gazetteerFlags: [(UInt64, String)] = allCases.map { ADRFeatureExtractor.named("l", "gazetteer_" + $0.name) }
    static let patternPairFlag = ADRFeatureExtractor.named("l", "pattern_pair")
    static let patternPairKnownDrugFlag = ADRFeatureExtractor.named("l", "pattern_pair_known_drug")
}

/// Counts repeated feature ids of one block in an open-addressing table and lists them in order of first
/// occurrence. Sorting the ids to group them (the earlier way) took a fifth of the classifier's time, most of it
/// mispredicted branches; the table stays in L1 cache for any sentence, and is reused block after block and
/// cleared through the slots it used, not swept.
struct HashCounter {
    /// A distinct id of the ids counted last (the id itself is in `ids`): how often it occurred, where first, and
    /// its slot in the table.
    struct Distinct {
        var count: Int32
        var first: Int32
        var slot: Int32
    }

    /// Per slot, an id and 1 + its index in `distinct` (0: empty).
    private var table: [(id: UInt64, entry: Int32)] = []
    /// In order of first occurrence, the first `distinctCount` being the current ids': the ids apart, so that they
    /// are copied to a feature vector as one block. Written through pointers, like the table: an `append` per new id
    /// cost a uniqueness and a capacity check each.
    private var ids: [UInt64] = []
    private var distinct: [Distinct] = []
    private var distinctCount = 0

    /// Counts `ids`; returns how many distinct ids there are.
    mutating func count(_ ids: UnsafeBufferPointer<UInt64>) -> Int {
        clear()
        // At most half full: short probe runs.
        var capacity = 16
        while capacity < 2 * ids.count { capacity <<= 1 }
        if table.count < capacity {
            table = Array(repeating: (0, 0), count: capacity)
            self.ids = Array(repeating: 0, count: capacity / 2)
            distinct = Array(repeating: Distinct(count: 0, first: 0, slot: 0), count: capacity / 2)
        }
        let mask = table.count - 1
        let shift = UInt64(64 - table.count.trailingZeroBitCount)
        var d = 0
        table.withUnsafeMutableBufferPointer { table in
          self.ids.withUnsafeMutableBufferPointer { distinctIDs in
            distinct.withUnsafeMutableBufferPointer { distinct in
                for (index, id) in ids.enumerated() {
                    // Fibonacci hashing: the top bits of id × 2^64/φ spread any regularity in FNV's low bits.
                    var slot = Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> shift)
                    while true {
                        let entry = Int(table[slot].entry)
                        if entry == 0 {
                            table[slot] = (id, Int32(truncatingIfNeeded: d + 1))
                            distinctIDs[d] = id
                            distinct[d] = Distinct(count: 1, first: Int32(truncatingIfNeeded: index), slot: Int32(truncatingIfNeeded: slot))
                            d += 1
                            break
                        }
                        if table[slot].id == id {
                            distinct[entry - 1].count += 1
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
          }
        }
        distinctCount = d
        return d
    }

    /// The ids counted last, in order of first occurrence, and what is known of each.
    func withDistinct<R>(_ body: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<Distinct>) -> R) -> R {
        ids.withUnsafeBufferPointer { ids in
            distinct.withUnsafeBufferPointer {
                body(UnsafeBufferPointer(rebasing: ids[0..<distinctCount]), UnsafeBufferPointer(rebasing: $0[0..<distinctCount]))
            }
        }
    }

    private mutating func clear() {
        let n = distinctCount
        table.withUnsafeMutableBufferPointer { table in
            distinct.withUnsafeBufferPointer { distinct in
                for d in 0..<n { table[Int(distinct[d].slot)].entry = 0 }
            }
        }
        distinctCount = 0
    }
}
