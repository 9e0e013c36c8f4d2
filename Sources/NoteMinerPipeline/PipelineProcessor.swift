import Foundation
import NoteMinerADR
import NoteMinerModel
import NoteMinerProfiles
import NoteMinerText

/// The whole per-note pipeline, in order: text stage (sections → tokens → sentences) → concept mentions →
/// ConText assertions → ADR sentences → a `NoteResult`. Loaded once per process from the lexicon folder.
public struct PipelineProcessor: NoteProcessing {
    public let extractor: ConceptExtractor
    /// Nil only when the caller asked for no ADR model (`--no-adr`).
    public let adr: ADRStage?
    public let fingerprint: String
    public var conceptMembers: ConceptMembersJSON? { extractor.conceptMembers }

    /// The shipped ADR model inside a lexicon folder.
    public static func defaultModelPath(lexiconDirectory: String) -> String { lexiconDirectory + "/models/adr.json" }

    /// Loads every stage. `modelPath` nil → the shipped model, or no ADR stage when the lexicon folder has none
    /// (check `adr`); "" → no ADR stage; a path that does not load is an error.
    public static func load(lexiconDirectory: String, extraLexicons: [String] = [], modelPath: String? = nil) throws -> PipelineProcessor {
        // The lexicons on one thread, the model and the fingerprint on another: they are independent, and each half
        // is about a third of a command's start-up. Errors are reported in the order a sequential load meets them.
        enum Part: Sendable { case extractor(ConceptExtractor), rest(adr: ADRStage?, fingerprint: String) }
        let parts = Parallel.map(count: 2) { i -> Result<Part, any Error> in
            Result {
                if i == 0 { return .extractor(try ConceptExtractor.load(lexiconDirectory: lexiconDirectory, extraLexicons: extraLexicons)) }
                let shipped = defaultModelPath(lexiconDirectory: lexiconDirectory)
                let path = modelPath ?? (FileManager.default.fileExists(atPath: shipped) ? shipped : "")
                let adr = path.isEmpty ? nil : ADRStage(model: try ADRModel.load(path: path))
                var extra = extraLexicons
                if let modelPath, !modelPath.isEmpty { extra.append(modelPath) }
                return .rest(adr: adr, fingerprint: try Fingerprint.of(directory: lexiconDirectory, extra: extra))
            }
        }
        guard case .extractor(let extractor) = try parts[0].get(), case .rest(let adr, let fingerprint) = try parts[1].get() else {
            preconditionFailure("part 0 is the extractor, part 1 the rest")
        }
        return PipelineProcessor(extractor: extractor, adr: adr, fingerprint: fingerprint)
    }

    public func process(_ note: Note, warnings: [NoteWarning]) -> NoteResult {
        // The document goes out of scope before the result records are built: for a big note the document,
        // the mentions and their records together were the run's peak memory.
        let (mentions, adrSentences): ([MentionRecord], [ADRSentenceRecord]) = {
            let (doc, found) = extractor.processRecords(note, warnings: warnings)
            return (found.records, adr?.sentences(doc, records: found.records, utf8Ranges: found.utf8Ranges) ?? [])
        }()
        return NoteResult(noteID: note.noteID, patientID: note.effectivePatientID, date: note.date, noteType: note.noteType,
                          age: AgeExtractor.age(in: note.text), mentions: mentions, adrSentences: adrSentences)
    }
}

/// A fingerprint of everything that determines results: the tool version and every data file's bytes.
public enum Fingerprint {
    public static let toolVersion = "0.1.0"

    public static func of(directory: String, extra: [String]) throws -> String {
        var h = SHA256()
        h.update(toolVersion)
        let fm = FileManager.default
        var files: [String] = []
        if let e = fm.enumerator(atPath: directory) {
            for case let rel as String in e where !rel.hasSuffix(".md") {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: directory + "/" + rel, isDirectory: &isDir), !isDir.boolValue { files.append(rel) }
            }
        }
        for rel in files.sorted() {
            h.update([0]); h.update(rel); h.update([0])
            if let d = fm.contents(atPath: directory + "/" + rel) { h.update(d) }
        }
        for path in extra {
            h.update([1]); h.update(path)
            if let d = fm.contents(atPath: path) { h.update(d) }
        }
        return SHA256.hexString(h.finalize())
    }
}
