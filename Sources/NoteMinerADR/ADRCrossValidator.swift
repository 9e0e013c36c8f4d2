import Foundation

/// SplitMix64: a tiny fixed PRNG so fold assignment is the same on every platform and Swift version
/// (the standard library's generator is not specified to be stable).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Grouped fold assignment: every sentence of a document lands in the same fold, so a model is never
/// scored on sentences of a document it saw in training.
public enum ADRFolds {
    /// Returns the fold (0..<folds) of each example. Groups are shuffled by `seed`, then taken largest
    /// first and each put in the currently smallest fold, which balances fold sizes.
    public static func assign(groups: [String], folds: Int, seed: UInt64) -> [Int] {
        precondition(folds >= 1)
        var sizes: [String: Int] = [:]
        var order: [String] = []
        for g in groups {
            if sizes[g] == nil { order.append(g) }
            sizes[g, default: 0] += 1
        }
        var rng = SplitMix64(seed: seed)
        let keyed = order.map { ($0, rng.next()) }
        let sorted = keyed.sorted { a, b in
            let sa = sizes[a.0]!, sb = sizes[b.0]!
            return sa != sb ? sa > sb : a.1 < b.1
        }
        var foldOf: [String: Int] = [:]
        var load = [Int](repeating: 0, count: folds)
        for (g, _) in sorted {
            var best = 0
            for k in 1..<folds where load[k] < load[best] { best = k }
            foldOf[g] = best
            load[best] += sizes[g]!
        }
        return groups.map { foldOf[$0]! }
    }
}

/// Sentence-level and pair-level figures for one evaluation.
public struct ADRMetrics: Sendable, Hashable {
    public var sentences = 0
    public var tp = 0, fp = 0, fn = 0, tn = 0
    public var auc = 0.0
    public var threshold = 0.5
    public var pairTP = 0, pairFP = 0, pairFN = 0

    public var precision: Double { tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp) }
    public var recall: Double { tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn) }
    public var f1: Double { ADRMetrics.f1(tp: tp, fp: fp, fn: fn) }
    public var pairPrecision: Double { pairTP + pairFP == 0 ? 0 : Double(pairTP) / Double(pairTP + pairFP) }
    public var pairRecall: Double { pairTP + pairFN == 0 ? 0 : Double(pairTP) / Double(pairTP + pairFN) }
    public var pairF1: Double { ADRMetrics.f1(tp: pairTP, fp: pairFP, fn: pairFN) }

    static func f1(tp: Int, fp: Int, fn: Int) -> Double {
        tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
    }

    /// ROC-AUC by the rank-sum (Mann–Whitney) statistic, ties counted half.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let avgRank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] { rankSum += avgRank }
            i = j + 1
        }
        let pos = Double(labels.filter { $0 }.count)
        let neg = Double(labels.count) - pos
        guard pos > 0, neg > 0 else { return 0 }
        return (rankSum - pos * (pos + 1) / 2) / (pos * neg)
    }

    /// The probability cut with the best F1 on these scores: midway between the last score predicted
    /// positive and the next one, so it generalizes rather than sitting on a training score.
    static func bestF1Threshold(scores: [Double], labels: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let positives = labels.filter { $0 }.count
        guard positives > 0 else { return 0.5 }
        var tp = 0, fp = 0
        var bestF1 = -1.0
        var best = 0.5
        for (rank, idx) in order.enumerated() {
            if labels[idx] { tp += 1 } else { fp += 1 }
            let next = rank + 1 < order.count ? scores[order[rank + 1]] : 0
            if next == scores[idx] { continue }
            let f = f1(tp: tp, fp: fp, fn: positives - tp)
            if f > bestF1 { bestF1 = f; best = (scores[idx] + next) / 2 }
        }
        return best
    }

    mutating func addSentence(predicted: Bool, gold: Bool) {
        sentences += 1
        switch (predicted, gold) {
        case (true, true): tp += 1
        case (true, false): fp += 1
        case (false, true): fn += 1
        case (false, false): tn += 1
        }
    }

    /// Pairs match when both strings agree case-insensitively (white space runs collapsed).
    mutating func addPairs(predicted: [ADRPair], gold: [ADRPair]) {
        let p = Set(predicted.map(\.key))
        let g = Set(gold.map(\.key))
        pairTP += p.intersection(g).count
        pairFP += p.subtracting(g).count
        pairFN += g.subtracting(p).count
    }
}

/// Mean ± standard deviation of grouped K-fold figures.
public struct ADRCVReport: Sendable, Hashable {
    public var folds: Int
    public var seed: UInt64
    public var perFold: [ADRMetrics]
    /// The section as read from a model file (per-fold counts are not kept there), written back unchanged.
    var storedJSON: String?

    public init(folds: Int, seed: UInt64, perFold: [ADRMetrics]) {
        self.folds = folds
        self.seed = seed
        self.perFold = perFold
    }

    public struct Summary: Sendable, Hashable { public var mean: Double; public var sd: Double }

    public func summary(_ metric: (ADRMetrics) -> Double) -> Summary {
        let xs = perFold.map(metric)
        guard !xs.isEmpty else { return Summary(mean: 0, sd: 0) }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.count > 1 ? xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1) : 0
        return Summary(mean: mean, sd: variance.squareRoot())
    }

    public static let metricNames: [(String, @Sendable (ADRMetrics) -> Double)] = [
        ("precision", { $0.precision }), ("recall", { $0.recall }), ("f1", { $0.f1 }), ("auc", { $0.auc }),
        ("pair_precision", { $0.pairPrecision }), ("pair_recall", { $0.pairRecall }), ("pair_f1", { $0.pairF1 }),
    ]
}

/// Grouped K-fold cross-validation of the whole training procedure (threshold choice and gazetteer
/// included), so the figures estimate performance on documents the model has not seen.
public struct ADRCrossValidator: Sendable {
    public var trainer: ADRTrainer

    public init(trainer: ADRTrainer = ADRTrainer()) { self.trainer = trainer }

    public func run(examples: [ADRExample], folds: Int, seed: UInt64) -> ADRCVReport {
        let assignment = ADRFolds.assign(groups: ADRExample.groupKeys(examples), folds: folds, seed: seed)
        let vectors = trainer.vectorize(examples)
        var perFold: [ADRMetrics] = []
        for k in 0..<folds {
            let trainIdx = assignment.indices.filter { assignment[$0] != k }
            let testIdx = assignment.indices.filter { assignment[$0] == k }
            let model = trainer.train(examples: trainIdx.map { examples[$0] }, vectors: trainIdx.map { vectors[$0] }, provenance: nil)
            let evaluator = ADREvaluator(model: model)
            perFold.append(evaluator.evaluate(testIdx.map { examples[$0] }, vectors: testIdx.map { vectors[$0] }))
        }
        return ADRCVReport(folds: folds, seed: seed, perFold: perFold)
    }
}
