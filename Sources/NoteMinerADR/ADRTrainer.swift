import Foundation

/// How a model is fitted. Stored in the model file with the features.
public struct ADRTrainerConfig: Sendable, Hashable, Codable {
    /// Inverse L2 strength in scikit-learn's convention (objective = ½‖w‖² + C·Σ weightᵢ·lossᵢ), chosen by
    /// grouped cross-validation on the training part.
    public var c: Double = 8
    /// Weight each class by n / (2·n_class) so the rarer positive class is not ignored.
    public var classWeighting: Bool = true
    public var maxIterations: Int = 250
    /// Grouped folds over the training examples whose out-of-fold scores choose the decision threshold
    /// (the F1-best cut), so the threshold never sees the data it is evaluated on.
    public var thresholdFolds: Int = 3
    /// Seeds the assignment of groups to inner folds.
    public var seed: UInt64 = 1
    /// Weights smaller than this in magnitude are dropped before the model is finalized (keeps files small).
    public var pruneBelow: Double = 1e-4

    public init() {}
}

/// Fits the classifier. Deterministic: the same examples, configuration and seed give the same model.
public struct ADRTrainer: Sendable {
    public var features: ADRFeatureConfig
    public var config: ADRTrainerConfig

    public init(features: ADRFeatureConfig = ADRFeatureConfig(), config: ADRTrainerConfig = ADRTrainerConfig()) {
        self.features = features
        self.config = config
    }

    /// Trains on all `examples`, picking the threshold from inner out-of-fold scores.
    public func train(examples: [ADRExample], provenance: ADRProvenance? = nil) -> ADRModel {
        let vectors = vectorize(examples)
        return train(examples: examples, vectors: vectors, provenance: provenance)
    }

    func vectorize(_ examples: [ADRExample]) -> [ADRFeatureVector] {
        let extractor = ADRFeatureExtractor(config: features)
        return examples.map { extractor.extract($0.input) }
    }

    func train(examples: [ADRExample], vectors: [ADRFeatureVector], provenance: ADRProvenance?) -> ADRModel {
        let labels = examples.map(\.label)
        // Threshold from out-of-fold probabilities on the training examples only.
        var threshold = 0.5
        if config.thresholdFolds >= 2 {
            let folds = ADRFolds.assign(groups: ADRExample.groupKeys(examples), folds: config.thresholdFolds, seed: config.seed)
            var scores = [Double](repeating: 0, count: examples.count)
            for k in 0..<config.thresholdFolds {
                let trainIdx = folds.indices.filter { folds[$0] != k }
                let testIdx = folds.indices.filter { folds[$0] == k }
                if trainIdx.isEmpty || testIdx.isEmpty { continue }
                let (w, b) = fit(vectors: trainIdx.map { vectors[$0] }, labels: trainIdx.map { labels[$0] })
                for i in testIdx { scores[i] = ADRModel.sigmoid(ADRModel.dot(vectors[i], w, b, mask: mask)) }
            }
            threshold = ADRMetrics.bestF1Threshold(scores: scores, labels: labels)
        }
        let (w, b) = fit(vectors: vectors, labels: labels)
        let gazetteer = ADRGazetteer.learn(from: examples)
        var prov = provenance ?? ADRProvenance()
        prov.sentences = examples.count
        prov.positives = labels.filter { $0 }.count
        prov.groups = Set(ADRExample.groupKeys(examples)).count
        prov.seed = config.seed
        return ADRModel(features: features, training: config, weights: w, bias: b, threshold: threshold,
                        provenance: prov, crossValidation: nil, gazetteer: gazetteer)
    }

    var mask: Int { (1 << features.hashBits) - 1 }

    /// Fits weights (dense over 2^hashBits buckets, Float after pruning) and the bias.
    func fit(vectors: [ADRFeatureVector], labels: [Bool]) -> ([Float], Double) {
        let buckets = 1 << features.hashBits
        let mask = buckets - 1
        // Compact column space: only buckets that occur get a variable.
        var column = [Int32](repeating: -1, count: buckets)
        var used: [Int] = []
        var rowStart: [Int] = [0]
        var cols: [Int32] = []
        var vals: [Float] = []
        for v in vectors {
            // Merge ids sharing a bucket so each row has one entry per column.
            var entries: [(Int32, Float)] = []
            entries.reserveCapacity(v.ids.count)
            for (id, x) in zip(v.ids, v.values) {
                let bucket = Int(id & UInt64(mask))
                if column[bucket] < 0 { column[bucket] = Int32(used.count); used.append(bucket) }
                entries.append((column[bucket], Float(x)))
            }
            entries.sort { $0.0 < $1.0 }
            var j = 0
            while j < entries.count {
                var sum = entries[j].1
                var k = j + 1
                while k < entries.count, entries[k].0 == entries[j].0 { sum += entries[k].1; k += 1 }
                cols.append(entries[j].0)
                vals.append(sum)
                j = k
            }
            rowStart.append(cols.count)
        }
        let n = vectors.count
        let d = used.count
        let positives = labels.filter { $0 }.count
        var cPos = 1.0, cNeg = 1.0
        if config.classWeighting, positives > 0, positives < n {
            cPos = Double(n) / (2 * Double(positives))
            cNeg = Double(n) / (2 * Double(n - positives))
        }
        let sampleWeight = labels.map { $0 ? cPos : cNeg }
        let totalWeight = sampleWeight.reduce(0, +)
        let lambda = 1 / (config.c * totalWeight)
        var z = [Double](repeating: 0, count: n)
        let solver = LBFGS(memory: 8, maxIterations: config.maxIterations)
        let result = cols.withUnsafeBufferPointer { cp in
            vals.withUnsafeBufferPointer { vp in
                solver.minimize(x0: [Double](repeating: 0, count: d + 1)) { x, g in
                    let b = x[d]
                    var f = 0.0
                    for i in 0..<d { g[i] = lambda * x[i]; f += 0.5 * lambda * x[i] * x[i] }
                    var gb = 0.0
                    for r in 0..<n {
                        var s = b
                        for p in rowStart[r]..<rowStart[r + 1] { s += Double(vp[p]) * x[Int(cp[p])] }
                        z[r] = s
                        let y = labels[r]
                        let m = y ? s : -s
                        // log(1 + e^{−m}) computed stably.
                        let loss = m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m))
                        let w = sampleWeight[r] / totalWeight
                        f += w * loss
                        let p = ADRModel.sigmoid(s)
                        let coef = w * (p - (y ? 1 : 0))
                        gb += coef
                        for q in rowStart[r]..<rowStart[r + 1] { g[Int(cp[q])] += coef * Double(vp[q]) }
                    }
                    g[d] = gb
                    return f
                }
            }
        }
        var weights = [Float](repeating: 0, count: buckets)
        for (k, bucket) in used.enumerated() where abs(result.x[k]) >= config.pruneBelow {
            weights[bucket] = Float(result.x[k])
        }
        return (weights, result.x[d])
    }
}

extension ADRExample {
    /// Group keys for fold assignment; a sentence without a group is its own group.
    static func groupKeys(_ examples: [ADRExample]) -> [String] {
        examples.enumerated().map { i, e in e.group.map { "g:" + $0 } ?? "#\(i)" }
    }
}
