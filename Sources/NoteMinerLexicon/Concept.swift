import NoteMinerModel

/// What a concept is about. The raw values are the ids used in output (`"category"`) and in lexicon headers.
public enum ConceptCategory: String, Sendable, CaseIterable, Hashable, Codable {
    case condition
    case drug
    case adverseEffect = "adverse_effect"

    public static var allIDs: [String] { allCases.map(\.rawValue) }
}

/// The closed set of cardiovascular and lifestyle risk factors a condition can count towards. Patient profiles
/// aggregate on these ids, so a lexicon may use only these (the loader rejects anything else).
public enum RiskFactor: String, Sendable, CaseIterable, Hashable, Codable {
    case hypertension
    case diabetes
    case hyperlipidemia
    case obesity
    case coronaryArteryDisease = "coronary_artery_disease"
    case heartFailure = "heart_failure"
    case atrialFibrillation = "atrial_fibrillation"
    case cerebrovascularDisease = "cerebrovascular_disease"
    case chronicKidneyDisease = "chronic_kidney_disease"
    case copd
    case asthma
    case cancer
    case depression
    case anxiety
    case smoking
    case alcoholUse = "alcohol_use"
    case obstructiveSleepApnea = "obstructive_sleep_apnea"
    case hypothyroidism

    public static var allIDs: [String] { allCases.map(\.rawValue) }
}

/// A code in a public terminology, e.g. ("ICD-10-CM", "I10", "Essential (primary) hypertension").
public struct Coding: Sendable, Hashable, Codable {
    public var system: String
    public var code: String
    public var display: String?

    public init(system: String, code: String, display: String? = nil) {
        self.system = system
        self.code = code
        self.display = display
    }
}

/// One surface form of a concept as written in the lexicon (not yet normalized: the matcher tokenizes it
/// with the runtime tokenizer so terms and notes are normalized the same way).
public struct LexiconTerm: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case preferred, synonym, brand, abbreviation
    }

    public var text: String
    public var kind: Kind
    /// Listed in the concept's `ambiguous` column: the term has another common reading (another concept,
    /// or a non-concept such as "PE" = physical exam), so a match needs context to be trusted.
    public var isAmbiguous: Bool
    /// Sections in which the ambiguity is resolved in favour of this concept (`term@section,...` in the
    /// `ambiguous` column); empty when the lexicon gives no hint.
    public var preferredSections: [SectionCategory]

    public init(text: String, kind: Kind, isAmbiguous: Bool = false, preferredSections: [SectionCategory] = []) {
        self.text = text
        self.kind = kind
        self.isAmbiguous = isAmbiguous
        self.preferredSections = preferredSections
    }

    public var isAbbreviation: Bool { kind == .abbreviation }

    /// Whether the matcher should compare this term case-sensitively. Short capitalised abbreviations
    /// ("AF", "MS", "PE", "CA") collide with ordinary words and units when case is folded, so abbreviations
    /// of at most two letters and ambiguous abbreviations match only as written when they contain a capital.
    /// Longer unambiguous ones ("HTN", "COPD", "afib") are written in any case by clinicians.
    public var isCaseSensitive: Bool {
        guard kind == .abbreviation, text.contains(where: { $0.isUppercase }) else { return false }
        return isAmbiguous || text.unicodeScalars.filter({ $0.properties.isAlphabetic }).count <= 2
    }
}

/// A lexicon entry: a condition, drug or adverse effect with its surface forms and codes.
public struct Concept: Sendable, Hashable {
    public var id: String
    public var preferredName: String
    public var category: ConceptCategory
    /// Preferred name first, then synonyms, brand names and abbreviations in file order, without duplicates.
    public var terms: [LexiconTerm]
    public var codes: [Coding]
    public var riskFactor: RiskFactor?
    public var drugClass: String?
    /// The concept's own words deny its risk factor ("never smoker", "non-drinker"): a mention of it is a
    /// negated mention of the risk factor, with the words themselves as the evidence.
    public var deniesRiskFactor: Bool = false
    /// Where the concept was defined, `file:line`, for error messages and provenance.
    public var source: String

    public init(id: String, preferredName: String, category: ConceptCategory, terms: [LexiconTerm], codes: [Coding],
                riskFactor: RiskFactor? = nil, drugClass: String? = nil, source: String = "") {
        self.id = id
        self.preferredName = preferredName
        self.category = category
        self.terms = terms
        self.codes = codes
        self.riskFactor = riskFactor
        self.drugClass = drugClass
        self.source = source
    }
}
