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
    /// `notes` in input order; `profiles` nil → built from `notes` with `ProfileBuilder`.
    @discardableResult
    public func write(to folder: URL, notes: [NoteResult], profiles: [PatientProfile]? = nil, run: RunInfo) throws -> [String] {
        // Find the template before writing anything, so a missing Reports folder fails the run cleanly.
        var html: HTMLReportWriter?
        if outputs.contains(.html) {
            var w = try HTMLReportWriter(directory: try ReportTemplate.locate(explicit: reportsDirectory))
            w.maxPatientCards = maxPatientCards
            w.maxADRRows = maxADRRows
            html = w
        }
        let profiles = profiles ?? {
            var b = ProfileBuilder()
            for n in notes { b.add(n) }
            return b.profiles()
        }()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written: [String] = []
        func put(_ name: String, _ bytes: [UInt8]) throws {
            try AtomicFile.write(bytes, to: folder.appendingPathComponent(name).path)
            written.append(name)
        }
        // The database is the biggest single output and needs nothing the others write: build it on its own
        // thread while the files below are written. Each side serializes the profiles itself, one at a time:
        // holding every profile's line for both (76 MB for 10,000 notes) cost more memory than the CPU it saved.
        let sqlite: SQLiteJob? = outputs.contains(.sqlite)
            ? SQLiteJob(path: folder.appendingPathComponent("results.sqlite").path, notes: notes, profiles: profiles, run: run)
            : nil
        sqlite?.start()
        do {
            if outputs.contains(.profiles) {
                try AtomicFile.write(chunks: profiles.lazy.map { $0.jsonLine() }, to: folder.appendingPathComponent("profiles.jsonl").path)
                written.append("profiles.jsonl")
            }
            if outputs.contains(.features) { try put("features.csv", Array(FeatureMatrix.csv(profiles).utf8)) }
            if outputs.contains(.fhir) {
                let names = try FHIRWriter.write(profiles, to: folder.appendingPathComponent("fhir", isDirectory: true))
                written += names.map { "fhir/" + $0 } + ["fhir/index.jsonl"]
            }
            if let html {
                Memory.releaseFreed()
                try put("report.html", Array(html.render(notes: notes, profiles: profiles, run: run, noteText: noteText).utf8))
            }
        } catch {
            _ = sqlite?.wait()
            throw error
        }
        if let sqlite {
            if let error = sqlite.wait() { throw error }
            written.append("results.sqlite")
        }
        return written
    }
}

/// `SQLiteWriter.write` on a thread of its own; `wait()` joins it and returns its error.
private final class SQLiteJob: @unchecked Sendable {
    // Written by the worker before `done` is signalled and read only after `wait()`: the semaphore orders them.
    private var error: (any Error)?
    private let done = DispatchSemaphore(value: 0)
    private let path: String
    private let notes: [NoteResult]
    private let profiles: [PatientProfile]
    private let run: RunInfo

    init(path: String, notes: [NoteResult], profiles: [PatientProfile], run: RunInfo) {
        (self.path, self.notes, self.profiles, self.run) = (path, notes, profiles, run)
    }

    func start() {
        let thread = Thread { [self] in
            do {
                try SQLiteWriter.write(path: path, notes: notes, profiles: profiles, run: run)
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
