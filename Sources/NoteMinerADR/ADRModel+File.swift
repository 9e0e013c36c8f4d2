import Foundation
import NoteMinerModel

/// The model file: one JSON object, self-describing so a reader needs nothing else.
///
/// ```
/// {"format":"noteminer-model","format_version":1,"architecture":"noteminer.adr.logreg.v1","hash":"fnv1a64",
///  "features":{...ADRFeatureConfig...},"training":{...ADRTrainerConfig...},
///  "provenance":{"data","sentences","positives","groups","trained_on","seed","tool"},
///  "cross_validation":null | {"folds","seed","mean":{metric: x},"sd":{metric: x},"per_fold":[{...}]},
///  "bias":x,"threshold":x,
///  "weights":{"encoding":"sparse-le-base64","buckets":2^bits,"count":n,
///             "indices":base64(UInt32 LE, ascending),"values":base64(Float32 LE)},
///  "gazetteer":{"drugs":[...],"effects":[...]}}
/// ```
/// Weights are binary (base64) because a million decimal numbers would make a 10+ MB file that loads
/// slowly and diffs meaninglessly anyway; everything a reviewer reads stays plain JSON. Bias and threshold
/// are written with Swift's shortest round-trip form, so a saved model predicts bit-identically after loading.
extension ADRModel {
    public func save(path: String) throws {
        var w = JSONWriter(reserving: 1 << 20)
        w.beginObject()
        w.field("format", ADRModel.format)
        w.field("format_version", ADRModel.formatVersion)
        w.field("architecture", ADRModel.architecture)
        w.field("hash", ADRModel.hashName)
        w.key("features")
        w.beginObject()
        w.field("hash_bits", features.hashBits)
        w.key("word_ngrams"); w.beginArray(); w.int(features.wordMinN); w.int(features.wordMaxN); w.endArray()
        w.key("char_ngrams"); w.beginArray(); w.int(features.charMinN); w.int(features.charMaxN); w.endArray()
        w.field("sublinear_tf", features.sublinearTF)
        exact(&w, "word_scale", features.wordScale)
        exact(&w, "char_scale", features.charScale)
        exact(&w, "cue_scale", features.cueScale)
        exact(&w, "lexicon_scale", features.lexiconScale)
        w.endObject()
        w.key("training")
        w.beginObject()
        exact(&w, "c", training.c)
        w.field("class_weighting", training.classWeighting)
        w.field("max_iterations", training.maxIterations)
        w.field("threshold_folds", training.thresholdFolds)
        w.key("seed"); w.raw(String(training.seed).utf8)
        exact(&w, "prune_below", training.pruneBelow)
        w.endObject()
        w.key("provenance")
        w.beginObject()
        w.field("data", provenance.data)
        w.field("sentences", provenance.sentences)
        w.field("positives", provenance.positives)
        w.field("groups", provenance.groups)
        w.field("trained_on", provenance.trainedOn)
        w.key("seed"); w.raw(String(provenance.seed).utf8)
        w.field("tool", provenance.tool)
        w.endObject()
        w.key("cross_validation")
        if let cv = crossValidation { ADRModel.writeCV(&w, cv) } else { w.null() }
        exact(&w, "bias", bias)
        exact(&w, "threshold", threshold)
        var indices = Data()
        var values = Data()
        var count = 0
        for (i, x) in weights.enumerated() where x != 0 {
            withUnsafeBytes(of: UInt32(i).littleEndian) { indices.append(contentsOf: $0) }
            withUnsafeBytes(of: x.bitPattern.littleEndian) { values.append(contentsOf: $0) }
            count += 1
        }
        w.key("weights")
        w.beginObject()
        w.field("encoding", "sparse-le-base64")
        w.field("buckets", weights.count)
        w.field("count", count)
        w.field("indices", indices.base64EncodedString())
        w.field("values", values.base64EncodedString())
        w.endObject()
        w.key("gazetteer")
        w.beginObject()
        w.key("drugs"); w.beginArray(); for s in gazetteer.drugs { w.string(s) }; w.endArray()
        w.key("effects"); w.beginArray(); for s in gazetteer.effects { w.string(s) }; w.endArray()
        w.endObject()
        w.endObject()
        w.newline()
        do {
            try Data(w.bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw DataFileError(file: path, message: "cannot write model: \(error.localizedDescription)")
        }
    }

    private func exact(_ w: inout JSONWriter, _ key: String, _ v: Double) {
        w.key(key)
        w.raw((v.isFinite ? "\(v)" : "0").utf8)
    }

    static func writeCV(_ w: inout JSONWriter, _ cv: ADRCVReport) {
        if cv.perFold.isEmpty, let stored = cv.storedJSON { w.raw(stored.utf8); return }
        w.beginObject()
        w.field("folds", cv.folds)
        w.key("seed"); w.raw(String(cv.seed).utf8)
        w.key("mean"); w.beginObject()
        for (name, f) in ADRCVReport.metricNames { w.field(name, cv.summary(f).mean, digits: 4) }
        w.endObject()
        w.key("sd"); w.beginObject()
        for (name, f) in ADRCVReport.metricNames { w.field(name, cv.summary(f).sd, digits: 4) }
        w.endObject()
        w.key("per_fold"); w.beginArray()
        for m in cv.perFold {
            w.beginObject()
            w.field("sentences", m.sentences)
            for (name, f) in ADRCVReport.metricNames { w.field(name, f(m), digits: 4) }
            w.field("threshold", m.threshold, digits: 4)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// Loads a model file, refusing formats, versions, architectures and hashes it does not know.
    public static func load(path: String) throws -> ADRModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError(file: path, message: "cannot read model file")
        }
        func fail(_ m: String) -> DataFileError { DataFileError(file: path, message: m) }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        guard root["format"] as? String == format else { throw fail("not a NoteMiner model file (format must be \"\(format)\")") }
        guard let version = (root["format_version"] as? NSNumber)?.intValue, version == formatVersion else {
            throw fail("unsupported format_version \(root["format_version"] ?? "missing"); this build reads \(formatVersion)")
        }
        guard root["architecture"] as? String == architecture else {
            throw fail("unsupported architecture \(root["architecture"] ?? "missing"); this build reads \(architecture)")
        }
        guard root["hash"] as? String == hashName else { throw fail("unsupported feature hash; this build uses \(hashName)") }
        func object(_ o: [String: Any], _ k: String) throws -> [String: Any] {
            guard let v = o[k] as? [String: Any] else { throw fail("missing object '\(k)'") }
            return v
        }
        func number(_ o: [String: Any], _ k: String) throws -> Double {
            guard let v = o[k] as? NSNumber else { throw fail("missing number '\(k)'") }
            return v.doubleValue
        }
        func int(_ o: [String: Any], _ k: String) throws -> Int { Int(try number(o, k)) }
        func bool(_ o: [String: Any], _ k: String) throws -> Bool {
            guard let v = o[k] as? Bool else { throw fail("missing boolean '\(k)'") }
            return v
        }
        func pair(_ o: [String: Any], _ k: String) throws -> (Int, Int) {
            guard let a = o[k] as? [NSNumber], a.count == 2 else { throw fail("'\(k)' must be [min, max]") }
            return (a[0].intValue, a[1].intValue)
        }
        let f = try object(root, "features")
        var features = ADRFeatureConfig()
        features.hashBits = try int(f, "hash_bits")
        guard (10...26).contains(features.hashBits) else { throw fail("hash_bits out of range") }
        (features.wordMinN, features.wordMaxN) = try pair(f, "word_ngrams")
        (features.charMinN, features.charMaxN) = try pair(f, "char_ngrams")
        features.sublinearTF = try bool(f, "sublinear_tf")
        features.wordScale = try number(f, "word_scale")
        features.charScale = try number(f, "char_scale")
        features.cueScale = try number(f, "cue_scale")
        features.lexiconScale = try number(f, "lexicon_scale")
        let t = try object(root, "training")
        var training = ADRTrainerConfig()
        training.c = try number(t, "c")
        training.classWeighting = try bool(t, "class_weighting")
        training.maxIterations = try int(t, "max_iterations")
        training.thresholdFolds = try int(t, "threshold_folds")
        training.seed = (t["seed"] as? NSNumber)?.uint64Value ?? 1
        training.pruneBelow = try number(t, "prune_below")
        let p = try object(root, "provenance")
        var prov = ADRProvenance(data: p["data"] as? String ?? "", trainedOn: p["trained_on"] as? String ?? "",
                                 tool: p["tool"] as? String ?? "")
        prov.sentences = (p["sentences"] as? NSNumber)?.intValue ?? 0
        prov.positives = (p["positives"] as? NSNumber)?.intValue ?? 0
        prov.groups = (p["groups"] as? NSNumber)?.intValue ?? 0
        prov.seed = (p["seed"] as? NSNumber)?.uint64Value ?? 1
        let wt = try object(root, "weights")
        guard wt["encoding"] as? String == "sparse-le-base64" else { throw fail("unsupported weights encoding") }
        let buckets = try int(wt, "buckets")
        guard buckets == 1 << features.hashBits else { throw fail("weights.buckets does not match hash_bits") }
        let count = try int(wt, "count")
        guard let idx = Data(base64Encoded: wt["indices"] as? String ?? ""), let val = Data(base64Encoded: wt["values"] as? String ?? ""),
              idx.count == 4 * count, val.count == 4 * count else {
            throw fail("weights.indices/values are not \(count) base64-encoded 32-bit numbers")
        }
        var weights = [Float](repeating: 0, count: buckets)
        var bad = false
        idx.withUnsafeBytes { ib in
            val.withUnsafeBytes { vb in
                for k in 0..<count {
                    let i = Int(UInt32(littleEndian: ib.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
                    let v = Float(bitPattern: UInt32(littleEndian: vb.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
                    if i >= buckets || !v.isFinite { bad = true; return }
                    weights[i] = v
                }
            }
        }
        if bad { throw fail("weights contain an out-of-range index or a non-finite value") }
        let g = try object(root, "gazetteer")
        let gazetteer = ADRGazetteer(drugs: g["drugs"] as? [String] ?? [], effects: g["effects"] as? [String] ?? [])
        let bias = try number(root, "bias")
        let threshold = try number(root, "threshold")
        return ADRModel(features: features, training: training, weights: weights, bias: bias, threshold: threshold,
                        provenance: prov, crossValidation: root["cross_validation"].flatMap(cvFromJSON), gazetteer: gazetteer)
    }

    /// Per-fold figures are kept as they were written; counts are not (they are not needed after training).
    private static func cvFromJSON(_ any: Any) -> ADRCVReport? {
        guard let o = any as? [String: Any], let folds = (o["folds"] as? NSNumber)?.intValue else { return nil }
        var report = ADRCVReport(folds: folds, seed: (o["seed"] as? NSNumber)?.uint64Value ?? 0, perFold: [])
        if let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]) {
            report.storedJSON = String(decoding: data, as: UTF8.self)
        }
        return report
    }
}
