/// How two annotation sets of one document are paired, the rule every figure of `eval mentions` and `agree`
/// rests on.
///
/// - strict: a gold and a predicted span match when begin, end and label are all equal;
/// - lenient: they match when they share at least one code point (`max(begins) < min(ends)`) and the label is equal.
///
/// Matching is one-to-one in both modes: every pair that qualifies is a candidate; candidates are taken greedily by
/// overlap size (largest first), ties by position — gold begin, gold end, predicted begin, predicted end, then
/// input order — and a candidate is skipped when either of its spans is already taken. So one long predicted
/// span overlapping two gold spans matches one of them (the larger overlap) and the other gold span is a miss.
public enum MatchMode: String, CaseIterable, Sendable {
    case strict, lenient

    public var rule: String {
        switch self {
        case .strict: return "exact begin, end and label"
        case .lenient: return "overlap of at least one code point and the same label"
        }
    }

    public static let oneToOneRule =
        "one-to-one: candidate pairs taken greedily by overlap size (largest first), ties by gold begin, gold end, predicted begin, predicted end"

    func qualifies(_ g: AnnotatedSpan, _ p: AnnotatedSpan) -> Bool {
        guard g.label == p.label else { return false }
        switch self {
        case .strict: return g.begin == p.begin && g.end == p.end
        case .lenient: return g.overlap(with: p) > 0
        }
    }
}

/// A matched pair, by index into the gold and predicted span arrays.
public struct SpanPair: Sendable, Hashable {
    public var gold: Int
    public var pred: Int
    public init(gold: Int, pred: Int) {
        self.gold = gold
        self.pred = pred
    }
}

public enum SpanMatcher {
    /// Pairs `gold` and `pred` under `mode` (see `MatchMode`). O(n·m) candidates, fine for a note's spans.
    public static func match(gold: [AnnotatedSpan], pred: [AnnotatedSpan], mode: MatchMode) -> [SpanPair] {
        greedy(gold: gold, pred: pred) { mode.qualifies($0, $1) }
    }

    static func greedy(gold: [AnnotatedSpan], pred: [AnnotatedSpan], _ qualifies: (AnnotatedSpan, AnnotatedSpan) -> Bool) -> [SpanPair] {
        var candidates: [(overlap: Int, g: Int, p: Int)] = []
        for (gi, g) in gold.enumerated() {
            for (pi, p) in pred.enumerated() where qualifies(g, p) {
                // A zero-length span equal to another counts as overlapping it (strict mode on empty spans).
                candidates.append((max(g.overlap(with: p), 0), gi, pi))
            }
        }
        candidates.sort { a, b in
            if a.overlap != b.overlap { return a.overlap > b.overlap }
            let ga = gold[a.g], gb = gold[b.g], pa = pred[a.p], pb = pred[b.p]
            return (ga.begin, ga.end, pa.begin, pa.end, a.g, a.p) < (gb.begin, gb.end, pb.begin, pb.end, b.g, b.p)
        }
        var goldTaken = Set<Int>(), predTaken = Set<Int>()
        var pairs: [SpanPair] = []
        for c in candidates where !goldTaken.contains(c.g) && !predTaken.contains(c.p) {
            goldTaken.insert(c.g)
            predTaken.insert(c.p)
            pairs.append(SpanPair(gold: c.g, pred: c.p))
        }
        return pairs.sorted { ($0.gold, $0.pred) < ($1.gold, $1.pred) }
    }
}

/// True-positive, false-positive and false-negative counts with the scores they give; a score whose denominator
/// is zero is nil (reported as null), never a made-up 0 or 1.
public struct PRFCounts: Sendable, Hashable {
    public var tp = 0
    public var fp = 0
    public var fn = 0

    public init(tp: Int = 0, fp: Int = 0, fn: Int = 0) {
        self.tp = tp
        self.fp = fp
        self.fn = fn
    }

    public var precision: Double? { tp + fp == 0 ? nil : Double(tp) / Double(tp + fp) }
    public var recall: Double? { tp + fn == 0 ? nil : Double(tp) / Double(tp + fn) }
    /// 2·tp / (2·tp + fp + fn): defined whenever there is any gold or predicted span.
    public var f1: Double? { 2 * tp + fp + fn == 0 ? nil : Double(2 * tp) / Double(2 * tp + fp + fn) }

    static func + (a: PRFCounts, b: PRFCounts) -> PRFCounts { PRFCounts(tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn) }
}

/// A 2×2 table of one binary attribute over matched spans: reference (gold, annotator A) against the other side.
public struct AttributeTable: Sendable, Hashable {
    /// Both true.
    public var both = 0
    /// Reference true, other false.
    public var referenceOnly = 0
    /// Reference false, other true.
    public var otherOnly = 0
    /// Both false.
    public var neither = 0

    public init(both: Int = 0, referenceOnly: Int = 0, otherOnly: Int = 0, neither: Int = 0) {
        self.both = both
        self.referenceOnly = referenceOnly
        self.otherOnly = otherOnly
        self.neither = neither
    }

    public var total: Int { both + referenceOnly + otherOnly + neither }
    public var accuracy: Double? { total == 0 ? nil : Double(both + neither) / Double(total) }
    /// The attribute as a detection task (reference true = positive).
    public var counts: PRFCounts { PRFCounts(tp: both, fp: otherOnly, fn: referenceOnly) }
    /// Chance agreement from the two sides' marginals: pA·pB + (1−pA)(1−pB).
    public var expectedAgreement: Double? {
        guard total > 0 else { return nil }
        let n = Double(total)
        let a = Double(both + referenceOnly) / n, b = Double(both + otherOnly) / n
        return a * b + (1 - a) * (1 - b)
    }
    /// Cohen's kappa (po − pe) / (1 − pe); nil when pe = 1 (both sides constant and equal: kappa is undefined).
    public var kappa: Double? {
        guard let po = accuracy, let pe = expectedAgreement, pe < 1 else { return nil }
        return (po - pe) / (1 - pe)
    }

    mutating func add(reference: Bool, other: Bool) {
        switch (reference, other) {
        case (true, true): both += 1
        case (true, false): referenceOnly += 1
        case (false, true): otherOnly += 1
        case (false, false): neither += 1
        }
    }

    static func + (a: AttributeTable, b: AttributeTable) -> AttributeTable {
        AttributeTable(both: a.both + b.both, referenceOnly: a.referenceOnly + b.referenceOnly,
                       otherOnly: a.otherOnly + b.otherOnly, neither: a.neither + b.neither)
    }
}
