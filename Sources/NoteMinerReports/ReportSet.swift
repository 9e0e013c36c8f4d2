import Foundation
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
            try Data(bytes).write(to: folder.appendingPathComponent(name), options: .atomic)
            written.append(name)
        }
        if outputs.contains(.profiles) {
            var bytes: [UInt8] = []
            for p in profiles { bytes += p.jsonLine() }
            try put("profiles.jsonl", bytes)
        }
        if outputs.contains(.features) { try put("features.csv", Array(FeatureMatrix.csv(profiles).utf8)) }
        if outputs.contains(.fhir) {
            let names = try FHIRWriter.write(profiles, to: folder.appendingPathComponent("fhir", isDirectory: true))
            written += names.map { "fhir/" + $0 } + ["fhir/index.jsonl"]
        }
        if let html {
            try put("report.html", Array(html.render(notes: notes, profiles: profiles, run: run, noteText: noteText).utf8))
        }
        if outputs.contains(.sqlite) {
            try SQLiteWriter.write(path: folder.appendingPathComponent("results.sqlite").path, notes: notes, profiles: profiles, run: run)
            written.append("results.sqlite")
        }
        return written
    }
}
