import Foundation
import NoteMinerModel

/// Where a note came from, for messages and quarantine records.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line for line-oriented inputs (JSON Lines, CSV); nil for one-note-per-file inputs.
    public var line: Int?
    public init(file: String, line: Int? = nil) {
        self.file = file
        self.line = line
    }
    public var description: String { line.map { "\(file):\($0)" } ?? file }
}

/// A note NoteMiner refused, and why. Every input note ends up either in the results or in one of these.
public struct QuarantineRecord: Sendable, Hashable {
    /// The note id as given (nil when the record had none we could read).
    public var noteID: String?
    public var source: SourceLocation
    public var reason: RefusalReason
    public var message: String

    public init(noteID: String?, source: SourceLocation, reason: RefusalReason, message: String) {
        self.noteID = noteID
        self.source = source
        self.reason = reason
        self.message = message
    }

    /// One-line human message naming the note and the reason.
    public var description: String {
        "note \(noteID.map { "'\($0)'" } ?? "(no id)") at \(source): \(reason.rawValue): \(message)"
    }
}

/// One item read from the inputs, in input order.
public enum NoteInput: Sendable {
    case note(Note, warnings: [NoteWarning], source: SourceLocation)
    case refused(QuarantineRecord)
}

/// An error in the inputs as a whole (a path that does not exist, an unreadable folder): a setup error,
/// unlike a bad note, which is quarantined and the run goes on.
public struct InputError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
