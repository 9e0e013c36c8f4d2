/// The 18 risk factors every profile reports, in the fixed order of `profiles.jsonl` and `features.csv`.
public enum RiskFactorID: String, Sendable, CaseIterable, Codable {
    case hypertension, diabetes, hyperlipidemia, obesity
    case coronaryArteryDisease = "coronary_artery_disease"
    case heartFailure = "heart_failure"
    case atrialFibrillation = "atrial_fibrillation"
    case cerebrovascularDisease = "cerebrovascular_disease"
    case chronicKidneyDisease = "chronic_kidney_disease"
    case copd, asthma, cancer, depression, anxiety, smoking
    case alcoholUse = "alcohol_use"
    case obstructiveSleepApnea = "obstructive_sleep_apnea"
    case hypothyroidism

    private static let indexByRawValue = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1.rawValue, $0) })

    /// The position of the risk factor named `rawValue` in `allCases`, or nil for any other string.
    public static func index(of rawValue: String) -> Int? { indexByRawValue[rawValue] }
}

/// A patient-level finding status. Raw values appear in outputs.
///
/// When a patient's mentions disagree, the strongest wins: present, then possible, then absent, then
/// family_only. Hypothetical talk ("at risk of stroke", "we will screen for diabetes") is not a mention.
public enum FindingStatus: String, Sendable, CaseIterable, Codable, Comparable {
    case present
    case possible
    case absent
    case familyOnly = "family_only"
    case notMentioned = "not_mentioned"

    var rank: Int {
        switch self {
        case .present: 4
        case .possible: 3
        case .absent: 2
        case .familyOnly: 1
        case .notMentioned: 0
        }
    }

    public static func < (a: FindingStatus, b: FindingStatus) -> Bool { a.rank < b.rank }

    /// What one mention says about the patient, or nil when it says nothing (hypothetical talk, a negated
    /// family statement, words the matcher could not tie to one concept).
    public static func of(_ m: MentionRecord) -> FindingStatus? {
        if m.hypothetical || m.ambiguous { return nil }
        if m.family { return m.negated ? nil : .familyOnly }
        if m.negated { return .absent }
        if m.possible { return .possible }
        return .present
    }
}
