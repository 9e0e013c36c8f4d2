import ArgumentParser
import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline
import NoteMinerProfiles
import NoteMinerReports
import NoteMinerSQLite

struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Build patient profiles and reports from per-note results (notes.jsonl) produced anywhere.",
        discussion: """
            Reads one or more notes.jsonl files (from `noteminer run`, `noteminer stream`, or a Spark job) and writes
            every output of `run` except notes.jsonl and quarantine.jsonl. The merge is associative and commutative:
            the same results split into any partitions, read in any order, give byte-identical outputs.

            Example:
              noteminer profile part-0000.jsonl part-0001.jsonl --out profiles/
            """
    )

    @Argument(help: "Per-note result files (JSON Lines).") var inputs: [String]
    @Option(help: "Output folder (created owner-only).") var out: String

    func run() async throws {
        try await runMappingErrors {
            var builder = ProfileBuilder()
            var notes: [NoteResult] = []
            let decoder = JSONDecoder()
            var bad = 0
            var errorRecords = 0
            var records = 0
            for path in inputs {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw CLIError.setup("input '\(path)' does not exist") }
                let files = isDir.boolValue
                    ? try FileManager.default.contentsOfDirectory(atPath: path).filter(Self.isResultFile).sorted().map { path + "/" + $0 }
                    : [path]
                for file in files {
                    // Line by line: the records are kept, but not a second copy of the whole file beside them.
                    guard let reader = LineReader(path: file) else { throw CLIError.setup("cannot read '\(file)'") }
                    while let line = reader.next() {
                        let lineNumber = reader.lineNumber
                        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
                        do {
                            let record: NoteResult
                            // The fast reader takes the usual result line; error records and anything unusual go
                            // through JSONDecoder.
                            if let r = line.withUnsafeBytes({ NoteResult.decodeLine($0.bindMemory(to: UInt8.self)) }) {
                                record = r
                            } else {
                                switch try decoder.decode(StreamRecord.self, from: Data(line)) {
                                case .result(let r): record = r
                                case .error:
                                    errorRecords += 1
                                    continue
                                }
                            }
                            if record.schemaVersion > NoteResult.schemaVersion {
                                throw CLIError.setup("\(file):\(lineNumber): schema_version \(record.schemaVersion) is newer than this NoteMiner understands (\(NoteResult.schemaVersion))")
                            }
                            builder.add(record)
                            notes.append(record)
                            records += 1
                        } catch let e as CLIError {
                            throw e
                        } catch {
                            bad += 1
                            OutputSink.standardError().write("noteminer: \(file):\(lineNumber): not a per-note result record (\(error)); skipped\n")
                        }
                    }
                }
            }
            umask(0o077)
            let folder = try OutputFolder(path: out)
            SQLiteTemporaryFiles.keep(inside: folder.path)
            var results = RunResults()
            // Order-independent: the same records in any partition order give the same outputs.
            results.notes = notes.sorted { $0.noteID.utf8.lexicographicallyPrecedes($1.noteID.utf8) }
            results.builder = builder
            results.summary.results = builder.noteCount
            let profiles = try Reports.write(to: folder, results: &results, inputs: inputs, lexiconDirectory: nil)
            OutputSink.standardError().write("noteminer: \(records) records, \(builder.noteCount) notes, \(profiles) patients → \(out)\n")
            if errorRecords > 0 {
                OutputSink.standardError().write("noteminer: \(errorRecords) error record(s) from `stream` (notes that could not be processed) left out\n")
            }
            if bad > 0 || errorRecords > 0 { throw ExitCode(ExitStatus.someRefused) }
        }
    }
}

extension ProfileCommand {
    /// Result files in a folder: `*.jsonl` / `*.json`, and `part-*` as Spark and Hadoop name their output
    /// (their `_SUCCESS` markers and hidden `.crc` checksums are not results).
    static func isResultFile(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("_") || name.hasSuffix(".crc") { return false }
        return name.hasSuffix(".jsonl") || name.hasSuffix(".json") || name.hasPrefix("part-")
    }
}

/// One line of `stream` output: a per-note result, or the error record that stands in for a note that could not
/// be processed. An error record may carry a `note_id`, so decoding it as a result would invent an empty note.
enum StreamRecord: Decodable {
    case result(NoteResult)
    case error

    private enum Keys: String, CodingKey { case error }

    init(from decoder: any Decoder) throws {
        if try decoder.container(keyedBy: Keys.self).contains(.error) {
            self = .error
        } else {
            self = .result(try NoteResult(from: decoder))
        }
    }
}

private func textLookup(_ texts: [String: String]) -> @Sendable (String) -> String? {
    { texts[$0] }
}

/// Writes the patient-level outputs shared by `run` and `profile`.
enum Reports {
    @discardableResult
    static func write(to folder: OutputFolder, results: inout RunResults, inputs: [String], lexiconDirectory: String?, fingerprint: String = "",
                      database: SQLiteStream? = nil) throws -> Int {
        let profiles = results.builder.profiles()
        results.builder = ProfileBuilder()
        var set = ReportSet()
        // report.html cuts snippets only for the patients whose cards it shows: the other notes' texts (most of a
        // big run's) are released before the page and the bundles are built.
        let hadTexts = !results.texts.isEmpty
        let shown = Set(profiles.prefix(set.maxPatientCards).lazy.flatMap { $0.notes.map(\.noteID) })
        results.texts = results.texts.filter { shown.contains($0.key) }
        if hadTexts { set.noteText = textLookup(results.texts) }
        let run = RunInfo(toolVersion: NoteMinerVersion.string, lexiconFingerprint: fingerprint, quarantined: results.summary.quarantined, inputs: inputs)
        try set.write(to: URL(fileURLWithPath: folder.path), notes: results.notes, profiles: profiles, run: run, database: database)
        return profiles.count
    }
}
