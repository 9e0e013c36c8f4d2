import Foundation
import NoteMinerModel

/// Where a model came from; written into the model file.
public struct ADRProvenance: Sendable, Hashable {
    /// The training file as the user named it (a path or a corpus name), never its contents.
    public var data: String = ""
    public var sentences = 0
    public var positives = 0
    public var groups = 0
    /// Passed in by the caller (no clock inside the library), e.g. "2026-11-24".
    public var trainedOn: String = ""
    public var seed: UInt64 = 1
    public var tool: String = ""

    public init(data: String = "", trainedOn: String = "", tool: String = "") {
        self.data = data
        self.trainedOn = trainedOn
        self.tool = tool
    }
}

/// One feature's share of the logit: weight × value.
public struct ADRContribution: Sendable, Hashable {
    public var feature: String
    public var value: Double
}

public struct ADRPrediction: Sendable {
    public var probability: Double
    public var logit: Double
    public var isADR: Bool
    public var bias: Double
    /// Every feature with a non-zero weight, in the order the model sums them:
    /// `logit == contributions.reduce(bias) { $0 + $1.value }` holds exactly. Empty when `predict` was asked
    /// not to explain (naming features costs about as much as scoring); only the top few of a flagged sentence
    /// from `predict(_:explainTop:)`.
    public var contributions: [ADRContribution]
    /// Drug–effect pairs; filled for sentences classified as ADR.
    public var pairs: [ADRPair]

    /// The `k` largest contributions by magnitude (ties by name), for display.
    public func topContributions(_ k: Int) -> [ADRContribution] {
        Array(contributions.sorted { abs($0.value) != abs($1.value) ? abs($0.value) > abs($1.value) : $0.feature < $1.feature }.prefix(k))
    }
}

/// A trained ADR sentence classifier: L2 logistic regression over hashed features, a decision threshold, a
/// gazetteer of drug and effect strings learned from the training pairs, and its provenance.
public struct ADRModel: Sendable {
    public static let format = "noteminer-model"
    public static let formatVersion = 1
    public static let architecture = "noteminer.adr.logreg.v1"
    public static let hashName = "fnv1a64"

    public var features: ADRFeatureConfig
    public var training: ADRTrainerConfig
    /// Dense over 2^hashBits buckets.
    var weights: [Float]
    public var bias: Double
    public var threshold: Double
    public var provenance: ADRProvenance
    public var crossValidation: ADRCVReport?
    var gazetteer: ADRGazetteer

    init(features: ADRFeatureConfig, training: ADRTrainerConfig, weights: [Float], bias: Double, threshold: Double,
         provenance: ADRProvenance, crossValidation: ADRCVReport?, gazetteer: ADRGazetteer) {
        self.features = features
        self.training = training
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self.provenance = provenance
        self.crossValidation = crossValidation
        self.gazetteer = gazetteer
    }

    public var nonZeroWeights: Int { weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    @inline(__always)
    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }

    /// bias + Σ weight[bucket(id)] × value, summed in vector order.
    ///
    /// Without a branch on the weight: a zero weight adds a zero, which leaves the sum exactly as it was (values
    /// are finite), so the sum is the one over non-zero weights that explanations list. Most weight loads miss the
    /// cache, and a branch waiting on each, mispredicted wherever unseen n-grams (zero weights) mix with seen ones,
    /// threw away the loads issued after it.
    static func dot(_ v: ADRFeatureVector, _ w: [Float], _ bias: Double, mask: Int) -> Double {
        var s = bias
        w.withUnsafeBufferPointer { wp in
            for (id, x) in zip(v.ids, v.values) { s += Double(wp[Int(id & UInt64(mask))]) * x }
        }
        return s
    }

    var mask: Int { (1 << features.hashBits) - 1 }

    /// The logit alone: the fast path for batch scoring.
    public func logit(_ input: ADRSentenceInput) -> Double {
        ADRModel.dot(ADRFeatureExtractor(config: features).extract(input, gazetteer: gazetteer), weights, bias, mask: mask)
    }

    func logit(vector: ADRFeatureVector) -> Double { ADRModel.dot(vector, weights, bias, mask: mask) }

    /// Probability, decision, the faithful explanation, and (when flagged) drug–effect pairs.
    public func predict(_ input: ADRSentenceInput, explain: Bool = true) -> ADRPrediction {
        predict(input, explanation: explain ? .all : .none)
    }

    /// Like `predict(_:explain: true)` but explains only a flagged sentence, and names only its `k` largest
    /// contributions (what `topContributions(k)` returns): all a batch run shows, at a fraction of the cost.
    /// `flaggedOnly` false: every sentence gets its top `k` named (what `classify --top k` lists).
    public func predict(_ input: ADRSentenceInput, explainTop k: Int, flaggedOnly: Bool = true) -> ADRPrediction {
        var scratch = ADRScratch()
        return predict(input, explainTop: k, flaggedOnly: flaggedOnly, scratch: &scratch)
    }

    /// The same, with buffers reused from the last sentence scored with `scratch` (the same result).
    public func predict(_ input: ADRSentenceInput, explainTop k: Int, flaggedOnly: Bool = true, scratch: inout ADRScratch) -> ADRPrediction {
        predict(input, explanation: k <= 0 ? .none : .top(k, flaggedOnly: flaggedOnly), scratch: &scratch)
    }

    private enum Explanation { case none, all, top(Int, flaggedOnly: Bool) }

    private func predict(_ input: ADRSentenceInput, explanation: Explanation) -> ADRPrediction {
        var scratch = ADRScratch()
        return predict(input, explanation: explanation, scratch: &scratch)
    }

    private func predict(_ input: ADRSentenceInput, explanation: Explanation, scratch: inout ADRScratch) -> ADRPrediction {
        let input = input.bounded()
        var text = input.text
        return text.withUTF8 { bytes in
            ADRText.tokenize(bytes, into: &scratch.tokens)
            let tokens = scratch.tokens
            let extractor = ADRFeatureExtractor(config: features)
            var names = ADRFeatureNames()
            if case .all = explanation {
                withUnsafeMutablePointer(to: &names) {
                    extractor.extract(bytes: bytes, tokens: tokens, input: input, gazetteer: gazetteer, names: $0,
                                      into: &scratch.vector, buffers: &scratch.buffers)
                }
            } else {
                extractor.extract(bytes: bytes, tokens: tokens, input: input, gazetteer: gazetteer, names: nil,
                                  into: &scratch.vector, buffers: &scratch.buffers)
            }
            let vector = scratch.vector
            // The logit in vector order, as `dot` sums it (the contributions below sum to it exactly).
            let z = ADRModel.dot(vector, weights, bias, mask: mask)
            let p = ADRModel.sigmoid(z)
            let flagged = p >= threshold
            // Contributions are listed only when they will be shown.
            var contributions: [ADRContribution] = []
            switch explanation {
            case .none:
                break
            case .all:
                contributions = contributionsByID(vector).map {
                    ADRContribution(feature: names.map[$0.id] ?? String($0.id, radix: 16), value: $0.value)
                }
            case .top(_, let flaggedOnly) where flaggedOnly && !flagged:
                break
            case .top(let k, _):
                // Candidates: every contribution at least as large as the k-th largest, so ties broken by name in
                // `topContributions` see all of them; each is named from where it first occurred in the sentence.
                let byID = contributionsByID(vector)
                let cut = ADRModel.kthLargestMagnitude(byID, k)
                // Read once: `scratch.buffers` inside the closure copied the buffers (a dozen arrays retained and
                // released) for every contribution named.
                let buffers = scratch.buffers
                contributions = byID.filter { abs($0.value) >= cut }.map {
                    let name = ADRFeatureExtractor.name(at: $0.index, of: vector, bytes: bytes, tokens: tokens, buffers: buffers)
                    return ADRContribution(feature: name ?? String($0.id, radix: 16), value: $0.value)
                }
            }
            let pairs = !flagged ? [] : vector.analysis?.pairs(bytes: bytes, tokens: tokens) ?? ADRPairExtractor(gazetteer: gazetteer).pairs(bytes: bytes, tokens: tokens, input: input)
            var prediction = ADRPrediction(probability: p, logit: z, isADR: flagged, bias: bias, contributions: contributions, pairs: pairs)
            if case .top(let k, _) = explanation { prediction.contributions = prediction.topContributions(k) }
            return prediction
        }
    }

    /// Every non-zero weight's contribution, in vector order.
    private func contributionsByID(_ vector: ADRFeatureVector) -> [(id: UInt64, value: Double, index: Int)] {
        var out: [(id: UInt64, value: Double, index: Int)] = []
        out.reserveCapacity(vector.ids.count)  // grown by appends, it was reallocated several times per sentence
        weights.withUnsafeBufferPointer { wp in
            for (i, (id, x)) in zip(vector.ids, vector.values).enumerated() {
                let weight = wp[Int(id & UInt64(mask))]
                if weight != 0 { out.append((id, Double(weight) * x, i)) }
            }
        }
        return out
    }

    /// The k-th largest |value| (infinity when there is none): a running top-k instead of sorting every one.
    static func kthLargestMagnitude(_ items: [(id: UInt64, value: Double, index: Int)], _ k: Int) -> Double {
        guard k > 0, !items.isEmpty else { return .infinity }
        var top: [Double] = []  // descending, at most k
        top.reserveCapacity(k + 1)
        for item in items {
            let m = abs(item.value)
            if top.count == k, m <= top[k - 1] { continue }
            var i = top.count
            while i > 0, top[i - 1] < m { i -= 1 }
            top.insert(m, at: i)
            if top.count > k { top.removeLast() }
        }
        return top[top.count - 1]
    }

    /// Pairs for a sentence regardless of its classification (for evaluation of the extractor alone).
    public func extractPairs(_ input: ADRSentenceInput) -> [ADRPair] {
        let input = input.bounded()
        var text = input.text
        return text.withUTF8 { bytes in
            ADRPairExtractor(gazetteer: gazetteer).pairs(bytes: bytes, tokens: ADRText.tokenize(bytes), input: input)
        }
    }
}
