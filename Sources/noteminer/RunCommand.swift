import ArgumentParser
import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline
import NoteMinerProfiles
import NoteMinerSQLite

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The main job: every note through the pipeline, then patient profiles and reports.",
        discussion: """
            Writes into --out (created owner-only): notes.jsonl (per-note results, input order), quarantine.jsonl
            (refused notes with the reason), profiles.jsonl, features.csv, manifest.json, and the reports.
            Rerunning into the same folder resumes: notes already done (same content, same lexicons and model) are
            not processed again, and the outputs equal those of an uninterrupted run.

            Examples:
              noteminer run Corpora/ --out results/
              noteminer run notes.jsonl --out results/ --jobs 8
            """
    )

    @OptionGroup var input: InputOptions
    @Option(help: "Output folder.") var out: String
    @Option(name: .customLong("lexicon"), help: "An extra lexicon file (repeatable).") var lexicons: [String] = []
    @Option(help: "ADR model file (default: Lexicons/models/adr.json).") var model: String?
    @Flag(name: .customLong("no-adr"), help: "Skip the ADR sentence classifier.") var noADR = false
    @Flag(name: .customLong("no-resume"), help: "Ignore results cached by an earlier run into the same folder.") var noResume = false

    func run() async throws {
        try await runMappingErrors {
            let processor = try PipelineProcessor.load(lexiconDirectory: try input.lexicons(), extraLexicons: lexicons,
                                                       modelPath: noADR ? "" : model)
            if processor.adr == nil, !noADR {
                OutputSink.standardError().write("noteminer: warning: no ADR model (Lexicons/models/adr.json missing); ADR sentences are not flagged\n")
            }
            let reader = try input.makeReader()
            let folder: OutputFolder
            do { folder = try OutputFolder(path: out) } catch let e as InputError { throw CLIError.setup(e.message) }
            umask(0o077)  // outputs hold patient text: owner-only files, also those the report writers create
            SQLiteTemporaryFiles.keep(inside: folder.path)
            let inputs = input.inputs
            let fingerprint = processor.fingerprint
            // results.sqlite is built while the notes are processed (see SQLiteStream).
            let database = try SQLiteStream(path: try folder.filePath("results.sqlite"))
            var runner = BatchRunner(jobs: input.jobs) { folder, results in
                try Reports.write(to: folder, results: &results, inputs: inputs, lexiconDirectory: nil, fingerprint: fingerprint,
                                  database: database)
            }
            runner.onResult = { database.add($0) }
            runner.resume = !noResume
            runner.leavesResultsToProcessExit = true
            Memory.keepFreedForReuse()
            runner.progress = ProgressReporter()
            let s = try await runner.run(reader: reader, processor: processor, output: folder)
            let summary = String(format: "noteminer: %d notes in: %d results, %d quarantined; %d patients, %d mentions, %d ADR sentences; %d from cache; %.2f s, %.1f MB/s → %@\n",
                                 s.notesIn, s.results, s.quarantined, s.patients, s.mentions, s.adrSentences, s.fromCache, s.seconds, s.megabytesPerSecond, out)
            OutputSink.standardError().write(summary)
            if s.quarantined > 0 {
                OutputSink.standardError().write("noteminer: \(s.quarantined) note(s) quarantined; reasons in \(out)/quarantine.jsonl\n")
                throw ExitCode(ExitStatus.someRefused)
            }
        }
    }
}
