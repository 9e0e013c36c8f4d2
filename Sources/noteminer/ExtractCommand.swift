import ArgumentParser
import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline

struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Find conditions, drugs and adverse effects with codes and ConText assertions.",
        discussion: """
            Output (JSON Lines, one line per note; offsets are Unicode code points, half-open; "sentence" is the
            sentence index):
              {"note_id", "mentions": [{"begin","end","text","concept_id","preferred_name","category","codes":[{"system","code"}],
                "risk_factor","section","sentence","negated","possible","historical","hypothetical","family",
                "evidence":[{"attribute","trigger","begin","end"}]}]}
            A mention whose words name several concepts that its section does not settle also has
            "ambiguous": true and "alternatives": [concept ids].

            --lexicon adds a user file without recompiling: a .tsv concept lexicon (same schema as
            Lexicons/conditions.tsv, drugs.tsv, adverse_effects.tsv) or a .jsonl file of ConText rules.

            Examples:
              noteminer extract Corpora/discharge_summary.txt
              noteminer extract Corpora/ --format tsv > mentions.tsv
              noteminer extract notes.jsonl --lexicon my_terms.tsv --lexicon my_rules.jsonl
              noteminer extract notes.jsonl --stats --jobs 1
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, tsv }

    @OptionGroup var input: InputOptions
    @Option(help: "Output format: jsonl (one line per note) or tsv (one row per mention, with a header).") var format: Format = .jsonl
    @Option(name: .customLong("lexicon"), help: ArgumentHelp("An extra lexicon (.tsv) or ConText rule file (.jsonl); repeatable.", valueName: "path"))
    var lexicons: [String] = []
    @Flag(help: "Do the work (text stage, matching, ConText; no ADR), write no per-note output, print one JSON line of counts and MB/s.") var stats = false
    @Option(help: "ADR model file (default: Lexicons/models/adr.json).") var model: String?
    @Flag(name: .customLong("no-adr"), help: "Do not flag ADR sentences.") var noADR = false

    func run() async throws {
        try await runMappingErrors {
            let processor = try PipelineProcessor.load(lexiconDirectory: try input.lexicons(), extraLexicons: lexicons,
                                                       modelPath: noADR || stats ? "" : model)
            let extractor = processor.extractor
            let adr = processor.adr
            let reader = try input.makeReader()
            let out = OutputSink.standardOutput()
            let diagnostics = Diagnostics()
            var statistics = RunStatistics()
            let stats = self.stats, format = self.format
            if format == .tsv && !stats { out.write(ExtractOutput.tsvHeader) }
            let started = ContinuousClock.now
            try await processInOrder(reader, jobs: input.jobs, transform: { item -> (NoteInput, [UInt8], RunStatistics) in
                guard case .note(let note, let warnings, _) = item else { return (item, [], RunStatistics()) }
                let (doc, mentions) = extractor.process(note, warnings: warnings)
                var s = RunStatistics()
                s.add(doc)
                s.mentions = mentions.count
                if stats { return (item, [], s) }
                switch format {
                case .jsonl:
                    var w = JSONWriter(reserving: 256 + mentions.count * 400)
                    ExtractOutput.jsonLine(noteID: note.noteID, mentions: mentions,
                                           adrSentences: adr?.sentences(doc, mentions: mentions),
                                           concepts: extractor.conceptMembers, into: &w)
                    return (item, w.bytes, s)
                case .tsv:
                    return (item, Array(ExtractOutput.tsvRows(noteID: note.noteID, mentions: mentions).utf8), s)
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
                    statistics.mentions += s.mentions
                    out.write(bytes)
                }
            })
            statistics.seconds = (ContinuousClock.now - started).inSeconds
            if stats { out.write(statistics.jsonLine(includeMentions: true)) }
            out.flush()
            try diagnostics.finish()
        }
    }
}
