import Foundation
import NoteMinerModel
import NoteMinerProfiles
import NoteMinerText

/// The whole per-note pipeline, in order: text stage (sections → tokens → sentences) → concept mentions →
/// ConText assertions → ADR sentences → a `NoteResult`. Loaded once per process from the lexicon folder.
public struct PipelineProcessor: NoteProcessing {
    public let extractor: ConceptExtractor
    public let fingerprint: String

    public static func load(lexiconDirectory: String, extraLexicons: [String] = []) throws -> PipelineProcessor {
        let extractor = try ConceptExtractor.load(lexiconDirectory: lexiconDirectory, extraLexicons: extraLexicons)
        return PipelineProcessor(extractor: extractor, fingerprint: try Fingerprint.of(directory: lexiconDirectory, extra: extraLexicons))
    }

    public func process(_ note: Note, warnings: [NoteWarning]) -> NoteResult {
        let (_, mentions) = extractor.process(note, warnings: warnings)
        return NoteResult(noteID: note.noteID, patientID: note.effectivePatientID, date: note.date, noteType: note.noteType,
                          age: AgeExtractor.age(in: note.text), mentions: mentions.map(\.record), adrSentences: [])
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
