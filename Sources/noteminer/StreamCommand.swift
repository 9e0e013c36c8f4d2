import ArgumentParser
import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline
import NoteMinerProfiles

struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "JSON Lines notes on stdin → per-note results on stdout, one line per input line, in order.",
        discussion: """
            For engines that drive NoteMiner as a worker (Spark RDD.pipe, Hadoop Streaming, array jobs): exactly one
            output line per input line, flushed per line; a line that cannot be processed yields an error record
            {"note_id", "error": {"reason", "message"}, "line"} in its place. Writes no files; constant memory.

            Example:
              cat notes.jsonl | noteminer stream > results.jsonl
            """
    )

    @Option(name: .customLong("lexicons"), help: "Folder with the data files.") var lexiconDirectory: String?
    @Option(name: .customLong("lexicon"), help: "An extra lexicon file (repeatable).") var lexicons: [String] = []
    @Option(help: "ADR model file (default: Lexicons/models/adr.json).") var model: String?
    @Option(name: .customLong("max-note-bytes"), help: "Notes larger than this many bytes yield an error record.") var maxNoteBytes: Int = 10 * 1024 * 1024

    @Option(help: ArgumentHelp("Encoding of the JSON Lines input: auto, utf-8, windows-1252 or latin-1.", valueName: "name")) var encoding: TextEncoding = .auto

    func validate() throws {
        if !encoding.isByteOriented { throw ValidationError("stream reads JSON Lines: --encoding must be auto, utf-8, windows-1252 or latin-1") }
    }

    func run() async throws {
        try await runMappingErrors {
            let dir: String
            do { dir = try ResourceLocator.lexiconDirectory(explicit: lexiconDirectory) } catch let e as InputError { throw CLIError.setup(e.message) }
            let processor = try PipelineProcessor.load(lexiconDirectory: dir, extraLexicons: lexicons, modelPath: model)
            var options = NoteReader.Options()
            options.maxNoteBytes = maxNoteBytes
            options.allowDuplicateIDs = true
            options.yieldBlankLines = true
            options.encoding = encoding
            let reader = try NoteReader(inputs: ["-"], options: options)
            let out = OutputSink.standardOutput()
            out.flushEachWrite = true
            for item in reader {
                switch item {
                case .note(let note, let warnings, _):
                    out.write(processor.process(note, warnings: warnings).jsonLine(concepts: processor.conceptMembers))
                case .refused(let r):
                    var w = JSONWriter()
                    w.beginObject()
                    w.field("note_id", r.noteID)
                    w.key("error"); w.beginObject(); w.field("reason", r.reason.rawValue); w.field("message", r.message); w.endObject()
                    w.key("line"); if let l = r.source.line { w.int(l) } else { w.null() }
                    w.endObject()
                    w.newline()
                    out.write(w.bytes)
                }
            }
            out.flush()
        }
    }
}
