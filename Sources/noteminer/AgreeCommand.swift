import ArgumentParser
import Foundation
import NoteMinerAnnotations
import NoteMinerPipeline

struct AgreeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agree",
        abstract: "Inter-annotator agreement: span F1 (strict and lenient) and Cohen's kappa per ConText attribute.",
        discussion: """
            A is the reference for precision and recall (they swap with B as the reference; F1 does not change).
            Spans are matched as in `eval mentions` (one-to-one, greedy by overlap, then position). For each
            attribute, Cohen's kappa = (po - pe) / (1 - pe) over the strict matches, with po the observed
            agreement and pe = pA·pB + (1-pA)(1-pB) from each annotator's share of spans marked; null when pe = 1.

            Example:
              noteminer agree annotator-a/ annotator-b/ --format text
            """
    )

    @Argument(help: ArgumentHelp("Annotator A's files.", valueName: "a")) var a: String
    @Argument(help: ArgumentHelp("Annotator B's files.", valueName: "b")) var b: String
    @Option(name: .customLong("a-format"), help: "A's format (default: detected).") var aFormat: AnnotationFormat?
    @Option(name: .customLong("b-format"), help: "B's format (default: detected).") var bFormat: AnnotationFormat?
    @Option(help: "Output: json (one object) or text (tables).") var format: ReportFormat = .json

    func run() async throws {
        try await runMappingErrors {
            let x = try readAnnotations(a, format: aFormat)
            let y = try readAnnotations(b, format: bFormat)
            let evaluation: MentionEvaluation
            do {
                evaluation = try MentionEvaluation(reference: x, other: y, key: annotationKey)
            } catch let e as AnnotationError {
                throw CLIError.setup("note '\(e.file)': \(e.reason)")
            }
            let out = OutputSink.standardOutput()
            switch format {
            case .json: out.write(EvaluationReport.agreementJSON(evaluation))
            case .text: out.write(EvaluationReport.agreementText(evaluation))
            }
            out.flush()
        }
    }
}
