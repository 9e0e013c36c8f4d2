import NoteMinerModel
import NoteMinerText

/// One longest match: the token range it covers and the payloads of the phrase(s) it matched.
public struct PhraseMatch: Sendable, Hashable {
    /// Half-open token indices into `Document.tokens`; newline tokens inside the range are allowed.
    public var tokenBegin: Int32
    public var tokenEnd: Int32
    /// Half-open range into `PhraseMatches.payloads`. More than one payload means several phrases with the
    /// same normalized form (an ambiguous term); the caller decides or flags it.
    public var payloadBegin: Int32
    public var payloadEnd: Int32
}

/// Reusable output buffer for `PhraseMatcher.match`, so a run over many notes allocates only while it grows.
public struct PhraseMatches: Sendable {
    public var matches: [PhraseMatch] = []
    public var payloads: [Int32] = []
    var ids: [Int32] = []
    var scratch: [UInt8] = []
    var candidates: [(end: Int32, node: Int32)] = []

    public init() {}

    public mutating func removeAll() {
        matches.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
    }

    /// Room for `matches` matches and sentences of `tokens` tokens, allocated once instead of at every doubling: a
    /// buffer made for one note's sentences otherwise grows each of its arrays from nothing.
    public mutating func reserve(matches n: Int, tokens: Int) {
        matches.reserveCapacity(n)
        payloads.reserveCapacity(n)
        ids.reserveCapacity(tokens)
        candidates.reserveCapacity(16)
    }

    public func payloads(of m: PhraseMatch) -> ArraySlice<Int32> { payloads[Int(m.payloadBegin)..<Int(m.payloadEnd)] }
}

/// Dictionary phrase matcher over normalized tokens, compiled once per run.
///
/// Phrases are tokenized with the same `Tokenizer` as the notes, so a phrase and the text it should match
/// agree on token boundaries and on the NFKC-casefold normal form. Compiled into a trie whose edges are
/// (node, token id) pairs in one hash table, with token ids interned from normalized bytes: matching a
/// token is one byte-slice hash lookup, with no `String` built per token.
///
/// Matching tolerates what clinical text does to terms:
/// - line breaks and extra spaces inside a term (newline tokens are skipped, whitespace is never a token);
/// - hyphen variants: a hyphenated token also matches as its parts ("post operative") and joined
///   ("postoperative"), whichever form the phrase was written in;
/// - simple plurals on the last token ("-s", "-es", "-ies" → "-y");
/// - case, except for phrases compiled case-sensitive (short all-caps abbreviations such as "PE" or "MS",
///   which must not fire on "pe" or "ms" in prose): those need the exact surface, plural "s" allowed.
///
/// Longest match first, scanning left to right; matches never overlap. Time is linear in the number of
/// tokens (times the longest phrase length, a constant of the lexicon).
public struct PhraseMatcher: Sendable {
    private var vocab = ByteInterner()
    private var edges = EdgeTable()
    private var nodeCount: Int32 = 1
    /// Node → index into `terminals`, -1 when no phrase ends there.
    private var terminalOf: [Int32] = [-1]
    /// (parent, child) of every edge, kept for compile-time passes.
    private var edgeList: [(Int32, Int32)] = []
    /// Payloads valid in any case: `insensitive[range]`.
    private var terminals: [(insensitive: Range<Int>, sensitive: Range<Int>)] = []
    private var insensitivePool: [Int32] = []
    /// Case-sensitive payloads with the surface (token bytes concatenated without spaces) they require.
    private var sensitivePool: [(payload: Int32, surface: [UInt8])] = []
    /// Token id → child of the root (-1 none): the first step of every attempted match, so it skips the hash.
    private var rootChild: [Int32] = []
    /// Node → whether some child of it ends a phrase (plural forms are tried only there).
    private var hasTerminalChild: [Bool] = []
    /// Bitset over the hashes of every form a phrase can start with (see `startHash`).
    private var startFilter: [UInt64]
    /// The same for case-sensitive phrases, consulted only for tokens with capitals.
    private var capsStartFilter: [UInt64]
    /// Bits in each filter − 1: about 32 per phrase (a few percent false positives), at most `maxStartFilterBits`.
    /// Every token is tested against both the concept and the ConText filter; sized per lexicon, ConText's
    /// (about 1,100 triggers: 8 KB) stays in the L1 cache instead of being as big as the largest lexicon's (64 KB).
    private let filterMask: Int
    /// Whether a plural last token may match a singular phrase (off for function-word lists such as ConText
    /// triggers, where "notes" must not read as "not").
    public let plurals: Bool
    /// Number of phrases compiled (after dropping phrases that tokenize to nothing).
    public private(set) var phraseCount = 0

    /// Compiles `phrases`. Duplicate (phrase, payload) pairs collapse into one; a phrase that tokenizes to
    /// no tokens is skipped.
    public init(phrases: [(phrase: String, payload: Int32, caseSensitive: Bool)], tokenizer: Tokenizer, plurals: Bool = true) {
        self.plurals = plurals
        var bits = 4096
        while bits < Self.maxStartFilterBits, bits < phrases.count * 32 { bits <<= 1 }
        filterMask = bits - 1
        startFilter = [UInt64](repeating: 0, count: bits / 64)
        capsStartFilter = [UInt64](repeating: 0, count: bits / 64)
        var pending: [Int32: (insensitive: [Int32], sensitive: [(Int32, [UInt8])])] = [:]
        for p in phrases {
            var text = p.phrase
            var tokens: [Token] = []
            var norm: [UInt8] = []
            text.withUTF8 { tokenizer.tokenize($0, tokens: &tokens, norm: &norm) }
            let raw = Array(text.utf8)
            let words = tokens.filter { $0.kind != .newline }
            if words.isEmpty { continue }
            phraseCount += 1
            // Each token becomes one or more alternative id sequences; insert every combination.
            var paths: [[Int32]] = [[]]
            let first = Array(norm[words[0].normRange])
            filterInsert(first, caseSensitive: p.caseSensitive)
            if let parts = Self.hyphenParts(first) {
                filterInsert(parts[0], caseSensitive: p.caseSensitive)
                filterInsert(parts.flatMap { $0 }, caseSensitive: p.caseSensitive)
            }
            for t in words {
                let form = Array(norm[t.normRange])
                var alternatives: [[Int32]] = []
                if let parts = Self.hyphenParts(form) {
                    alternatives.append(parts.map { vocab.intern($0) })
                    alternatives.append([vocab.intern(parts.flatMap { $0 })])
                } else {
                    alternatives.append([vocab.intern(form)])
                }
                var next: [[Int32]] = []
                for path in paths { for alt in alternatives { next.append(path + alt) } }
                paths = next.count > 16 ? Array(next.prefix(16)) : next
            }
            var surface: [UInt8] = []
            for t in words { surface.append(contentsOf: raw[t.utf8Range]) }
            for path in paths {
                var node: Int32 = 0
                for id in path { node = child(node, id, create: true) }
                var entry = pending[node] ?? ([], [])
                if p.caseSensitive {
                    if !entry.sensitive.contains(where: { $0.0 == p.payload && $0.1 == surface }) {
                        entry.sensitive.append((p.payload, surface))
                    }
                } else if !entry.insensitive.contains(p.payload) {
                    entry.insensitive.append(p.payload)
                }
                pending[node] = entry
            }
        }
        hasTerminalChild = [Bool](repeating: false, count: Int(nodeCount))
        for (parent, childNode) in edgeList where pending[childNode] != nil { hasTerminalChild[Int(parent)] = true }
        rootChild = [Int32](repeating: -1, count: vocab.count)
        for id in 0..<vocab.count { rootChild[id] = edges.get(UInt64(UInt32(bitPattern: Int32(id)))) }
        for node in pending.keys.sorted() {
            let e = pending[node]!
            let i0 = insensitivePool.count
            insensitivePool.append(contentsOf: e.insensitive)
            let s0 = sensitivePool.count
            sensitivePool.append(contentsOf: e.sensitive.map { (payload: $0.0, surface: $0.1) })
            terminalOf[Int(node)] = Int32(terminals.count)
            terminals.append((i0..<insensitivePool.count, s0..<sensitivePool.count))
        }
    }

    private mutating func child(_ node: Int32, _ id: Int32, create: Bool) -> Int32 {
        let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: id))
        let existing = edges.get(key)
        if existing >= 0 || !create { return existing }
        let n = nodeCount
        nodeCount += 1
        terminalOf.append(-1)
        edges.set(key, n)
        edgeList.append((node, n))
        return n
    }

    @inline(__always)
    private func step(_ node: Int32, _ id: Int32) -> Int32 {
        if id < 0 { return -1 }
        if node == 0 && !rootChild.isEmpty { return rootChild[Int(id)] }
        return edges.get(UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: id)))
    }

    /// The parts of a form with a hyphen between two letters or digits ("post-operative", "non-st-elevation"),
    /// nil for any other form (a leading "-", a range such as "2-3" still splits: digits count).
    static func hyphenParts(_ form: [UInt8]) -> [[UInt8]]? {
        guard form.count >= 3, form.contains(UInt8(ascii: "-")) else { return nil }
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        for b in form {
            if b == UInt8(ascii: "-") {
                if current.isEmpty { return nil }
                parts.append(current)
                current = []
            } else {
                current.append(b)
            }
        }
        if current.isEmpty { return nil }
        parts.append(current)
        return parts.count > 1 ? parts : nil
    }

    /// Appends to `out` the longest, non-overlapping matches among `tokenRange` of `doc`, in text order.
    /// Matches never start on a newline token; a match may span newline tokens inside a term.
    ///
    /// With `allStarts`, the longest match at every start token is kept unless another match contains it,
    /// so two overlapping phrases ("is negative" and "negative for" in "is negative for") are both found;
    /// ConText needs this for its trigger terms, concept extraction does not.
    public func match(_ doc: Document, tokenRange: Range<Int>, into out: inout PhraseMatches, allStarts: Bool = false) {
        if terminals.isEmpty || tokenRange.isEmpty { return }
        let first = out.matches.count
        doc.normStorage.withUnsafeBufferPointer { norm in
            doc.tokens.withUnsafeBufferPointer { tokens in
                doc.normHashes.withUnsafeBufferPointer { hashes in
                    doc.utf8.withUnsafeBufferPointer { text in
                        matchBuffers(norm: norm, tokens: tokens, hashes: hashes, text: text, range: tokenRange, allStarts: allStarts, out: &out)
                    }
                }
            }
        }
        if allStarts && out.matches.count - first > 1 {
            // Starts are increasing, so a match is contained in another exactly when an earlier one reaches
            // at least as far.
            var kept = first
            var reach: Int32 = -1
            for k in first..<out.matches.count {
                let m = out.matches[k]
                if m.tokenEnd <= reach { continue }
                reach = m.tokenEnd
                out.matches[kept] = m
                kept += 1
            }
            out.matches.removeSubrange(kept...)
        }
    }

    /// `hashes[i]`: `Document.hash` of token `i`'s form (`Document.normHashes`).
    private func matchBuffers(norm: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<Token>, hashes: UnsafeBufferPointer<UInt32>,
                              text: UnsafeBufferPointer<UInt8>, range: Range<Int>, allStarts: Bool, out: inout PhraseMatches) {
        // Token ids are looked up lazily (-2 = not yet): most tokens fail the start filter and never need one.
        let base = range.lowerBound
        out.ids.removeAll(keepingCapacity: true)
        out.ids.append(contentsOf: repeatElement(-2, count: range.count))
        var i = range.lowerBound
        while i < range.upperBound {
            let t = tokens[i]
            if t.kind == .newline { i += 1; continue }
            let hyphen = hasHyphen(norm, t)
            let h = startHash(norm, t, hashes[i])
            if !hyphen && h == nil { i += 1; continue }
            // Fast reject: the token must leave the root (or be hyphenated, or a plural of a one-token phrase).
            if let h, out.ids[i - base] == -2 {
                out.ids[i - base] = vocab.lookup(UnsafeBufferPointer(rebasing: norm[t.normRange]), hash: h)
            }
            let id = tokenID(i, base: base, norm: norm, tokens: tokens, hashes: hashes, out: &out)
            if step(0, id) < 0 && !hyphen && !mayBePlural(norm, t) { i += 1; continue }
            out.candidates.removeAll(keepingCapacity: true)
            walk(node: 0, at: i, range: range, norm: norm, tokens: tokens, hashes: hashes, out: &out)
            if out.candidates.isEmpty && hasHyphen(norm, t) {
                // A phrase may also start inside a hyphenated token, at any later part: "year old" in
                // "70-year-old", "day history of" in "two-day history of". The earliest part that starts one wins.
                let b = Int(t.normBegin), e = Int(t.normEnd)
                var k = b
                while k < e, out.candidates.isEmpty {
                    if norm[k] == UInt8(ascii: "-") {
                        if k > b { walkParts(from: k + 1, token: i, range: range, norm: norm, tokens: tokens, hashes: hashes, out: &out) }
                    }
                    k += 1
                }
            }
            var best: (end: Int32, node: Int32)? = nil
            var bestHasPayload = false
            // Longest candidate whose payloads survive the case check; ties keep the first found.
            for c in out.candidates where best == nil || c.end > best!.end {
                if hasPayload(node: c.node, begin: i, end: Int(c.end), tokens: tokens, text: text) {
                    best = c
                    bestHasPayload = true
                }
            }
            if let b = best, bestHasPayload {
                let p0 = out.payloads.count
                appendPayloads(node: b.node, begin: i, end: Int(b.end), tokens: tokens, text: text, to: &out.payloads)
                if out.payloads.count - p0 > 1 {
                    // Sorted in place: sorting the slice `payloads[p0...]` copied it into a new array first, an
                    // allocation per match although nearly every match has one payload.
                    out.payloads.withUnsafeMutableBufferPointer { all in
                        var run = UnsafeMutableBufferPointer(rebasing: all[p0...])
                        run.sort()
                    }
                }
                out.matches.append(PhraseMatch(tokenBegin: Int32(i), tokenEnd: b.end, payloadBegin: Int32(p0), payloadEnd: Int32(out.payloads.count)))
                i = allStarts ? i + 1 : Int(b.end)
            } else {
                i += 1
            }
        }
    }

    /// Walks the parts of token `token`'s normal form from byte `start` (just after a hyphen) to its end, then
    /// on through the following tokens, recording terminals.
    private func walkParts(from start: Int, token j: Int, range: Range<Int>, norm: UnsafeBufferPointer<UInt8>,
                           tokens: UnsafeBufferPointer<Token>, hashes: UnsafeBufferPointer<UInt32>, out: inout PhraseMatches) {
        let e = Int(tokens[j].normEnd)
        var n: Int32 = 0
        var partStart = start
        var k = start
        while k <= e {
            if k == e || norm[k] == UInt8(ascii: "-") {
                if k == partStart { return }
                n = step(n, vocab.lookup(UnsafeBufferPointer(rebasing: norm[partStart..<k])))
                if n < 0 { return }
                partStart = k + 1
            }
            k += 1
        }
        if terminalOf[Int(n)] >= 0 { out.candidates.append((Int32(j + 1), n)) }
        walk(node: n, at: j + 1, range: range, norm: norm, tokens: tokens, hashes: hashes, out: &out)
    }

    @inline(__always)
    private func tokenID(_ j: Int, base: Int, norm: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<Token>,
                         hashes: UnsafeBufferPointer<UInt32>, out: inout PhraseMatches) -> Int32 {
        let cached = out.ids[j - base]
        if cached != -2 { return cached }
        let t = tokens[j]
        let id = t.kind == .newline ? -1 : vocab.lookup(UnsafeBufferPointer(rebasing: norm[t.normRange]), hash: hashes[j])
        out.ids[j - base] = id
        return id
    }

    static let maxStartFilterBits = 1 << 19

    /// The word of a start filter and the bit in it that stand for a form hashing to `h`.
    @inline(__always)
    private func filterBit(_ h: UInt32) -> (word: Int, bit: UInt64) {
        let key = Int(h >> 7) & filterMask
        return (key >> 6, 1 << UInt64(key & 63))
    }

    @inline(__always)
    private func filterHas(_ h: UInt32) -> Bool {
        let (word, bit) = filterBit(h)
        return startFilter[word] & bit != 0
    }

    private mutating func filterInsert(_ form: [UInt8], caseSensitive: Bool) {
        let (word, bit) = filterBit(form.withUnsafeBufferPointer { ByteInterner.hash($0) })
        if caseSensitive { capsStartFilter[word] |= bit } else { startFilter[word] |= bit }
    }

    @inline(__always)
    private func capsFilterHas(_ h: UInt32) -> Bool {
        let (word, bit) = filterBit(h)
        return capsStartFilter[word] & bit != 0
    }

    /// Whether some phrase may start with this token (whose form hashes to `h`), from a bitset over the FNV-1a
    /// hashes of every form a phrase can start with, and for a plural form of its singulars. Most tokens fail it,
    /// so they cost one bit test and no random memory access into the interner. Returns `h` for the lookup that
    /// follows, or nil when the token cannot start a phrase.
    @inline(__always)
    private func startHash(_ norm: UnsafeBufferPointer<UInt8>, _ t: Token, _ h: UInt32) -> UInt32? {
        let b = Int(t.normBegin), n = Int(t.normEnd) - b
        if n == 0 { return nil }
        if filterHas(h) { return h }
        // Case-sensitive phrases ("HE", "AS") start only on tokens with capitals: "he" and "as" in prose skip.
        let caps = !t.flags.isDisjoint(with: [.allCaps, .capitalized])
        if caps && capsFilterHas(h) { return h }
        if plurals && n >= 3 && norm[b + n - 1] == UInt8(ascii: "s") {
            // The singular forms' hashes are prefixes of one pass: without "s", "es", and "ies" + "y".
            var h3: UInt32 = 2_166_136_261
            for k in b..<(b + n - 3) { h3 = (h3 ^ UInt32(norm[k])) &* 16_777_619 }
            let h2 = (h3 ^ UInt32(norm[b + n - 3])) &* 16_777_619
            let h1 = (h2 ^ UInt32(norm[b + n - 2])) &* 16_777_619
            if filterHas(h1) || (caps && capsFilterHas(h1)) { return h }
            if n >= 4 && norm[b + n - 2] == UInt8(ascii: "e") && Self.sibilantBeforeES(norm, b, b + n) && filterHas(h2) { return h }
            if n >= 5 && norm[b + n - 2] == UInt8(ascii: "e") && norm[b + n - 3] == UInt8(ascii: "i") {
                if filterHas((h3 ^ UInt32(UInt8(ascii: "y"))) &* 16_777_619) { return h }
            }
        }
        return nil
    }

    /// Whether the form `norm[b..<e]` (ending in "es") has a sibilant before the "es": s, x, z, ch, sh.
    @inline(__always)
    static func sibilantBeforeES(_ norm: UnsafeBufferPointer<UInt8>, _ b: Int, _ e: Int) -> Bool {
        guard e - b >= 4 else { return false }
        let c = norm[e - 3]
        if c == UInt8(ascii: "s") || c == UInt8(ascii: "x") || c == UInt8(ascii: "z") { return true }
        return c == UInt8(ascii: "h") && (norm[e - 4] == UInt8(ascii: "c") || norm[e - 4] == UInt8(ascii: "s"))
    }

    @inline(__always)
    private func hasHyphen(_ norm: UnsafeBufferPointer<UInt8>, _ t: Token) -> Bool {
        // The tokenizer flags every token with an inner hyphen; the flag saves a byte scan per token.
        t.flags.contains(.hyphenated)
    }

    @inline(__always)
    private func mayBePlural(_ norm: UnsafeBufferPointer<UInt8>, _ t: Token) -> Bool {
        t.normEnd - t.normBegin >= 3 && norm[Int(t.normEnd) - 1] == UInt8(ascii: "s")
    }

    /// Depth-first walk over the token alternatives from `node` at token `j`, recording every terminal.
    private func walk(node: Int32, at start: Int, range: Range<Int>, norm: UnsafeBufferPointer<UInt8>,
                      tokens: UnsafeBufferPointer<Token>, hashes: UnsafeBufferPointer<UInt32>, out: inout PhraseMatches) {
        var j = start
        while j < range.upperBound, tokens[j].kind == .newline { j += 1 }
        if j >= range.upperBound { return }
        let t = tokens[j]
        let id = tokenID(j, base: range.lowerBound, norm: norm, tokens: tokens, hashes: hashes, out: &out)
        let next = step(node, id)
        if next >= 0 {
            if terminalOf[Int(next)] >= 0 { out.candidates.append((Int32(j + 1), next)) }
            walk(node: next, at: j + 1, range: range, norm: norm, tokens: tokens, hashes: hashes, out: &out)
        }
        if hasHyphen(norm, t) {
            // Parts path: "post-operative" as "post" "operative".
            var n = node
            var partStart = Int(t.normBegin)
            var k = partStart
            let end = Int(t.normEnd)
            var ok = true
            while k <= end {
                if k == end || norm[k] == UInt8(ascii: "-") {
                    if k == partStart { ok = false; break }
                    n = step(n, vocab.lookup(UnsafeBufferPointer(rebasing: norm[partStart..<k])))
                    if n < 0 { ok = false; break }
                    partStart = k + 1
                }
                k += 1
            }
            if ok && n != next {
                if terminalOf[Int(n)] >= 0 { out.candidates.append((Int32(j + 1), n)) }
                walk(node: n, at: j + 1, range: range, norm: norm, tokens: tokens, hashes: hashes, out: &out)
            }
            // Joined path: "post-operative" as "postoperative".
            out.scratch.removeAll(keepingCapacity: true)
            for k in t.normRange where norm[k] != UInt8(ascii: "-") { out.scratch.append(norm[k]) }
            let joined = step(node, out.scratch.withUnsafeBufferPointer { vocab.lookup($0) })
            if joined >= 0 && joined != next {
                if terminalOf[Int(joined)] >= 0 { out.candidates.append((Int32(j + 1), joined)) }
                walk(node: joined, at: j + 1, range: range, norm: norm, tokens: tokens, hashes: hashes, out: &out)
            }
        }
        // Plural forms end a phrase: only terminal nodes count, so only nodes with a terminal child try them.
        let len = Int(t.normEnd - t.normBegin)
        if plurals, len >= 3, norm[Int(t.normEnd) - 1] == UInt8(ascii: "s"), hasTerminalChild[Int(node)] {
            let b = Int(t.normBegin), e = Int(t.normEnd)
            var singulars: (Int32, Int32, Int32) = (-1, -1, -1)
            if norm[e - 2] != UInt8(ascii: "s") {
                singulars.0 = vocab.lookup(UnsafeBufferPointer(rebasing: norm[b..<(e - 1)]))
            }
            if len >= 4, norm[e - 2] == UInt8(ascii: "e") {
                // "-es" only after a sibilant ("rashes", "abscesses"), so "notes" is not a plural of "not".
                if Self.sibilantBeforeES(norm, b, e) {
                    singulars.1 = vocab.lookup(UnsafeBufferPointer(rebasing: norm[b..<(e - 2)]))
                }
                if len >= 5, norm[e - 3] == UInt8(ascii: "i") {
                    out.scratch.removeAll(keepingCapacity: true)
                    for k in b..<(e - 3) { out.scratch.append(norm[k]) }
                    out.scratch.append(UInt8(ascii: "y"))
                    singulars.2 = out.scratch.withUnsafeBufferPointer { vocab.lookup($0) }
                }
            }
            for s in 0..<3 {
                let id = s == 0 ? singulars.0 : (s == 1 ? singulars.1 : singulars.2)
                let n = step(node, id)
                if n >= 0, terminalOf[Int(n)] >= 0 { out.candidates.append((Int32(j + 1), n)) }
            }
        }
    }

    private func hasPayload(node: Int32, begin: Int, end: Int, tokens: UnsafeBufferPointer<Token>,
                            text: UnsafeBufferPointer<UInt8>) -> Bool {
        let term = terminals[Int(terminalOf[Int(node)])]
        if !term.insensitive.isEmpty { return true }
        for s in term.sensitive where surfaceMatches(sensitivePool[s].surface, begin: begin, end: end, tokens: tokens, text: text) {
            return true
        }
        return false
    }

    private func appendPayloads(node: Int32, begin: Int, end: Int, tokens: UnsafeBufferPointer<Token>,
                                text: UnsafeBufferPointer<UInt8>, to payloads: inout [Int32]) {
        let term = terminals[Int(terminalOf[Int(node)])]
        let p0 = payloads.count
        for k in term.insensitive { payloads.append(insensitivePool[k]) }
        for s in term.sensitive where surfaceMatches(sensitivePool[s].surface, begin: begin, end: end, tokens: tokens, text: text) {
            if !payloads[p0...].contains(sensitivePool[s].payload) {
                payloads.append(sensitivePool[s].payload)
            }
        }
    }

    /// Whether the raw text of tokens `begin..<end` (newlines skipped, no spaces) equals `surface`, allowing a
    /// plural "s"/"es" or "'s" after it.
    private func surfaceMatches(_ surface: [UInt8], begin: Int, end: Int, tokens: UnsafeBufferPointer<Token>,
                                text: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = 0
        for j in begin..<end where tokens[j].kind != .newline {
            for b in tokens[j].utf8Range {
                if k < surface.count {
                    if text[b] != surface[k] { return false }
                    k += 1
                } else {
                    // Surplus after the full surface: only a plural ending is allowed.
                    let c = text[b]
                    if c != UInt8(ascii: "s") && c != UInt8(ascii: "e") && c != UInt8(ascii: "'") { return false }
                    k += 1
                    if k > surface.count + 2 { return false }
                }
            }
        }
        return k >= surface.count
    }
}
