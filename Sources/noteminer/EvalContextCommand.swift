import ArgumentParser
import NoteMinerPipeline

struct EvalContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Score ConText assertions on a NegEx/ConText-kit TSV.",
        discussion: """
            The TSV has the header: id, concept, sentence, negation, temporality, experiencer. Each row's concept is
            found in its sentence (case and whitespace ignored), made the mention, and assessed with the sentence as
            one sentence. Prints one JSON line:
              {"rows", "negation", "historical", "hypothetical", "experiencer"}
            each with accuracy, precision, recall and f1 of the positive class (Negated; Historical;
            Not particular = hypothetical; any non-Patient experiencer). --errors first prints one JSON line per
            misclassified row with the evidence behind the prediction.

            Example:
              noteminer eval context ../shared/corpora/context-kit/dev.tsv --errors
            """
    )

    @Argument(help: "Kit TSV file.") var tsv: String
    @Flag(help: "List the misclassified rows before the summary.") var errors = false
    @Option(name: .customLong("lexicons"), help: ArgumentHelp("Folder with the data files (default: the Lexicons folder of this installation).", valueName: "dir"))
    var lexiconDirectory: String?

    func run() async throws {
        try await runMappingErrors {
            let directory: String
            do { directory = try ResourceLocator.lexiconDirectory(explicit: lexiconDirectory) } catch { throw CLIError.setup("\(error)") }
            let analyzer = try TextStageLoader.load(lexiconDirectory: directory)
            let engine = try ContextStageLoader.load(lexiconDirectory: directory, tokenizer: analyzer.tokenizer)
            let rows = try ContextEvaluation.loadRows(path: tsv)
            let evaluation = ContextEvaluation(rows: rows, analyzer: analyzer, engine: engine)
            let out = OutputSink.standardOutput()
            if errors { out.write(evaluation.errorLines()) }
            out.write(evaluation.summaryJSON())
            out.flush()
        }
    }
}
