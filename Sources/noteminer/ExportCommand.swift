import ArgumentParser
import Foundation
import NoteMinerAnnotations
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline

extension AnnotationFormat: ExpressibleByArgument {}

/// Document ids become brat file stems through the output folder's safe names; eval and agree key documents
/// the same way, so a corrected brat folder meets the JSON Lines or BioC file its notes came from.
func annotationKey(_ id: String) -> String {
    String(OutputFolder.safeFileName(for: id, extension: "x").dropLast(2))
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Pre-annotate notes for an annotation tool: brat standoff, BioC XML or spaCy-style JSON Lines.",
        discussion: """
            Runs the pipeline and writes its mentions (Condition, Drug, AdverseEffect), their ConText attributes
            (Negated, Possible, Historical, Hypothetical, Family), ADR drug→effect relations, and concept ids and
            codes. Offsets are Unicode code points, half-open, in all three formats.
              brat:  <note>.txt (the note text exactly) + <note>.ann per note, annotation.conf, visual.conf
              bioc:  annotations.bioc.xml (one collection)
              jsonl: annotations.jsonl (one line per note: text, spans, relations)
            The mapping is described in the README, section "Building a labelled corpus".

            Examples:
              noteminer export Corpora/ --format brat --out corpus-brat
              noteminer export notes.jsonl --format bioc --out corpus-bioc
            """
    )

    @OptionGroup var input: InputOptions
    @Option(help: "Output format: brat, bioc or jsonl.") var format: AnnotationFormat
    @Option(help: ArgumentHelp("Folder to write into (created if needed).", valueName: "dir")) var out: String
    @Option(name: .customLong("lexicon"), help: ArgumentHelp("An extra lexicon (.tsv) or ConText rule file (.jsonl); repeatable.", valueName: "path"))
    var lexicons: [String] = []
    @Option(help: "ADR model file (default: Lexicons/models/adr.json).") var model: String?
    @Flag(name: .customLong("no-adr"), help: "Skip the ADR sentence classifier (no ADR relations).") var noADR = false

    func run() async throws {
        try await runMappingErrors {
            let processor = try PipelineProcessor.load(lexiconDirectory: try input.lexicons(), extraLexicons: lexicons,
                                                       modelPath: noADR ? "" : model)
            if processor.adr == nil, !noADR {
                OutputSink.standardError().write("noteminer: warning: no ADR model (Lexicons/models/adr.json missing); no ADR relations are exported\n")
            }
            let reader = try input.makeReader()
            let diagnostics = Diagnostics()
            var docs: [AnnotatedDocument] = []
            try await processInOrder(reader, jobs: input.jobs, transform: { item -> (NoteInput, AnnotatedDocument?) in
                guard case .note(let note, let warnings, _) = item else { return (item, nil) }
                return (item, AnnotatedDocument(text: note.text, result: processor.process(note, warnings: warnings)))
            }, emit: { (item, doc) in
                switch item {
                case .refused(let record): diagnostics.refusedNote(record)
                case .note(let note, let warnings, let source): diagnostics.warnings(warnings, note: note, source: source)
                }
                if let doc { docs.append(doc) }
            })
            try writeAnnotations(docs, format: format, to: out)
            try diagnostics.finish()
        }
    }
}

/// Writes documents in a format through the output folder (safe names, owner-only files). Refuses two
/// documents whose ids would share a file or a line.
func writeAnnotations(_ docs: [AnnotatedDocument], format: AnnotationFormat, to path: String) throws {
    var seen = Set<String>()
    for d in docs where !seen.insert(annotationKey(d.id)).inserted {
        throw CLIError.setup("two notes have the id '\(d.id)'; annotation files need unique note ids")
    }
    do {
        let folder = try OutputFolder(path: path)
        for (name, bytes) in format.files(for: docs, fileName: { OutputFolder.safeFileName(for: $0, extension: $1) }) {
            try folder.write(name, bytes: bytes)
        }
    } catch let e as InputError {
        throw CLIError.setup(e.message)
    }
}

/// Reads annotations for eval, agree and import, mapping format errors to setup errors (exit 1).
func readAnnotations(_ path: String, format: AnnotationFormat?) throws -> [AnnotatedDocument] {
    do {
        return try AnnotationFormat.read(path, format: format)
    } catch let e as AnnotationError {
        throw CLIError.setup(e.description)
    }
}
