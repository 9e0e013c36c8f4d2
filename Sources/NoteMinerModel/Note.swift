/// One clinical note as it enters the pipeline. The text is the decoded note; every offset NoteMiner
/// reports points into exactly this string.
public struct Note: Sendable, Hashable {
    public var noteID: String
    /// When absent, downstream stages use the note id as the patient id.
    public var patientID: String?
    /// ISO 8601 date (yyyy-MM-dd) when known, kept as given otherwise.
    public var date: String?
    public var noteType: String?
    public var text: String

    public init(noteID: String, patientID: String? = nil, date: String? = nil, noteType: String? = nil, text: String) {
        self.noteID = noteID
        self.patientID = patientID
        self.date = date
        self.noteType = noteType
        self.text = text
    }

    /// The patient a note belongs to: its patient id, or the note id when none was given.
    public var effectivePatientID: String { patientID ?? noteID }
}

/// Something worth telling the user about a note that did not stop it from being processed
/// (for example invalid UTF-8 that was repaired).
public struct NoteWarning: Sendable, Hashable {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
