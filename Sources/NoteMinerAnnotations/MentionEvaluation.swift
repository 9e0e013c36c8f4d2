import NoteMinerModel

/// One side-by-side comparison of two annotation sets — gold against predictions (`eval mentions`) or annotator A
/// against annotator B (`agree`, A as the reference) — under the rules of `MatchMode`.
///
/// Documents are paired by id (after `key`, which lets a brat file stem meet the note id it came from). A
/// document only on the reference side counts all its spans as misses, one only on the other side all as
/// false positives. Paired documents must have the same text, code point for code point: offsets into different
/// texts cannot be compared. Attributes are scored over strict matches, where both sides mean the same span.
public struct MentionEvaluation: Sendable {
    public struct NoteBreakdown: Sendable {
        public var id: String
        public var referenceSpans: Int
        public var otherSpans: Int
        public var strict: PRFCounts
        public var lenient: PRFCounts
    }

    public enum ErrorKind: String, Sendable {
        /// A reference span with no overlapping span of its label and no other-typed overlap.
        case missed
        /// An other-side span with no overlapping reference span of its label and no other-typed overlap.
        case spurious
        /// Overlap with the same label but different boundaries (a lenient match that is not strict).
        case boundary
        /// Overlapping spans with different labels, neither matched otherwise.
        case type
        /// A strict match whose ConText attributes differ.
        case attribute
    }

    public struct ErrorRecord: Sendable {
        public var note: String
        public var kind: ErrorKind
        public var reference: AnnotatedSpan?
        public var referenceText: String?
        public var other: AnnotatedSpan?
        public var otherText: String?
        /// For `attribute` errors: the attributes that differ.
        public var attributes: [ContextAttribute] = []
    }

    public private(set) var strict: [String: PRFCounts] = [:]
    /// Relations (ADR drug → effect) under each mode: a relation matches when its label is equal and its head and
    /// child spans are matched, under that mode, to the other relation's head and child.
    public private(set) var relations: [MatchMode: PRFCounts] = [:]
    public private(set) var lenient: [String: PRFCounts] = [:]
    public private(set) var attributes: [ContextAttribute: AttributeTable] = [:]
    public private(set) var notes: [NoteBreakdown] = []
    public private(set) var errors: [ErrorRecord] = []
    public private(set) var onlyReference: [String] = []
    public private(set) var onlyOther: [String] = []
    public private(set) var referenceDocuments = 0
    public private(set) var otherDocuments = 0

    /// All labels seen on either side, sorted.
    public var labels: [String] { Set(strict.keys).union(lenient.keys).sorted() }
    public var strictOverall: PRFCounts { strict.values.reduce(PRFCounts(), +) }
    public var lenientOverall: PRFCounts { lenient.values.reduce(PRFCounts(), +) }
    public func table(_ a: ContextAttribute) -> AttributeTable { attributes[a] ?? AttributeTable() }

    public init(reference: [AnnotatedDocument], other: [AnnotatedDocument], key: (String) -> String = { $0 }) throws {
        referenceDocuments = reference.count
        otherDocuments = other.count
        var otherByKey: [String: AnnotatedDocument] = [:]
        for d in other { otherByKey[key(d.id)] = d }
        var used = Set<String>()
        for r in reference {
            let k = key(r.id)
            if let o = otherByKey[k] {
                used.insert(k)
                if !Array(r.text.unicodeScalars).elementsEqual(o.text.unicodeScalars) {
                    throw AnnotationError(file: r.id, "the two sides have different text for this note (\(r.text.unicodeScalars.count) vs \(o.text.unicodeScalars.count) code points); offsets cannot be compared")
                }
                add(r, o)
            } else {
                onlyReference.append(r.id)
                add(r, AnnotatedDocument(id: r.id, text: r.text, spans: []))
            }
        }
        for o in other where !used.contains(key(o.id)) {
            onlyOther.append(o.id)
            add(AnnotatedDocument(id: o.id, text: o.text, spans: []), o)
        }
    }

    private mutating func add(_ r: AnnotatedDocument, _ o: AnnotatedDocument) {
        let g = r.spans, p = o.spans
        let strictPairs = SpanMatcher.match(gold: g, pred: p, mode: .strict)
        let lenientPairs = SpanMatcher.match(gold: g, pred: p, mode: .lenient)
        let s = Self.count(g, p, strictPairs, into: &strict)
        let l = Self.count(g, p, lenientPairs, into: &lenient)
        notes.append(NoteBreakdown(id: r.id, referenceSpans: g.count, otherSpans: p.count, strict: s, lenient: l))
        for (mode, pairs) in [(MatchMode.strict, strictPairs), (.lenient, lenientPairs)] {
            var toOther: [Int: Int] = [:]
            for pair in pairs { toOther[pair.gold] = pair.pred }
            var unmatched = o.relations
            var c = PRFCounts()
            for rel in r.relations {
                if let h = toOther[rel.head], let k = toOther[rel.child],
                   let i = unmatched.firstIndex(where: { $0.label == rel.label && $0.head == h && $0.child == k }) {
                    unmatched.remove(at: i)
                    c.tp += 1
                } else {
                    c.fn += 1
                }
            }
            c.fp = unmatched.count
            relations[mode] = (relations[mode] ?? PRFCounts()) + c
        }

        let rs = Array(r.text.unicodeScalars)
        func text(_ span: AnnotatedSpan) -> String { AnnotatedDocument.slice(rs, span.begin, span.end) }
        var records: [(Int, ErrorRecord)] = []
        for pair in strictPairs {
            var differing: [ContextAttribute] = []
            for a in ContextAttribute.allCases {
                let x = g[pair.gold].attributes.contains(a), y = p[pair.pred].attributes.contains(a)
                attributes[a, default: AttributeTable()].add(reference: x, other: y)
                if x != y { differing.append(a) }
            }
            if !differing.isEmpty {
                records.append((g[pair.gold].begin, ErrorRecord(note: r.id, kind: .attribute, reference: g[pair.gold], referenceText: text(g[pair.gold]),
                                                                other: p[pair.pred], otherText: text(p[pair.pred]), attributes: differing)))
            }
        }
        // Errors: boundary = lenient-only matches; type = overlaps with different labels among what is left
        // (paired by the same greedy rule); the rest missed or spurious.
        let strictGold = Set(strictPairs.map(\.gold)), strictPred = Set(strictPairs.map(\.pred))
        var looseGold = Set<Int>(), loosePred = Set<Int>()
        for pair in lenientPairs where !strictGold.contains(pair.gold) && !strictPred.contains(pair.pred) {
            looseGold.insert(pair.gold)
            loosePred.insert(pair.pred)
            records.append((g[pair.gold].begin, ErrorRecord(note: r.id, kind: .boundary, reference: g[pair.gold], referenceText: text(g[pair.gold]),
                                                            other: p[pair.pred], otherText: text(p[pair.pred]))))
        }
        let restG = g.indices.filter { !strictGold.contains($0) && !looseGold.contains($0) }
        let restP = p.indices.filter { !strictPred.contains($0) && !loosePred.contains($0) }
        let typePairs = SpanMatcher.greedy(gold: restG.map { g[$0] }, pred: restP.map { p[$0] }) { $0.label != $1.label && $0.overlap(with: $1) > 0 }
        var typedG = Set<Int>(), typedP = Set<Int>()
        for pair in typePairs {
            let gi = restG[pair.gold], pi = restP[pair.pred]
            typedG.insert(gi)
            typedP.insert(pi)
            records.append((g[gi].begin, ErrorRecord(note: r.id, kind: .type, reference: g[gi], referenceText: text(g[gi]), other: p[pi], otherText: text(p[pi]))))
        }
        for gi in restG where !typedG.contains(gi) {
            records.append((g[gi].begin, ErrorRecord(note: r.id, kind: .missed, reference: g[gi], referenceText: text(g[gi]))))
        }
        for pi in restP where !typedP.contains(pi) {
            records.append((p[pi].begin, ErrorRecord(note: r.id, kind: .spurious, other: p[pi], otherText: text(p[pi]))))
        }
        errors += records.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
    }

    private static func count(_ g: [AnnotatedSpan], _ p: [AnnotatedSpan], _ pairs: [SpanPair], into table: inout [String: PRFCounts]) -> PRFCounts {
        var note = PRFCounts()
        let mg = Set(pairs.map(\.gold)), mp = Set(pairs.map(\.pred))
        for pair in pairs { table[g[pair.gold].label, default: PRFCounts()].tp += 1; note.tp += 1 }
        for (i, s) in g.enumerated() where !mg.contains(i) { table[s.label, default: PRFCounts()].fn += 1; note.fn += 1 }
        for (i, s) in p.enumerated() where !mp.contains(i) { table[s.label, default: PRFCounts()].fp += 1; note.fp += 1 }
        return note
    }
}
