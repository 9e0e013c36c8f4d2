/// The per-note result record (`notes.jsonl`, one line per note), as every profile consumer reads it.
///
/// Profiles are built only from these records, never from in-memory pipeline state, so a profile built from
/// results produced anywhere (another machine, a Spark executor, an earlier interrupted run) is the same.
/// Offsets are Unicode code point offsets into the note text, half-open.
public struct NoteResult: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

    public var schemaVersion: Int
    public var noteID: String
    public var patientID: String
    public var date: String?
    public var noteType: String?
    /// Patient age in years when the metadata or the note states it ("62-year-old").
    public var age: Int?
    public var mentions: [MentionRecord]
    public var adrSentences: [ADRSentenceRecord]

    public init(noteID: String, patientID: String, date: String? = nil, noteType: String? = nil, age: Int? = nil,
                mentions: [MentionRecord] = [], adrSentences: [ADRSentenceRecord] = []) {
        self.schemaVersion = Self.schemaVersion
        self.noteID = noteID
        self.patientID = patientID
        self.date = date
        self.noteType = noteType
        self.age = age
        self.mentions = mentions
        self.adrSentences = adrSentences
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", noteID = "note_id", patientID = "patient_id", date, noteType = "note_type"
        case age, mentions, adrSentences = "adr_sentences"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? Self.schemaVersion
        noteID = try c.decode(String.self, forKey: .noteID)
        patientID = try c.decodeIfPresent(String.self, forKey: .patientID) ?? noteID
        date = try c.decodeIfPresent(String.self, forKey: .date)
        noteType = try c.decodeIfPresent(String.self, forKey: .noteType)
        age = try c.decodeIfPresent(Int.self, forKey: .age)
        mentions = try c.decodeIfPresent([MentionRecord].self, forKey: .mentions) ?? []
        adrSentences = try c.decodeIfPresent([ADRSentenceRecord].self, forKey: .adrSentences) ?? []
    }
}

public struct CodingRecord: Codable, Sendable, Hashable {
    public var system: String
    public var code: String
    public init(system: String, code: String) {
        self.system = system
        self.code = code
    }
}

public struct EvidenceRecord: Codable, Sendable, Hashable {
    public var attribute: String
    public var trigger: String
    public var begin: Int
    public var end: Int
    public init(attribute: String, trigger: String, begin: Int, end: Int) {
        self.attribute = attribute
        self.trigger = trigger
        self.begin = begin
        self.end = end
    }
}

/// One concept mention with its ConText assertions (the `extract` record).
public struct MentionRecord: Codable, Sendable, Hashable {
    public var begin: Int
    public var end: Int
    public var text: String
    public var conceptID: String
    public var preferredName: String
    /// `condition`, `drug` or `adverse_effect`.
    public var category: String
    public var codes: [CodingRecord]
    public var riskFactor: String?
    public var section: String
    public var sentence: Int
    public var negated: Bool
    public var possible: Bool
    public var historical: Bool
    public var hypothetical: Bool
    public var family: Bool
    public var evidence: [EvidenceRecord]
    /// The matched words name several concepts and the section did not settle which: reported, but not
    /// counted in patient profiles.
    public var ambiguous: Bool = false

    public init(begin: Int, end: Int, text: String, conceptID: String, preferredName: String, category: String,
                codes: [CodingRecord] = [], riskFactor: String? = nil, section: String = "other", sentence: Int = 0,
                negated: Bool = false, possible: Bool = false, historical: Bool = false, hypothetical: Bool = false,
                family: Bool = false, evidence: [EvidenceRecord] = []) {
        self.begin = begin
        self.end = end
        self.text = text
        self.conceptID = conceptID
        self.preferredName = preferredName
        self.category = category
        self.codes = codes
        self.riskFactor = riskFactor
        self.section = section
        self.sentence = sentence
        self.negated = negated
        self.possible = possible
        self.historical = historical
        self.hypothetical = hypothetical
        self.family = family
        self.evidence = evidence
    }

    enum CodingKeys: String, CodingKey {
        case begin, end, text, conceptID = "concept_id", preferredName = "preferred_name", category, codes
        case riskFactor = "risk_factor", section, sentence, negated, possible, historical, hypothetical, family, evidence
        case ambiguous
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        begin = try c.decode(Int.self, forKey: .begin)
        end = try c.decode(Int.self, forKey: .end)
        text = try c.decode(String.self, forKey: .text)
        conceptID = try c.decode(String.self, forKey: .conceptID)
        preferredName = try c.decode(String.self, forKey: .preferredName)
        category = try c.decode(String.self, forKey: .category)
        codes = try c.decodeIfPresent([CodingRecord].self, forKey: .codes) ?? []
        riskFactor = try c.decodeIfPresent(String.self, forKey: .riskFactor)
        section = try c.decodeIfPresent(String.self, forKey: .section) ?? "other"
        sentence = try c.decodeIfPresent(Int.self, forKey: .sentence) ?? 0
        negated = try c.decodeIfPresent(Bool.self, forKey: .negated) ?? false
        possible = try c.decodeIfPresent(Bool.self, forKey: .possible) ?? false
        historical = try c.decodeIfPresent(Bool.self, forKey: .historical) ?? false
        hypothetical = try c.decodeIfPresent(Bool.self, forKey: .hypothetical) ?? false
        family = try c.decodeIfPresent(Bool.self, forKey: .family) ?? false
        evidence = try c.decodeIfPresent([EvidenceRecord].self, forKey: .evidence) ?? []
        ambiguous = try c.decodeIfPresent(Bool.self, forKey: .ambiguous) ?? false
    }
}

public struct PairRecord: Codable, Sendable, Hashable {
    public var drug: String
    public var effect: String
    public init(drug: String, effect: String) {
        self.drug = drug
        self.effect = effect
    }
}

/// One feature's share of a classifier score: with the bias, the contributions of a sentence sum to its logit.
public struct ContributionRecord: Codable, Sendable, Hashable {
    public var feature: String
    public var contribution: Double
    public init(feature: String, contribution: Double) {
        self.feature = feature
        self.contribution = contribution
    }
}

/// A sentence the ADR classifier flagged.
public struct ADRSentenceRecord: Codable, Sendable, Hashable {
    public var sentence: Int
    public var begin: Int
    public var end: Int
    public var text: String
    public var probability: Double
    public var pairs: [PairRecord]
    /// Top contributing features (largest absolute contribution first).
    public var explanation: [ContributionRecord]

    public init(sentence: Int, begin: Int, end: Int, text: String, probability: Double, pairs: [PairRecord],
                explanation: [ContributionRecord] = []) {
        self.sentence = sentence
        self.begin = begin
        self.end = end
        self.text = text
        self.probability = probability
        self.pairs = pairs
        self.explanation = explanation
    }

    enum CodingKeys: String, CodingKey { case sentence, begin, end, text, probability, pairs, explanation }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sentence = try c.decode(Int.self, forKey: .sentence)
        begin = try c.decode(Int.self, forKey: .begin)
        end = try c.decode(Int.self, forKey: .end)
        text = try c.decode(String.self, forKey: .text)
        probability = try c.decode(Double.self, forKey: .probability)
        pairs = try c.decodeIfPresent([PairRecord].self, forKey: .pairs) ?? []
        explanation = try c.decodeIfPresent([ContributionRecord].self, forKey: .explanation) ?? []
    }
}
