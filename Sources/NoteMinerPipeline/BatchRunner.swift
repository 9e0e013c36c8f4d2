import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerProfiles

/// What turns one note into its result record. Implementations must be deterministic and must not trap
/// on any text: a batch never dies on one note.
public protocol NoteProcessing: Sendable {
    func process(_ note: Note, warnings: [NoteWarning]) -> NoteResult
    /// Changes whenever a lexicon, rule file, model or the tool version changes; invalidates the resume cache.
    var fingerprint: String { get }
    /// The concept members of the records it makes, serialized once, if it has them: result lines are written
    /// faster with them (and are the same without).
    var conceptMembers: ConceptMembersJSON? { get }
}

extension NoteProcessing {
    public var conceptMembers: ConceptMembersJSON? { nil }
}

/// Counts of a batch run. `notesIn == results + quarantined` always holds.
public struct RunSummary: Sendable {
    public var notesIn = 0
    public var results = 0
    public var quarantined = 0
    public var fromCache = 0
    public var patients = 0
    public var mentions = 0
    public var adrSentences = 0
    public var bytes = 0
    /// The whole run, reports included (set when the run returns).
    public var seconds = 0.0
    public init() {}
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }
}

/// What reports are written from at the end of a run.
public struct RunResults: Sendable {
    /// Per-note results in input order.
    public var notes: [NoteResult] = []
    public var builder = ProfileBuilder()
    /// Note texts by note id, as far as the budget allowed (for report snippets).
    public var texts: [String: String] = [:]
    public var summary = RunSummary()
    public init() {}
}

/// Values kept alive until the process exits (see `BatchRunner.leavesResultsToProcessExit`).
enum ProcessExit {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [any Sendable] = []
    static func keep(_ value: any Sendable) { lock.withLock { kept.append(value) } }
}

/// `noteminer run`: every note through the pipeline in parallel (bounded), per-note results written in input
/// order, refused notes to `quarantine.jsonl`, then profiles and reports from the per-note results.
///
/// Resume: every result line is appended (and flushed) to the cache in `cache/` (see `ResumeCache`), keyed by a
/// SHA-256 of the note's id, metadata and text, under a header carrying the pipeline fingerprint; the cache's
/// lines file becomes `notes.jsonl` when the run completes. A rerun into the same folder reuses every cached line
/// whose key matches — also after the earlier run was killed with SIGKILL, since a torn last entry is simply not
/// valid — and the final outputs are written from scratch, so they are byte-identical to an uninterrupted run.
/// A different fingerprint discards the cache.
public struct BatchRunner {
    public var jobs: Int
    public var resume = true
    /// Writes reports from the results (profiles.jsonl, features.csv, FHIR, SQLite, HTML).
    /// `inout` so the writer can drop what it no longer needs (note texts it will not show) while it works.
    public var writeReports: (OutputFolder, inout RunResults) throws -> Void
    public var progress: ProgressReporter?
    /// Sees every result as it is written to notes.jsonl, in input order (`run` feeds the database with it).
    public var onResult: ((NoteResult) -> Void)?
    /// Note texts kept for report snippets, in bytes; beyond it reports show matched words only.
    public var noteTextBudget = 64 * 1024 * 1024
    /// For a process that ends right after the run (the CLI): the results held for the reports (every note's
    /// records and texts) are left to the operating system instead of freed one by one, which took about 0.2 s
    /// after a 10,000-note run, between the last output and the prompt. Off by default: a library caller gets
    /// its memory back.
    public var leavesResultsToProcessExit = false

    public init(jobs: Int, writeReports: @escaping (OutputFolder, inout RunResults) throws -> Void) {
        self.jobs = jobs
        self.writeReports = writeReports
    }

    /// A result whose line would be bigger than this (estimated) is written in pieces instead of built whole.
    public var streamedLineBytes = 16 << 20

    public static func contentKey(_ note: Note) -> String {
        var h = SHA256()
        for part in [note.noteID, note.patientID ?? "", note.date ?? "", note.noteType ?? "", note.text] {
            h.update(part)
            h.update(CollectionOfOne(0))
        }
        return SHA256.hexString(h.finalize())
    }

    enum Outcome: Sendable {
        /// `line` nil: the result is too big to serialize in memory; it is written in pieces when emitted.
        case result(NoteResult, line: [UInt8]?, key: String, fresh: Bool, text: String)
        case refused(QuarantineRecord)
    }

    public func run(reader: NoteReader, processor: some NoteProcessing, output: OutputFolder) async throws -> RunSummary {
        let started = ContinuousClock.now
        PhaseTrace.mark("start")
        let cache = try ResumeCache(folder: try output.subfolder("cache"), fingerprint: processor.fingerprint, reuse: resume)
        let cached = cache.snapshot
        let quarantineOut = try FileWriter(folder: output, name: "quarantine.jsonl")
        var summary = RunSummary()
        var builder = ProfileBuilder()
        var results = RunResults()
        var textBytes = 0
        var interner = RecordInterner()
        let noteTextBudget = self.noteTextBudget
        let progress = self.progress
        let onResult = self.onResult
        let streamedLineBytes = self.streamedLineBytes
        let conceptMembers = processor.conceptMembers
        progress?.start(totalBytes: reader.estimatedTotalBytes)

        try await processInOrder(reader, jobs: jobs, transform: { item -> Outcome in
            switch item {
            case .refused(let record):
                return .refused(record)
            case .note(let note, let warnings, _):
                let key = Self.contentKey(note)
                if let line = cached.line(for: key),
                   let result = NoteResult.decodeLine(line) ?? (try? JSONDecoder().decode(NoteResult.self, from: Data(line))) {
                    return .result(result, line: line, key: key, fresh: false, text: note.text)
                }
                let result = processor.process(note, warnings: warnings)
                let big = result.estimatedLineBytes > streamedLineBytes
                return .result(result, line: big ? nil : result.jsonLine(concepts: conceptMembers), key: key, fresh: true, text: note.text)
            }
        }, emit: { outcome in
            summary.notesIn += 1
            switch outcome {
            case .refused(let record):
                summary.quarantined += 1
                quarantineOut.write(Self.quarantineLine(record))
            case .result(var result, let line, let key, let fresh, let text):
                if !fresh { interner.intern(&result) }
                let bytes = text.utf8.count
                summary.results += 1
                summary.bytes += bytes
                results.notes.append(result)
                if textBytes + bytes <= noteTextBudget {
                    textBytes += bytes
                    results.texts[result.noteID] = text
                }
                summary.mentions += result.mentions.count
                summary.adrSentences += result.adrSentences.count
                if !fresh { summary.fromCache += 1 }
                // The cache's lines file becomes notes.jsonl; a note's line can be 100 MB, so a big one is
                // written in pieces.
                if let line {
                    cache.write(line)
                } else {
                    result.writeJSONLine(concepts: conceptMembers) { cache.write($0) }
                }
                cache.endLine(key: key)
                builder.add(result)
                onResult?(result)
            }
            progress?.update(notes: summary.notesIn, bytes: summary.bytes)
        })
        PhaseTrace.mark("notes done")
        try cache.publish(as: "notes.jsonl", in: output)
        try quarantineOut.commit()
        Memory.releaseFreed()
        summary.patients = Set(results.notes.lazy.map(\.patientID)).count
        results.builder = builder
        results.summary = summary
        try writeReports(output, &results)
        PhaseTrace.mark("reports done")
        try output.write("manifest.json", bytes: Self.manifest(summary, fingerprint: processor.fingerprint))
        progress?.finish()
        if leavesResultsToProcessExit { ProcessExit.keep(results) }
        // The summary's time is the whole run, reports included: what a user waits for.
        summary.seconds = (ContinuousClock.now - started).inSeconds
        return summary
    }

    static func quarantineLine(_ r: QuarantineRecord) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("note_id", r.noteID)
        w.field("source", r.source.file)
        w.key("line"); if let l = r.source.line { w.int(l) } else { w.null() }
        w.field("reason", r.reason.rawValue)
        w.field("message", r.message)
        w.endObject()
        w.newline()
        return w.bytes
    }

    /// Deterministic: no timings or dates, so a resumed run's manifest equals a clean run's.
    static func manifest(_ s: RunSummary, fingerprint: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema_version", 1)
        w.field("fingerprint", fingerprint)
        w.key("counts"); w.beginObject()
        w.field("notes_in", s.notesIn); w.field("results", s.results); w.field("quarantined", s.quarantined)
        w.field("patients", s.patients); w.field("mentions", s.mentions); w.field("adr_sentences", s.adrSentences)
        w.field("bytes", s.bytes)
        w.endObject()
        w.key("files"); w.beginArray()
        for f in ["notes.jsonl", "quarantine.jsonl", "profiles.jsonl", "features.csv", "fhir/", "results.sqlite", "report.html"] { w.string(f) }
        w.endArray()
        w.endObject()
        w.newline()
        return w.bytes
    }
}

/// Results read back from the resume cache share their repeated strings (concept ids and names, codes, sections)
/// the way freshly computed ones do. Decoded one by one they were separate copies: a fully cached rerun of 10,000
/// dense notes peaked near 700 MB instead of under 500.
struct RecordInterner {
    private var strings: [String: String] = [:]
    private var codes: [String: [CodingRecord]] = [:]

    private mutating func shared(_ s: String) -> String {
        if s.utf8.count <= 15 { return s }  // small strings live inline: nothing to share
        if let known = strings[s] { return known }
        strings[s] = s
        return s
    }

    mutating func intern(_ r: inout NoteResult) {
        for i in r.mentions.indices {
            let conceptID = shared(r.mentions[i].conceptID)
            r.mentions[i].conceptID = conceptID
            r.mentions[i].preferredName = shared(r.mentions[i].preferredName)
            r.mentions[i].section = shared(r.mentions[i].section)
            if let rf = r.mentions[i].riskFactor { r.mentions[i].riskFactor = shared(rf) }
            if let known = codes[conceptID], known == r.mentions[i].codes {
                r.mentions[i].codes = known
            } else if codes[conceptID] == nil {
                codes[conceptID] = r.mentions[i].codes
            }
        }
    }
}
