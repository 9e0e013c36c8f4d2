import ArgumentParser
import Foundation
import NoteMinerAnnotations
import NoteMinerPipeline

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read corrected annotations (brat, BioC or JSON Lines) and write them in another format.",
        discussion: """
            Checks every file (offsets inside the text, span text equal to the text at its offsets, known
            attributes, relations between existing spans) and reports the file and line of the first problem.
            Importing a file NoteMiner exported and exporting it again gives the same bytes.

            Examples:
              noteminer import corpus-brat --to jsonl --out gold-jsonl
              noteminer import corpus-bioc/annotations.bioc.xml --to brat --out corpus-brat
            """
    )

    @Argument(help: ArgumentHelp("A brat folder (or .ann file), a BioC .xml file or a .jsonl file; an export folder works too.", valueName: "path"))
    var path: String
    @Option(help: "Input format (default: detected from the path).") var format: AnnotationFormat?
    @Option(help: "Output format: brat, bioc or jsonl.") var to: AnnotationFormat = .jsonl
    @Option(help: ArgumentHelp("Folder to write into.", valueName: "dir")) var out: String

    func run() async throws {
        try await runMappingErrors {
            let docs = try readAnnotations(path, format: format)
            try writeAnnotations(docs, format: to, to: out)
            OutputSink.standardError().write("noteminer: imported \(docs.count) document(s), \(docs.reduce(0) { $0 + $1.spans.count }) span(s), \(docs.reduce(0) { $0 + $1.relations.count }) relation(s)\n")
        }
    }
}
