import Foundation
import Testing
@testable import NoteMinerADR
import NoteMinerModel
import TestSupport

/// A small synthetic corpus: enough signal for a fast debug-build training run.
enum Synthetic {
    static let drugs = ["lisinopril", "warfarin", "amoxicillin", "metformin", "atorvastatin", "vancomycin", "clozapine", "heparin"]
    static let effects = ["cough", "bleeding", "rash", "diarrhea", "myalgia", "nephrotoxicity", "neutropenia", "thrombocytopenia"]
    static let indications = ["hypertension", "atrial fibrillation", "otitis media", "diabetes", "hyperlipidemia", "osteomyelitis", "schizophrenia", "embolism"]

    static func examples(count: Int = 160) -> [ADRExample] {
        var out: [ADRExample] = []
        for i in 0..<count {
            let d = drugs[i % drugs.count], e = effects[(i / 2) % effects.count], ind = indications[(i / 3) % indications.count]
            let group = "doc\(i / 4)"
            switch i % 4 {
            case 0: out.append(ADRExample(input: ADRSentenceInput(text: "\(d.capitalized)-induced \(e) in a \(40 + i % 30)-year-old."), label: true, group: group, pairs: [ADRPair(drug: d.capitalized, effect: e)]))
            case 1: out.append(ADRExample(input: ADRSentenceInput(text: "She developed \(e) after starting \(d)."), label: true, group: group, pairs: [ADRPair(drug: d, effect: e)]))
            case 2: out.append(ADRExample(input: ADRSentenceInput(text: "\(d.capitalized) was prescribed for \(ind)."), label: false, group: group))
            default: out.append(ADRExample(input: ADRSentenceInput(text: "The patient had \(ind) treated for \(i % 7 + 2) years."), label: false, group: group))
            }
        }
        return out
    }

    static func trainer() -> ADRTrainer {
        var f = ADRFeatureConfig()
        f.hashBits = 16
        var c = ADRTrainerConfig()
        c.maxIterations = 60
        c.gazetteerFolds = 2
        c.thresholdFolds = 2
        return ADRTrainer(features: f, config: c)
    }
}

@Suite struct ADRHashTests {
    @Test func fnv1a64KnownValues() {
        #expect(FNV1a64.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a64.hash("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func featureIdsAreStableAcrossRuns() {
        // Pinned so an accidental change to tokenization or hashing (which would silently break saved
        // models) fails here.
        let extractor = ADRFeatureExtractor(config: ADRFeatureConfig())
        let v = extractor.extract(ADRSentenceInput(text: "Rash"), gazetteer: nil)
        var h = FNV1a64()
        h.combine(UInt8(ascii: "c"))
        h.combine(" ra")
        #expect(v.ids.contains(h.value))
        var w = FNV1a64()
        w.combine(UInt8(ascii: "w"))
        w.combine(1)
        ADRFeatureExtractor.combine(&w, FNV1a64.hash("rash"))
        #expect(v.ids.contains(w.value))
    }
}

@Suite struct ADRModelTests {
    static let model: ADRModel = Synthetic.trainer().train(examples: Synthetic.examples())

    @Test func learnsTheSyntheticTask() {
        let m = ADRModelTests.model
        #expect(m.predict(ADRSentenceInput(text: "Vancomycin-induced rash in a 51-year-old.")).isADR)
        #expect(!m.predict(ADRSentenceInput(text: "Warfarin was prescribed for atrial fibrillation.")).isADR)
    }

    @Test func contributionsPlusBiasEqualTheLogitExactly() {
        let m = ADRModelTests.model
        for text in ["She developed rash after starting amoxicillin.", "Metformin was prescribed for diabetes.", "", "Émile took 3 tablets."] {
            let p = m.predict(ADRSentenceInput(text: text))
            #expect(p.contributions.reduce(p.bias) { $0 + $1.value } == p.logit)
            #expect(p.logit == m.logit(ADRSentenceInput(text: text)))
            #expect(!text.isEmpty ? !p.contributions.isEmpty : true)
        }
    }

    @Test func topExplanationEqualsTheTopOfTheFullOneAndOnlyForFlaggedSentences() {
        let m = ADRModelTests.model
        for e in Synthetic.examples(count: 60) {
            let full = m.predict(e.input)
            let top = m.predict(e.input, explainTop: 5)
            #expect(top.logit == full.logit)
            #expect(top.isADR == full.isADR)
            #expect(top.pairs == full.pairs)
            if full.isADR {
                #expect(top.contributions.map(\.feature) == full.topContributions(5).map(\.feature))
                #expect(top.contributions.map(\.value) == full.topContributions(5).map(\.value))
            } else {
                #expect(top.contributions.isEmpty)
            }
        }
    }

    /// Naming only the top features stops once each is named; repeated n-grams, digits, non-ASCII words and
    /// one-letter words must still get the names the full explanation gives them.
    @Test func topNamesEqualTheFullExplanationsForEverySentence() {
        let m = ADRModelTests.model
        let texts = [
            "Rash, rash and more rash after amoxicillin; the rash resolved when amoxicillin was stopped.",
            "Émile took 3 tablets of ibuprofen 400 mg and developed épistaxis 2 days later.",
            "a b c d e f g h i j k l m n o p",
            "Lisinopril-induced angioedema (ACE-inhibitor) → stopped lisinopril.",
            "",
        ]
        for text in texts {
            let full = m.predict(ADRSentenceInput(text: text))
            for k in [1, 3, 8, 40] {
                let top = m.predict(ADRSentenceInput(text: text), explainTop: k, flaggedOnly: false)
                #expect(top.contributions.map(\.feature) == full.topContributions(k).map(\.feature), "\(text) top \(k)")
                #expect(top.contributions.map(\.value) == full.topContributions(k).map(\.value))
            }
        }
    }

    /// One scratch reused from sentence to sentence (long after short after long, with repeated n-grams and
    /// mentions) must give each sentence exactly what a fresh prediction gives it; debug builds also check that
    /// no block writes more n-grams than its buffer was sized for.
    @Test func reusedScratchGivesTheSamePredictionsAsFreshOnes() {
        let m = ADRModelTests.model
        var inputs = Synthetic.examples(count: 40).map(\.input)
        inputs.insert(ADRSentenceInput(text: String(repeating: "Rash after amoxicillin, then more rash. ", count: 40)), at: 3)
        inputs.insert(ADRSentenceInput(text: ""), at: 5)
        // The most n-grams per byte the buffers are sized for: one-letter chunks, a sentence of them up to the
        // length limit, and multi-byte ones.
        inputs.insert(ADRSentenceInput(text: "a b c d e f g h i j k l m n o p"), at: 7)
        inputs.insert(ADRSentenceInput(text: String(repeating: "x ", count: 3000)), at: 8)
        inputs.insert(ADRSentenceInput(text: "é è ü 痛 ; , 1 2 rash"), at: 9)
        inputs.insert(ADRSentenceInput(text: "Nausea on metformin.", drugs: [ADRMention(utf8Begin: 10, utf8End: 19)],
                                       effects: [ADRMention(utf8Begin: 0, utf8End: 6)]), at: 6)
        var scratch = ADRScratch()
        for input in inputs + inputs.reversed() {
            let fresh = m.predict(input, explainTop: 8, flaggedOnly: false)
            let reused = m.predict(input, explainTop: 8, flaggedOnly: false, scratch: &scratch)
            #expect(reused.logit == fresh.logit && reused.probability == fresh.probability && reused.isADR == fresh.isADR)
            #expect(reused.pairs == fresh.pairs)
            #expect(reused.contributions.map(\.feature) == fresh.contributions.map(\.feature))
            #expect(reused.contributions.map(\.value) == fresh.contributions.map(\.value))
        }
    }

    @Test func longInputsAreReadUpToTheLimitAtASpace() {
        let unit = "lisinopril induced cough and rash after starting warfarin "
        let text = String(repeating: unit, count: 200_000 / unit.utf8.count)
        let drug = ADRMention(utf8Begin: 0, utf8End: 10)
        let late = ADRMention(utf8Begin: text.utf8.count - 20, utf8End: text.utf8.count - 15)
        let input = ADRSentenceInput(text: text, drugs: [drug, late])
        let b = input.bounded()
        #expect(b.text.utf8.count <= ADRSentenceInput.maxBytes)
        #expect(b.text.utf8.count > ADRSentenceInput.maxBytes - 256)
        #expect(text.hasPrefix(b.text))
        #expect(text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: b.text.utf8.count)] == UInt8(ascii: " "))
        #expect(b.drugs == [drug])
        // Every entry point reads the bounded input: the same score as the cut text (a run-on text of thousands of
        // mentions once cost minutes and gigabytes in pairing).
        let m = ADRModelTests.model
        #expect(m.predict(input).logit == m.predict(b).logit)
        #expect(m.logit(input) == m.logit(b))
        #expect(m.extractPairs(input) == m.extractPairs(b))
        let short = ADRSentenceInput(text: "Vancomycin-induced rash.", drugs: [ADRMention(utf8Begin: 0, utf8End: 10)])
        #expect(short.bounded() == short)
    }

    @Test func explanationNamesAreReadable() {
        let p = ADRModelTests.model.predict(ADRSentenceInput(text: "Clozapine-induced neutropenia in a 44-year-old."))
        let names = p.contributions.map(\.feature)
        #expect(names.contains("word:induced"))
        #expect(names.contains { $0.hasPrefix("char:") })
        #expect(names.contains("cue:-induced"))
    }

    @Test func saveLoadRoundTripGivesIdenticalPredictions() throws {
        let m = ADRModelTests.model
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("adr-roundtrip-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try m.save(path: path)
        let loaded = try ADRModel.load(path: path)
        #expect(loaded.bias == m.bias)
        #expect(loaded.threshold == m.threshold)
        #expect(loaded.weights == m.weights)
        for e in Synthetic.examples(count: 40) {
            #expect(loaded.predict(e.input).logit == m.predict(e.input).logit)
            #expect(loaded.predict(e.input).pairs == m.predict(e.input).pairs)
        }
        // Saving the loaded model reproduces the file byte for byte.
        let path2 = path + ".2"
        defer { try? FileManager.default.removeItem(atPath: path2) }
        try loaded.save(path: path2)
        #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: path2))
    }

    @Test func loaderRefusesUnknownVersions() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("adr-version-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ADRModelTests.model.save(path: path)
        let text = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
        for (from, to) in [("\"format_version\":1", "\"format_version\":2"),
                           ("noteminer.adr.logreg.v1", "noteminer.adr.logreg.v9"),
                           ("\"hash\":\"fnv1a64\"", "\"hash\":\"murmur3\"")] {
            try Data(text.replacingOccurrences(of: from, with: to).utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: DataFileError.self) { try ADRModel.load(path: path) }
        }
    }

    @Test func trainingIsDeterministicForASeed() throws {
        let a = Synthetic.trainer().train(examples: Synthetic.examples())
        let b = Synthetic.trainer().train(examples: Synthetic.examples())
        #expect(a.weights == b.weights)
        #expect(a.bias == b.bias)
        #expect(a.threshold == b.threshold)
    }
}

@Suite struct ADRCrossValidationTests {
    @Test func groupedFoldsNeverSplitAGroup() {
        let groups = (0..<500).map { "g\(($0 * 7919) % 61)" }
        for seed: UInt64 in [1, 2, 99] {
            let folds = ADRFolds.assign(groups: groups, folds: 5, seed: seed)
            var foldOf: [String: Int] = [:]
            for (g, f) in zip(groups, folds) {
                if let seen = foldOf[g] { #expect(seen == f) } else { foldOf[g] = f }
            }
            #expect(Set(folds) == Set(0..<5))
        }
        #expect(ADRFolds.assign(groups: groups, folds: 5, seed: 3) == ADRFolds.assign(groups: groups, folds: 5, seed: 3))
    }

    @Test func thresholdIsChosenWithoutTheTestFold() {
        // Flipping every label in one test fold must not move that fold's threshold: it is chosen from the
        // training folds' out-of-fold scores only.
        let examples = Synthetic.examples(count: 120)
        let cv = ADRCrossValidator(trainer: Synthetic.trainer())
        let a = cv.run(examples: examples, folds: 3, seed: 5)
        let folds = ADRFolds.assign(groups: ADRExample.groupKeys(examples), folds: 3, seed: 5)
        var flipped = examples
        for i in flipped.indices where folds[i] == 0 { flipped[i].label.toggle(); flipped[i].pairs = [] }
        let b = cv.run(examples: flipped, folds: 3, seed: 5)
        #expect(a.perFold[0].threshold == b.perFold[0].threshold)
        #expect(a.perFold[0].f1 != b.perFold[0].f1)
        #expect(a.perFold[1].threshold != b.perFold[1].threshold || a.perFold[2].threshold != b.perFold[2].threshold || a.perFold[1].f1 != b.perFold[1].f1)
    }

    @Test func aucAndThresholdHelpers() {
        #expect(ADRMetrics.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        let t = ADRMetrics.bestF1Threshold(scores: [0.9, 0.8, 0.3, 0.2], labels: [true, true, false, false])
        #expect(t > 0.3 && t < 0.8)
    }
}

@Suite struct ADRReaderTests {
    @Test func readsTheCorpusFormat() throws {
        let text = """
            {"pmid": "1", "text": "Azithromycin-induced ototoxicity.", "label": 1, "pairs": [{"effect": "ototoxicity", "drug": "azithromycin"}]}
            {"group": "n7", "text": "No rash on amoxicillin.", "label": 0}
            """
        let e = try ADRExampleReader.parse(text: text, path: "x.jsonl")
        #expect(e.count == 2)
        #expect(e[0].group == "1" && e[0].label && e[0].pairs == [ADRPair(drug: "azithromycin", effect: "ototoxicity")])
        #expect(e[1].group == "n7" && !e[1].label)
    }

    @Test func errorsNameTheLine() {
        let text = "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 2}\n"
        #expect(throws: DataFileError(file: "x.jsonl", line: 2, message: "'label' must be 0 or 1")) {
            try ADRExampleReader.parse(text: text, path: "x.jsonl")
        }
        #expect { try ADRExampleReader.parse(text: "{\"text\": \"a\", \"label\": 1, \"colour\": 3}", path: "y.jsonl") } throws: { error in
            (error as? DataFileError)?.line == 1
        }
    }
}

@Suite struct ADRFeatureSortTests {
    /// The feature counter gives every distinct id once, in order of first occurrence, with its count and the
    /// index of that occurrence: for
    /// typical sizes, with repeats, with ids that share their top or bottom bits, and reused with a smaller block
    /// after a bigger one (its table is cleared through the slots it used).
    @Test func hashCounterCountsInFirstOccurrenceOrder() {
        var rng = TestSupport.SplitMix64(seed: 7)
        var counter = HashCounter()
        for n in [0, 1, 2, 31, 32, 33, 200, 1000, 5000, 3, 0, 40] {
            var random = (0..<n).map { _ in rng.next() }
            random += random.prefix(n / 3)  // repeats, as repeated n-grams give
            let sameTop = (0..<n).map { _ in rng.next() >> 8 | 0xAB00_0000_0000_0000 }
            let sameLow = (0..<n).map { _ in rng.next() << 20 } + [0, 0]
            for a in [random, sameTop, sameLow] {
                var expectedOrder: [UInt64] = []
                var expectedCounts: [UInt64: Int] = [:]
                var expectedFirsts: [UInt64: Int] = [:]
                for (i, id) in a.enumerated() {
                    if expectedCounts[id] == nil { expectedOrder.append(id); expectedFirsts[id] = i }
                    expectedCounts[id, default: 0] += 1
                }
                let distinct = a.withUnsafeBufferPointer { counter.count($0) }
                var order: [UInt64] = []
                var counts: [UInt64: Int] = [:]
                var firsts: [UInt64: Int] = [:]
                counter.withDistinct { ids, distinct in
                    for (id, d) in zip(ids, distinct) { order.append(id); counts[id] = Int(d.count); firsts[id] = Int(d.first) }
                }
                #expect(distinct == expectedOrder.count, "n \(n)")
                #expect(order == expectedOrder, "n \(n)")
                #expect(counts == expectedCounts, "n \(n)")
                #expect(firsts == expectedFirsts, "n \(n)")
            }
        }
    }

    @Test func kthLargestMagnitudeEqualsSortedCut() {
        var rng = TestSupport.SplitMix64(seed: 11)
        for n in [1, 2, 5, 8, 9, 50] {
            let items = (0..<n).map { i in (id: UInt64(i), value: Double(Int(rng.next() % 21)) - 10, index: i) }
            for k in [1, 3, 8, 60] {
                let magnitudes = items.map { abs($0.value) }.sorted(by: >)
                #expect(ADRModel.kthLargestMagnitude(items, k) == magnitudes[min(k, n) - 1], "n \(n) k \(k)")
            }
        }
        #expect(ADRModel.kthLargestMagnitude([], 8) == .infinity)
    }
}
