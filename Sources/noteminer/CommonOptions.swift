import ArgumentParser
import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline

/// Inputs shared by every command that reads notes.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Notes: a .txt file, a folder of .txt files (optional manifest.csv), a .jsonl file (note_id, text, ...), a .csv file with a text column, or - for JSON Lines on stdin.", valueName: "inputs"))
    var inputs: [String]

    @Option(name: .customLong("lexicons"), help: ArgumentHelp("Folder with the data files (default: the Lexicons folder of this installation).", valueName: "dir"))
    var lexiconDirectory: String?

    @Option(help: "Notes processed in parallel (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("max-note-bytes"), help: "Notes larger than this many bytes are refused (0 = no limit).")
    var maxNoteBytes: Int = 10 * 1024 * 1024

    @Option(help: ArgumentHelp("Encoding of note files: auto (UTF-8; UTF-16 by byte order mark; Windows-1252 when clearly so), utf-8, windows-1252, latin-1, utf-16le, utf-16be.", valueName: "name"))
    var encoding: TextEncoding = .auto

    @Option(name: .customLong("text-column"), help: "CSV input: the column holding the note text.") var textColumn = "text"
    @Option(name: .customLong("id-column"), help: "CSV input: the note id column (default note_id; the record number when absent).") var idColumn = "note_id"
    @Option(name: .customLong("patient-column"), help: "CSV input: the patient id column.") var patientColumn = "patient_id"
    @Option(name: .customLong("date-column"), help: "CSV input: the note date column.") var dateColumn = "date"
    @Option(name: .customLong("type-column"), help: "CSV input: the note type column.") var typeColumn = "note_type"

    @Flag(name: .customLong("follow-links"), help: "Follow symbolic links in input folders that point outside the folder.")
    var followLinks = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input (file, folder or -)") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if maxNoteBytes < 0 { throw ValidationError("--max-note-bytes must not be negative") }
    }

    func makeReader() throws -> NoteReader {
        var options = NoteReader.Options()
        options.maxNoteBytes = maxNoteBytes
        options.followExternalLinks = followLinks
        options.encoding = encoding
        options.csvColumns.text = textColumn
        options.csvColumns.id = idColumn
        options.csvColumns.patient = patientColumn
        options.csvColumns.date = dateColumn
        options.csvColumns.noteType = typeColumn
        do {
            return try NoteReader(inputs: inputs, options: options)
        } catch let e as InputError {
            throw CLIError.setup(e.message)
        }
    }

    func lexicons() throws -> String {
        do {
            return try ResourceLocator.lexiconDirectory(explicit: lexiconDirectory)
        } catch let e as InputError {
            throw CLIError.setup(e.message)
        }
    }
}

extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) {
        let normalized = argument.lowercased().replacingOccurrences(of: "_", with: "-")
        switch normalized {
        case "utf8": self = .utf8
        case "cp1252", "windows1252": self = .windows1252
        case "latin1", "iso-8859-1", "iso8859-1": self = .latin1
        case "utf16le": self = .utf16LE
        case "utf16be": self = .utf16BE
        default: self.init(rawValue: normalized)
        }
    }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// Exit statuses (documented in the README): 0 all notes processed, 3 some refused (quarantined),
/// 1 setup error (bad lexicon, missing input), 2 usage error.
enum CLIError: Error, CustomStringConvertible {
    case setup(String)
    var description: String {
        switch self {
        case .setup(let m): return m
        }
    }
}

enum ExitStatus {
    static let someRefused: Int32 = 3
    static let setupError: Int32 = 1
}

/// Reports refusals and warnings on stderr, naming the note and the reason.
final class Diagnostics {
    private let err = OutputSink.standardError()
    private(set) var refused = 0
    private(set) var warned = 0

    func refusedNote(_ record: QuarantineRecord) {
        refused += 1
        err.write("noteminer: refused \(record.description)\n")
    }

    func warnings(_ warnings: [NoteWarning], note: Note, source: SourceLocation) {
        for w in warnings where w.code != "bom_removed" {
            warned += 1
            err.write("noteminer: warning: note '\(note.noteID)' at \(source): \(w.message)\n")
        }
    }

    /// Exits with status 3 when any note was refused, after everything else was written.
    func finish() throws {
        if refused > 0 {
            err.write("noteminer: \(refused) note(s) refused; see the messages above\n")
            throw ExitCode(ExitStatus.someRefused)
        }
    }
}

/// Maps library setup errors to exit status 1 with a clear message.
func runMappingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as CLIError {
        OutputSink.standardError().write("noteminer: error: \(e.description)\n")
        throw ExitCode(ExitStatus.setupError)
    } catch let e as DataFileError {
        OutputSink.standardError().write("noteminer: error: \(e.description)\n")
        throw ExitCode(ExitStatus.setupError)
    }
}

/// The shipped ADR model in the Lexicons folder this installation finds (see `ResourceLocator`).
func defaultADRModelPath() throws -> String {
    do {
        return PipelineProcessor.defaultModelPath(lexiconDirectory: try ResourceLocator.lexiconDirectory())
    } catch let e as InputError {
        throw CLIError.setup(e.message)
    }
}
