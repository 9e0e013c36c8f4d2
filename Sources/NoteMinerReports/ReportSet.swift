import Foundation
import NoteMinerModel
import NoteMinerProfiles
import NoteMinerSQLite

/// The patient-level outputs of a run, written together so `noteminer run` and `noteminer profile` produce the
/// same files: `profiles.jsonl`, `features.csv`, `fhir/`, `report.html` and `results.sqlite` (`notes.jsonl` is the
/// pipeline's own, written as notes finish).
///
/// Writers are pure functions of their inputs (no clock, no environment except locating the template), and each
/// file is written to a temporary name and renamed, so an interrupted write leaves the previous file or none.
public struct ReportSet: Sendable {
    public struct Outputs: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let profiles = Outputs(rawValue: 1)
        public static let features = Outputs(rawValue: 2)
        public static let fhir = Outputs(rawValue: 4)
        public static let html = Outputs(rawValue: 8)
        public static let sqlite = Outputs(rawValue: 16)
        public static let all: Outputs = [.profiles, .features, .fhir, .html, .sqlite]
    }

    public var outputs: Outputs = .all
    /// Folder holding `report.mustache`; nil → `ReportTemplate.locate()`.
    public var reportsDirectory: String?
    /// Original note text by note id, for evidence snippets in `report.html`; nil (or redaction) shows only the
    /// matched words. Called once per evidence item shown, from the writing thread.
    public var noteText: (@Sendable (String) -> String?)?
    public var maxPatientCards = 200
    public var maxADRRows = 2000

    public init(outputs: Outputs = .all, reportsDirectory: String? = nil, noteText: (@Sendable (String) -> String?)? = nil) {
        self.outputs = outputs
        self.reportsDirectory = reportsDirectory
        self.noteText = noteText
    }

    /// Writes the selected outputs into `folder` (created if needed) and returns the paths written, relative to it.
    /// `notes` in input order; `profiles` nil → built from `notes` with `ProfileBuilder`. `database`: a stream into
    /// `results.sqlite` that was already given every note of `notes` in order (`noteminer run` feeds it as notes
    /// finish); the profiles are added and it is finished here. Without it, one is started from `notes`.
    @discardableResult
    public func write(to folder: URL, notes: [NoteResult], profiles: [PatientProfile]? = nil, run: RunInfo,
                      database: SQLiteStream? = nil) throws -> [String] {
        do {
            return try writeAll(to: folder, notes: notes, profiles: profiles, run: run, database: database)
        } catch {
            database?.cancel()
            throw error
        }
    }

    private func writeAll(to folder: URL, notes: [NoteResult], profiles: [PatientProfile]?, run: RunInfo,
                          database: SQLiteStream?) throws -> [String] {
        // Find the template before writing anything, so a missing Reports folder fails the run cleanly.
        var html: HTMLReportWriter?
        if outputs.contains(.html) {
            var w = try HTMLReportWriter(directory: try ReportTemplate.locate(explicit: reportsDirectory))
            w.maxPatientCards = maxPatientCards
            w.maxADRRows = maxADRRows
            html = w
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The database is the biggest single output and needs nothing the others write: it is built on a thread
        // of its own (during the pipeline, when `run` feeds it) while the files below are written.
        var db: SQLiteStream?
        if outputs.contains(.sqlite) {
            if let database {
                db = database
            } else {
                let stream = try SQLiteStream(path: folder.appendingPathComponent("results.sqlite").path)
                for n in notes { stream.add(n) }
                db = stream
            }
            db?.notesComplete()
        } else {
            database?.cancel()
        }
        let profiles = profiles ?? {
            var b = ProfileBuilder()
            for n in notes { b.add(n) }
            return b.profiles()
        }()
        PhaseTrace.mark("profiles built")
        // What building the profiles freed goes back before the page and the bundles are built beside each other.
        Memory.releaseFreed()
        var written: [String] = []
        // report.html needs every profile but nothing else written here: rendered on its own thread meanwhile.
        let htmlJob = html.map { writer in
            BackgroundJob { [noteText] in
                let page = writer.render(notes: notes, profiles: profiles, run: run, noteText: noteText)
                try AtomicFile.write(Array(page.utf8), to: folder.appendingPathComponent("report.html").path)
                PhaseTrace.markThread("html")
            }
        }
        do {
            try writePatients(profiles, to: folder, database: db, written: &written)
            if outputs.contains(.features) {
                try AtomicFile.write(Array(FeatureMatrix.csv(profiles).utf8), to: folder.appendingPathComponent("features.csv").path)
                written.append("features.csv")
            }
        } catch {
            _ = htmlJob?.wait()
            throw error
        }
        if let htmlJob {
            if let error = htmlJob.wait() { throw error }
            written.append("report.html")
        }
        if let db {
            try db.finish(run: run)
            PhaseTrace.mark("sqlite finished")
            written.append("results.sqlite")
        }
        return written
    }

    /// profiles.jsonl, the FHIR bundles and the database's profile rows in one pass over the patients: a chunk of
    /// patients is serialized on every core, then its lines go to the file and the database in order, so each
    /// profile is serialized once and only a chunk's lines are held at a time.
    private func writePatients(_ profiles: [PatientProfile], to folder: URL, database: SQLiteStream?, written: inout [String]) throws {
        let fhir = outputs.contains(.fhir) ? try FHIRWriter.Folder(profiles, folder: folder.appendingPathComponent("fhir", isDirectory: true)) : nil
        let lines = outputs.contains(.profiles)
            ? try AtomicFile.Writer(path: folder.appendingPathComponent("profiles.jsonl").path) : nil
        let needLines = lines != nil || database != nil
        let chunk = 32 * Parallel.processorCount
        var start = 0
        while start < profiles.count {
            let base = start
            let results = Parallel.map(count: min(chunk, profiles.count - base)) { k -> Result<[UInt8], any Error> in
                let i = base + k
                do {
                    try fhir?.writeBundle(profiles[i], at: i)
                    return .success(needLines ? profiles[i].jsonLine() : [])
                } catch {
                    return .failure(error)
                }
            }
            for (k, result) in results.enumerated() {
                let line = try result.get()
                try lines?.write(line)
                database?.add(profiles[base + k], line: line)
            }
            start += chunk
        }
        if let lines {
            try lines.commit()
            written.append("profiles.jsonl")
        }
        if let fhir {
            try fhir.finish(profiles)
            written += fhir.names.map { "fhir/" + $0 } + ["fhir/index.jsonl"]
            PhaseTrace.mark("profiles.jsonl and fhir")
        }
    }
}

/// A closure on a thread of its own; `wait()` joins it and returns its error.
private final class BackgroundJob: @unchecked Sendable {
    // Written by the worker before `done` is signalled and read only after `wait()`: the semaphore orders them.
    private var error: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do {
                try body()
            } catch {
                self.error = error
            }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func wait() -> (any Error)? {
        done.wait()
        return error
    }
}
