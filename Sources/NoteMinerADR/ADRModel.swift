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
    /// `logit == contributions.reduce(bias) { $0 + $1.value }` holds exactly.
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
    static func dot(_ v: ADRFeatureVector, _ w: [Float], _ bias: Double, mask: Int) -> Double {
        var s = bias
        w.withUnsafeBufferPointer { wp in
            for (id, x) in zip(v.ids, v.values) {
                let weight = wp[Int(id & UInt64(mask))]
                if weight != 0 { s += Double(weight) * x }
            }
        }
        return s
    }

    var mask: Int { (1 << features.hashBits) - 1 }

    /// The logit alone: the fast path for batch scoring.
    public func logit(_ input: ADRSentenceInput) -> Double {
        ADRModel.dot(ADRFeatureExtractor(config: features).extract(input), weights, bias, mask: mask)
    }

    func logit(vector: ADRFeatureVector) -> Double { ADRModel.dot(vector, weights, bias, mask: mask) }

    /// Probability, decision, the faithful explanation, and (when flagged) drug–effect pairs.
    public func predict(_ input: ADRSentenceInput, explain: Bool = true) -> ADRPrediction {
        var text = input.text
        return text.withUTF8 { bytes in
            let tokens = ADRText.tokenize(bytes)
            let extractor = ADRFeatureExtractor(config: features)
            var names: [UInt64: String] = [:]
            let vector: ADRFeatureVector
            if explain {
                vector = withUnsafeMutablePointer(to: &names) { extractor.extract(bytes: bytes, tokens: tokens, input: input, names: $0) }
            } else {
                vector = extractor.extract(bytes: bytes, tokens: tokens, input: input, names: nil)
            }
            var contributions: [ADRContribution] = []
            var z = bias
            weights.withUnsafeBufferPointer { wp in
                for (id, x) in zip(vector.ids, vector.values) {
                    let weight = wp[Int(id & UInt64(mask))]
                    guard weight != 0 else { continue }
                    let c = Double(weight) * x
                    z += c
                    if explain { contributions.append(ADRContribution(feature: names[id] ?? String(id, radix: 16), value: c)) }
                }
            }
            let p = ADRModel.sigmoid(z)
            let flagged = p >= threshold
            let pairs = flagged ? ADRPairExtractor(gazetteer: gazetteer).pairs(bytes: bytes, tokens: tokens, input: input) : []
            return ADRPrediction(probability: p, logit: z, isADR: flagged, bias: bias, contributions: contributions, pairs: pairs)
        }
    }

    /// Pairs for a sentence regardless of its classification (for evaluation of the extractor alone).
    public func extractPairs(_ input: ADRSentenceInput) -> [ADRPair] {
        var text = input.text
        return text.withUTF8 { bytes in
            ADRPairExtractor(gazetteer: gazetteer).pairs(bytes: bytes, tokens: ADRText.tokenize(bytes), input: input)
        }
    }
}
