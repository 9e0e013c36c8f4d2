import ArgumentParser
import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline

struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Split notes into sections, sentences and tokens.",
        discussion: """
            Output (JSON Lines, one line per note; offsets are Unicode code points, half-open):
              {"note_id", "sections": [{"begin","end","header","category"}], "sentences": [{"begin","end"}],
               "tokens": [{"begin","end","text","norm","kind"}]}

            Examples:
              noteminer tokenize Corpora/                      # every *.txt file, sorted by name
              noteminer tokenize Corpora/ed_note.txt --format text
              cat notes.jsonl | noteminer tokenize - --stats --jobs 1
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, text }

    @OptionGroup var input: InputOptions
    @Option(help: "Output format: jsonl or text.") var format: Format = .jsonl
    @Flag(help: "Do the work, write no per-note output, print one JSON line of counts and MB/s.") var stats = false

    func run() async throws {
        try await runMappingErrors {
            let analyzer = try TextStageLoader.load(lexiconDirectory: try input.lexicons())
            let reader = try input.makeReader()
            let out = OutputSink.standardOutput()
            let diagnostics = Diagnostics()
            var statistics = RunStatistics()
            let stats = self.stats, format = self.format
            let started = ContinuousClock.now
            try await processInOrder(reader, jobs: input.jobs, transform: { item -> (NoteInput, [UInt8], RunStatistics) in
                guard case .note(let note, let warnings, _) = item else { return (item, [], RunStatistics()) }
                let doc = analyzer.analyze(note, warnings: warnings)
                var s = RunStatistics()
                s.add(doc)
                if stats { return (item, [], s) }
                switch format {
                case .jsonl:
                    var w = JSONWriter(reserving: doc.utf8.count * 8)
                    TextOutput.jsonLine(doc, into: &w)
                    return (item, w.bytes, s)
                case .text:
                    return (item, Array(TextOutput.text(doc).utf8), s)
                }
            }, emit: { (item, bytes, s) in
                switch item {
                case .refused(let record):
                    diagnostics.refusedNote(record)
                    statistics.refused += 1
                case .note(let note, let warnings, let source):
                    diagnostics.warnings(warnings, note: note, source: source)
                    statistics.notes += s.notes
                    statistics.bytes += s.bytes
                    statistics.tokens += s.tokens
                    statistics.sentences += s.sentences
                    statistics.sections += s.sections
                    out.write(bytes)
                }
            })
            statistics.seconds = (ContinuousClock.now - started).inSeconds
            if stats { out.write(statistics.jsonLine()) }
            out.flush()
            try diagnostics.finish()
        }
    }
}

