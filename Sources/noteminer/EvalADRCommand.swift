import ArgumentParser
import Foundation
import NoteMinerADR

struct EvalADRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adr",
        abstract: "Score the ADR classifier on labelled JSON Lines; prints one JSON object.",
        discussion: """
            Prints {"sentences","precision","recall","f1","auc","threshold","confusion":{"tp","fp","fn","tn"},
            "pairs":{"precision","recall","f1"}} ("pairs" is null when the file has no gold pairs). A predicted
            pair counts when both its drug and effect strings equal a gold pair's, ignoring case.

            Example:
              noteminer eval adr Corpora/adr_gold.jsonl
            """
    )

    @Argument(help: "Labelled sentences (JSON Lines).") var input: String
    @Option(name: .long, help: "Model file (default: Lexicons/models/adr.json).") var model: String?

    func run() async throws {
        let m = try ADRModel.load(path: model ?? LexiconLocator.defaultADRModel)
        let examples = try ADRExampleReader.load(path: input)
        let metrics = ADREvaluator(model: m).evaluate(examples)
        print(ADREvaluator.json(metrics, scorePairs: examples.contains { !$0.pairs.isEmpty }))
    }
}
