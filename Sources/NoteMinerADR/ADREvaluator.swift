import NoteMinerModel

/// Scores a model on labelled sentences: sentence P/R/F1/AUC at the model's threshold, and end-to-end pair
/// P/R/F1 (pairs predicted only in flagged sentences, compared with the gold pairs of every sentence).
public struct ADREvaluator: Sendable {
    public let model: ADRModel

    public init(model: ADRModel) { self.model = model }

    public func evaluate(_ examples: [ADRExample]) -> ADRMetrics {
        let extractor = ADRFeatureExtractor(config: model.features)
        return evaluate(examples, vectors: examples.map { extractor.extract($0.input) })
    }

    func evaluate(_ examples: [ADRExample], vectors: [ADRFeatureVector]) -> ADRMetrics {
        var m = ADRMetrics()
        m.threshold = model.threshold
        var scores: [Double] = []
        scores.reserveCapacity(examples.count)
        for (e, v) in zip(examples, vectors) {
            let p = ADRModel.sigmoid(model.logit(vector: v))
            scores.append(p)
            let flagged = p >= model.threshold
            m.addSentence(predicted: flagged, gold: e.label)
            m.addPairs(predicted: flagged ? model.extractPairs(e.input) : [], gold: e.pairs)
        }
        m.auc = ADRMetrics.rocAUC(scores: scores, labels: examples.map(\.label))
        return m
    }

    /// The `eval adr` object: `{"sentences","precision","recall","f1","auc","threshold",
    /// "confusion":{"tp","fp","fn","tn"},"pairs":{"precision","recall","f1"}}`; `pairs` is null when the data
    /// has no gold pairs.
    public static func json(_ m: ADRMetrics, scorePairs: Bool) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("sentences", m.sentences)
        w.field("precision", m.precision, digits: 4)
        w.field("recall", m.recall, digits: 4)
        w.field("f1", m.f1, digits: 4)
        w.field("auc", m.auc, digits: 4)
        w.field("threshold", m.threshold, digits: 4)
        w.key("confusion")
        w.beginObject()
        w.field("tp", m.tp); w.field("fp", m.fp); w.field("fn", m.fn); w.field("tn", m.tn)
        w.endObject()
        w.key("pairs")
        if scorePairs {
            w.beginObject()
            w.field("precision", m.pairPrecision, digits: 4)
            w.field("recall", m.pairRecall, digits: 4)
            w.field("f1", m.pairF1, digits: 4)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
