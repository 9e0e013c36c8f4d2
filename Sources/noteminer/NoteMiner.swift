import ArgumentParser

/// The CLI is a thin layer: each subcommand parses arguments, calls the library, and maps errors to exit codes.
@main
struct NoteMinerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noteminer",
        abstract: "Clinical NLP batch tool: evidence-backed findings from clinical notes.",
        discussion: """
            Examples:
              noteminer tokenize Corpora/ --format text
              noteminer tokenize notes.jsonl --stats
              noteminer extract Corpora/discharge_summary.txt
              noteminer eval context ../shared/corpora/context-kit/dev.tsv
              noteminer export Corpora/ --format brat --out corpus-brat
              noteminer eval mentions --gold corpus-brat --pred pred.jsonl --format text
            """,
        version: NoteMinerVersion.string,
        subcommands: [TokenizeCommand.self, ExtractCommand.self, RunCommand.self, ProfileCommand.self, StreamCommand.self, TrainCommand.self, ClassifyCommand.self, EvalCommand.self, ExportCommand.self, ImportCommand.self, AgreeCommand.self]
    )

    static func main() async {
        HugePages.reexecIfUseful()
        await main(nil)
    }
}

enum NoteMinerVersion {
    static let string = "0.1.0"
}

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate NoteMiner against gold data.",
        subcommands: [EvalContextCommand.self, EvalADRCommand.self, EvalMentionsCommand.self]
    )
}

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from labelled data.",
        subcommands: [TrainADRCommand.self]
    )
}
