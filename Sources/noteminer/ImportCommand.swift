import ArgumentParser
import Foundation
import NoteMinerAnnotations
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read corrected annotations (brat, BioC or JSON Lines) and write them in another format.",
        discussion: """
            Checks every file (offsets inside the text, span text equal to the text at its offsets, known
            attributes, relations between existing spans) and reports the file and line of the first problem.
            Importing a file NoteMiner exported and exporting it again gives the same bytes.

            --adr-examples also writes adr_examples.jsonl for `noteminer train adr`: one line per sentence
            (NoteMiner's sentence splitter), label 1 when the sentence holds the effect of an ADR relation, with
            the drug and effect texts as pairs, and the note id as the cross-validation group.

            Examples:
              noteminer import corpus-brat --to jsonl --out gold-jsonl
              noteminer import corpus-brat --adr-examples --out gold-jsonl
              noteminer import corpus-bioc/annotations.bioc.xml --to brat --out corpus-brat
            """
    )

    @Argument(help: ArgumentHelp("A brat folder (or .ann file), a BioC .xml file or a .jsonl file; an export folder works too.", valueName: "path"))
    var path: String
    @Option(help: "Input format (default: detected from the path).") var format: AnnotationFormat?
    @Option(help: "Output format: brat, bioc or jsonl.") var to: AnnotationFormat = .jsonl
    @Option(help: ArgumentHelp("Folder to write into.", valueName: "dir")) var out: String
    @Flag(name: .customLong("adr-examples"), help: "Also write adr_examples.jsonl (sentences labelled from ADR relations) for `train adr`.")
    var adrExamples = false
    @Option(name: .customLong("lexicons"), help: ArgumentHelp("Folder with the data files (for the sentence splitter).", valueName: "dir"))
    var lexiconDirectory: String?

    func run() async throws {
        try await runMappingErrors {
            let docs = try readAnnotations(path, format: format)
            try writeAnnotations(docs, format: to, to: out)
            if adrExamples {
                let analyzer: TextAnalyzerHandle
                do {
                    analyzer = try TextAnalyzerHandle(lexicons: try ResourceLocator.lexiconDirectory(explicit: lexiconDirectory))
                } catch let e as InputError {
                    throw CLIError.setup(e.message)
                }
                var bytes: [UInt8] = []
                for d in docs { bytes += ADRTrainingExamples.jsonLines(d, sentences: analyzer.sentences(id: d.id, text: d.text)) }
                do {
                    try OutputFolder(path: out).write("adr_examples.jsonl", bytes: bytes)
                } catch let e as InputError {
                    throw CLIError.setup(e.message)
                }
            }
            OutputSink.standardError().write("noteminer: imported \(docs.count) document(s), \(docs.reduce(0) { $0 + $1.spans.count }) span(s), \(docs.reduce(0) { $0 + $1.relations.count }) relation(s)\n")
        }
    }
}

/// NoteMiner's own sentence splitter, so training sentences are cut the way the classifier will see them.
struct TextAnalyzerHandle {
    let sentences: (_ id: String, _ text: String) -> [Range<Int>]
    init(lexicons: String) throws {
        let analyzer = try TextStageLoader.load(lexiconDirectory: lexicons)
        sentences = { id, text in
            let doc = analyzer.analyze(Note(noteID: id, text: text))
            return doc.sentences.map { doc.codePointRange(Int($0.utf8Begin)..<Int($0.utf8End)) }
        }
    }
    func sentences(id: String, text: String) -> [Range<Int>] { sentences(id, text) }
}
