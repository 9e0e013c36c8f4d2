import ArgumentParser
import Foundation
import NoteMinerADR

struct TrainADRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adr",
        abstract: "Train the adverse drug reaction sentence classifier from labelled JSON Lines.",
        discussion: """
            Input lines: {"text": ..., "label": 0|1, "group" or "pmid": optional document id,
            "pairs": optional [{"drug": ..., "effect": ...}]}.
            With --folds K, grouped K-fold cross-validation (a document never spans folds) is run first and its
            mean ± sd are printed and stored in the model file.

            Example:
              noteminer train adr ../shared/corpora/ade-corpus/train.jsonl --out Lexicons/models/adr.json --folds 5
            """
    )

    @Argument(help: "Labelled sentences (JSON Lines).") var input: String
    @Option(name: .long, help: "Where to write the model file.") var out: String
    @Option(name: .long, help: "Grouped cross-validation folds (0 = skip).") var folds: Int = 0
    @Option(name: .long, help: "Seed for fold assignment.") var seed: UInt64 = 1
    @Option(name: .customLong("c"), help: "Inverse L2 regularization strength.") var c: Double?
    @Option(name: .customLong("trained-on"), help: "Date recorded in the model's provenance (default: today, UTC).")
    var trainedOn: String?

    func validate() throws {
        if folds == 1 || folds < 0 { throw ValidationError("--folds must be 0 or at least 2") }
    }

    func run() async throws {
        let examples = try ADRExampleReader.load(path: input)
        guard examples.contains(where: { $0.label }), examples.contains(where: { !$0.label }) else {
            throw ValidationError("\(input): need both positive and negative examples")
        }
        var config = ADRTrainerConfig()
        config.seed = seed
        if let c { config.c = c }
        let trainer = ADRTrainer(config: config)
        let stderr = FileHandle.standardError
        var report: ADRCVReport?
        if folds >= 2 {
            let start = Date()
            let cv = ADRCrossValidator(trainer: trainer).run(examples: examples, folds: folds, seed: seed)
            report = cv
            var lines = "grouped \(folds)-fold cross-validation (seed \(seed)), \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n"
            for (name, f) in ADRCVReport.metricNames {
                let s = cv.summary(f)
                lines += "  \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(String(format: "%.4f ± %.4f", s.mean, s.sd))\n"
            }
            stderr.write(Data(lines.utf8))
        }
        let start = Date()
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let components = URL(fileURLWithPath: input).pathComponents.suffix(2)
        var provenance = ADRProvenance(data: components.joined(separator: "/"), trainedOn: trainedOn ?? formatter.string(from: Date()),
                                       tool: "noteminer \(NoteMinerVersion.string)")
        provenance.seed = seed
        var model = trainer.train(examples: examples, provenance: provenance)
        model.crossValidation = report
        try model.save(path: out)
        let summary = "trained on \(examples.count) sentences in \(String(format: "%.1f", Date().timeIntervalSince(start))) s; " +
            "\(model.nonZeroWeights) weights, threshold \(String(format: "%.4f", model.threshold)) → \(out)\n"
        stderr.write(Data(summary.utf8))
    }
}
