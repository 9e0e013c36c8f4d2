/// Normalized section categories. The raw values are the ids users see; the set is closed.
public enum SectionCategory: String, Sendable, CaseIterable, Hashable, Codable {
    case chiefComplaint = "chief_complaint"
    case historyOfPresentIllness = "history_of_present_illness"
    case pastMedicalHistory = "past_medical_history"
    case pastSurgicalHistory = "past_surgical_history"
    case medications
    case allergies
    case familyHistory = "family_history"
    case socialHistory = "social_history"
    case reviewOfSystems = "review_of_systems"
    case physicalExam = "physical_exam"
    case vitals
    case results
    case assessment
    case plan
    case assessmentAndPlan = "assessment_and_plan"
    case impression
    case hospitalCourse = "hospital_course"
    case dischargeDiagnoses = "discharge_diagnoses"
    case dischargeMedications = "discharge_medications"
    case dischargeInstructions = "discharge_instructions"
    case instructions
    case procedures
    case subjective
    case objective
    case other

    /// The accepted ids, for error messages that list what is allowed.
    public static var allIDs: [String] { allCases.map(\.rawValue) }
}

/// A section of a note. `utf8Begin..<utf8End` covers the header and the body; the header text is
/// `headerBegin..<headerEnd` (empty for the leading section before any header). Sections tile the
/// note: they are in order, do not overlap, and cover every byte.
public struct Section: Sendable, Hashable {
    public var utf8Begin: Int32
    public var utf8End: Int32
    public var headerBegin: Int32
    public var headerEnd: Int32
    public var category: SectionCategory

    public init(utf8Begin: Int32, utf8End: Int32, headerBegin: Int32, headerEnd: Int32, category: SectionCategory) {
        self.utf8Begin = utf8Begin
        self.utf8End = utf8End
        self.headerBegin = headerBegin
        self.headerEnd = headerEnd
        self.category = category
    }

    public var utf8Range: Range<Int> { Int(utf8Begin)..<Int(utf8End) }
    public var headerRange: Range<Int> { Int(headerBegin)..<Int(headerEnd) }
    public var hasHeader: Bool { headerEnd > headerBegin }
}
