import NoteMinerModel

extension NoteResult {
    /// The `notes.jsonl` line with keys in documented order (byte-identical across runs). `concepts`, the
    /// lexicon's concept members serialized once, only makes it faster.
    public func jsonLine(concepts: ConceptMembersJSON? = nil) -> [UInt8] {
        // Reserving the estimate avoids the doubling copy, which on a note of millions of mentions was a third of
        // the run's peak memory; with no piece limit the line comes out whole.
        var line: [UInt8] = []
        writeJSONLine(pieceBytes: .max, reserving: estimatedLineBytes, concepts: concepts) { line = $0 }
        return line
    }

    /// About what `jsonLine()` takes: ~450 bytes per mention and 1 KB per ADR sentence, rounded up.
    public var estimatedLineBytes: Int { 256 + mentions.count * 480 + adrSentences.count * 1200 }

    /// `jsonLine()` in pieces of about `pieceBytes`, handed to `sink` in order: a note with a million mentions
    /// has a line of half a gigabyte, which need not exist in memory all at once.
    public func writeJSONLine(pieceBytes: Int = 1 << 20, concepts: ConceptMembersJSON? = nil, _ sink: ([UInt8]) throws -> Void) rethrows {
        try writeJSONLine(pieceBytes: pieceBytes, reserving: pieceBytes + 64 * 1024, concepts: concepts, sink)
    }

    private func writeJSONLine(pieceBytes: Int, reserving: Int, concepts: ConceptMembersJSON?, _ sink: ([UInt8]) throws -> Void) rethrows {
        var w = JSONWriter(reserving: reserving)
        writeHead(into: &w)
        w.key("mentions")
        w.beginArray()
        let keys = RecordKeys.shared
        // Through the buffer: `for m in mentions` copied each record (retaining and releasing its strings).
        try mentions.withUnsafeBufferPointer { ms in
            for i in ms.indices {
                NoteResult.writeMention(ms.baseAddress! + i, into: &w, keys: keys, concepts: concepts)
                if w.count >= pieceBytes { try sink(w.takeBytes()) }
            }
        }
        w.endArray()
        w.key("adr_sentences")
        w.beginArray()
        for a in adrSentences {
            NoteResult.writeADRSentence(a, into: &w)
            if w.count >= pieceBytes { try sink(w.takeBytes()) }
        }
        w.endArray()
        w.endObject()
        w.newline()
        try sink(w.bytes)
    }

    private func writeHead(into w: inout JSONWriter) {
        w.beginObject()
        w.field("schema_version", schemaVersion)
        w.field("note_id", noteID)
        w.field("patient_id", patientID)
        w.field("date", date)
        w.field("note_type", noteType)
        w.key("age"); if let age { w.int(age) } else { w.null() }
    }

    /// The `adr_sentences` array of the per-note schema.
    public static func writeADRSentences(_ adrSentences: [ADRSentenceRecord], into w: inout JSONWriter) {
        w.beginArray()
        for a in adrSentences { writeADRSentence(a, into: &w) }
        w.endArray()
    }

    static func writeADRSentence(_ a: ADRSentenceRecord, into w: inout JSONWriter) {
        let k = RecordKeys.shared
        w.beginObject()
        w.field(k.sentence, a.sentence); w.field(k.begin, a.begin); w.field(k.end, a.end); w.field(k.text, a.text)
        w.field(k.probability, a.probability, digits: 4)
        w.key(k.pairs); writePairs(a.pairs, into: &w)
        w.key(k.explanation); writeExplanation(a.explanation, into: &w)
        w.endObject()
    }

    /// An ADR sentence's `pairs` array, as `notes.jsonl` and the database's `pairs_json` hold it.
    public static func writePairs(_ pairs: [PairRecord], into w: inout JSONWriter) {
        let k = RecordKeys.shared
        w.beginArray()
        for p in pairs { w.beginObject(); w.field(k.drug, p.drug); w.field(k.effect, p.effect); w.endObject() }
        w.endArray()
    }

    /// An ADR sentence's `explanation` array, as `notes.jsonl` and the database's `explanation_json` hold it.
    public static func writeExplanation(_ explanation: [ContributionRecord], into w: inout JSONWriter) {
        let k = RecordKeys.shared
        w.beginArray()
        for c in explanation { w.beginObject(); w.field(k.feature, c.feature); w.field(k.contribution, c.contribution, digits: 4); w.endObject() }
        w.endArray()
    }

    /// A mention's `evidence` array (its ConText triggers), as `notes.jsonl` and the database's `evidence_json`
    /// hold it.
    public static func writeEvidence(_ evidence: [EvidenceRecord], into w: inout JSONWriter) {
        let k = RecordKeys.shared
        w.beginArray()
        for e in evidence {
            w.beginObject(); w.field(k.attribute, e.attribute); w.field(k.trigger, e.trigger); w.field(k.begin, e.begin); w.field(k.end, e.end); w.endObject()
        }
        w.endArray()
    }

    /// The `mentions` array of the extract schema.
    public static func writeMentions(_ mentions: [MentionRecord], into w: inout JSONWriter, concepts: ConceptMembersJSON? = nil) {
        w.beginArray()
        mentions.withUnsafeBufferPointer { ms in
            for i in ms.indices { writeMention(ms.baseAddress! + i, into: &w, keys: RecordKeys.shared, concepts: concepts) }
        }
        w.endArray()
    }

    /// Reads the record in place: passing `mentions[i]` by value copied it (retaining and releasing its strings).
    /// The concept members, the five flags when all false and an empty evidence list are copied from bytes
    /// serialized once: together they are most of a record.
    static func writeMention(_ p: UnsafePointer<MentionRecord>, into w: inout JSONWriter, keys k: RecordKeys,
                             concepts: ConceptMembersJSON?) {
        w.beginObject()
        w.field(k.begin, p.pointee.begin); w.field(k.end, p.pointee.end); w.field(k.text, p.pointee.text)
        if concepts?.write(p, into: &w) != true { writeConceptMembers(p, into: &w, keys: k) }
        w.field(k.section, p.pointee.section); w.field(k.sentence, p.pointee.sentence)
        if !p.pointee.negated && !p.pointee.possible && !p.pointee.historical && !p.pointee.hypothetical && !p.pointee.family {
            w.members(k.noFlags)
        } else {
            w.field(k.negated, p.pointee.negated); w.field(k.possible, p.pointee.possible); w.field(k.historical, p.pointee.historical)
            w.field(k.hypothetical, p.pointee.hypothetical); w.field(k.family, p.pointee.family)
        }
        if p.pointee.evidence.isEmpty {
            w.members(k.noEvidence)
        } else {
            w.key(k.evidence); writeEvidence(p.pointee.evidence, into: &w)
        }
        if p.pointee.ambiguous {
            w.field(k.ambiguous, true)
            w.key(k.alternatives); w.beginArray()
            for a in p.pointee.alternatives { w.string(a) }
            w.endArray()
        }
        w.endObject()
    }
}

extension NoteResult {
    /// `concept_id` … `risk_factor` of a mention record.
    static func writeConceptMembers(_ p: UnsafePointer<MentionRecord>, into w: inout JSONWriter, keys k: RecordKeys) {
        writeConceptMembers(id: p.pointee.conceptID, preferredName: p.pointee.preferredName, category: p.pointee.category,
                            codes: p.pointee.codes, riskFactor: p.pointee.riskFactor, into: &w, keys: k)
    }

    static func writeConceptMembers(id: String, preferredName: String, category: String, codes: [CodingRecord],
                                    riskFactor: String?, into w: inout JSONWriter, keys k: RecordKeys) {
        w.field(k.conceptID, id); w.field(k.preferredName, preferredName); w.field(k.category, category)
        w.key(k.codes); w.beginArray()
        for c in codes { w.beginObject(); w.field(k.system, c.system); w.field(k.code, c.code); w.endObject() }
        w.endArray()
        w.field(k.riskFactor, riskFactor)
    }
}

/// The concept members of mention records (`concept_id`, `preferred_name`, `category`, `codes`, `risk_factor`)
/// serialized once per lexicon concept: every mention of a concept repeats them byte for byte, and writing them
/// field by field was about a third of the cost of a `notes.jsonl` line. A record whose members differ from its
/// concept's entry (one read back from a file made with other lexicons, say) is written field by field, so the
/// bytes are the same either way.
public final class ConceptMembersJSON: Sendable {
    private struct Entry: Sendable {
        let preferredName: String
        let category: String
        let codes: [CodingRecord]
        let riskFactor: String?
        let bytes: Range<Int>
    }

    /// Entries are read in place through their index: copying one out of a dictionary retained and released its
    /// four members for every mention written.
    private let entries: [Entry]
    private let index: [String: Int]
    private let bytes: [UInt8]

    /// The first entry for an id counts (a lexicon's ids are unique).
    public init(concepts: [(id: String, preferredName: String, category: String, codes: [CodingRecord], riskFactor: String?)]) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var all: [UInt8] = []
        for c in concepts where index[c.id] == nil {
            let start = all.count
            all += JSONWriter.memberBytes { w in
                NoteResult.writeConceptMembers(id: c.id, preferredName: c.preferredName, category: c.category, codes: c.codes,
                                               riskFactor: c.riskFactor, into: &w, keys: RecordKeys.shared)
            }
            index[c.id] = entries.count
            entries.append(Entry(preferredName: c.preferredName, category: c.category, codes: c.codes, riskFactor: c.riskFactor,
                                 bytes: start..<all.count))
        }
        self.entries = entries
        self.index = index
        bytes = all
    }

    /// Writes the record's concept members if they are its concept's entry; false (nothing written) otherwise.
    func write(_ p: UnsafePointer<MentionRecord>, into w: inout JSONWriter) -> Bool {
        guard let i = index[p.pointee.conceptID] else { return false }
        return entries.withUnsafeBufferPointer { entries in
            let e = entries.baseAddress! + i
            guard e.pointee.preferredName == p.pointee.preferredName, e.pointee.category == p.pointee.category,
                  e.pointee.riskFactor == p.pointee.riskFactor, e.pointee.codes == p.pointee.codes else { return false }
            bytes.withUnsafeBufferPointer { w.members(UnsafeBufferPointer(rebasing: $0[e.pointee.bytes])) }
            return true
        }
    }
}

/// The keys of the per-note and per-patient records (`notes.jsonl`, `profiles.jsonl`), escaped once: a
/// 10,000-note run writes millions of them.
final class RecordKeys: Sendable {
    static let shared = RecordKeys()
    let adverseEvents = JSONWriter.Key("adverse_events")
    let age = JSONWriter.Key("age")
    let agePoints = JSONWriter.Key("age_points")
    let alternatives = JSONWriter.Key("alternatives")
    let ambiguous = JSONWriter.Key("ambiguous")
    let attribute = JSONWriter.Key("attribute")
    let begin = JSONWriter.Key("begin")
    let category = JSONWriter.Key("category")
    let charlson = JSONWriter.Key("charlson")
    let code = JSONWriter.Key("code")
    let codes = JSONWriter.Key("codes")
    let components = JSONWriter.Key("components")
    let conceptID = JSONWriter.Key("concept_id")
    let contribution = JSONWriter.Key("contribution")
    let date = JSONWriter.Key("date")
    let drug = JSONWriter.Key("drug")
    let effect = JSONWriter.Key("effect")
    let end = JSONWriter.Key("end")
    let evidence = JSONWriter.Key("evidence")
    let explanation = JSONWriter.Key("explanation")
    let family = JSONWriter.Key("family")
    let feature = JSONWriter.Key("feature")
    let firstDate = JSONWriter.Key("first_date")
    let historical = JSONWriter.Key("historical")
    let hypothetical = JSONWriter.Key("hypothetical")
    let index = JSONWriter.Key("index")
    let lastDate = JSONWriter.Key("last_date")
    let mentions = JSONWriter.Key("mentions")
    let negated = JSONWriter.Key("negated")
    let noteID = JSONWriter.Key("note_id")
    let noteType = JSONWriter.Key("note_type")
    let notes = JSONWriter.Key("notes")
    let pairs = JSONWriter.Key("pairs")
    let patientID = JSONWriter.Key("patient_id")
    let possible = JSONWriter.Key("possible")
    let preferredName = JSONWriter.Key("preferred_name")
    let probability = JSONWriter.Key("probability")
    let riskFactor = JSONWriter.Key("risk_factor")
    let riskFactors = JSONWriter.Key("risk_factors")
    let schemaVersion = JSONWriter.Key("schema_version")
    let scores = JSONWriter.Key("scores")
    let section = JSONWriter.Key("section")
    let sentence = JSONWriter.Key("sentence")
    let status = JSONWriter.Key("status")
    let system = JSONWriter.Key("system")
    let text = JSONWriter.Key("text")
    let trigger = JSONWriter.Key("trigger")
    /// A mention's five assertion flags when all are false, as most are.
    let noFlags = JSONWriter.Members { w in
        for name in ["negated", "possible", "historical", "hypothetical", "family"] { w.field(name, false) }
    }
    let noEvidence = JSONWriter.Members { w in w.key("evidence"); w.beginArray(); w.endArray() }
}
