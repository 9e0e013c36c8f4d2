import ArgumentParser
import Foundation
import NoteMinerAnnotations
import NoteMinerPipeline

enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case json, text }

struct EvalMentionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentions",
        abstract: "Score predicted mentions against gold: precision, recall, F1 (strict and lenient) and ConText attributes.",
        discussion: """
            strict: same begin, end and type. lenient: at least one shared code point and the same type.
            Both are one-to-one: qualifying pairs are taken greedily by overlap size (largest first), ties by
            gold begin, gold end, predicted begin, predicted end. A relation matches when its label is equal
            and its drug and effect spans are matched under the same mode. Attributes (accuracy, P/R/F1 with
            gold true as positive) are scored over strict matches. Notes are paired by id; a note on one side
            only counts all its spans as misses (gold) or false positives (pred). Scores with a zero
            denominator are null. --errors lists, per note: missed, spurious, boundary (lenient but not strict
            match), type (overlap with another type) and attribute (strict match, attributes differ).

            Inputs are brat folders, BioC .xml files or .jsonl files (or export folders holding one).

            Example:
              noteminer eval mentions --gold gold-brat --pred pred/annotations.jsonl --format text --errors
            """
    )

    @Option(help: ArgumentHelp("Gold annotations.", valueName: "path")) var gold: String
    @Option(help: ArgumentHelp("Predicted annotations.", valueName: "path")) var pred: String
    @Option(name: .customLong("gold-format"), help: "Gold format (default: detected).") var goldFormat: AnnotationFormat?
    @Option(name: .customLong("pred-format"), help: "Prediction format (default: detected).") var predFormat: AnnotationFormat?
    @Option(help: "Output: json (one object) or text (tables).") var format: ReportFormat = .json
    @Flag(help: "List every error (missed, spurious, boundary, type, attribute).") var errors = false

    func run() async throws {
        try await runMappingErrors {
            let g = try readAnnotations(gold, format: goldFormat)
            let p = try readAnnotations(pred, format: predFormat)
            let evaluation: MentionEvaluation
            do {
                evaluation = try MentionEvaluation(reference: g, other: p, key: annotationKey)
            } catch let e as AnnotationError {
                throw CLIError.setup("note '\(e.file)': \(e.reason)")
            }
            let out = OutputSink.standardOutput()
            switch format {
            case .json: out.write(EvaluationReport.mentionsJSON(evaluation, includeErrors: errors))
            case .text: out.write(EvaluationReport.mentionsText(evaluation, includeErrors: errors))
            }
            out.flush()
        }
    }
}
