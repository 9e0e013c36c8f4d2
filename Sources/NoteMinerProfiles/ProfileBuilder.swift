import Foundation
import NoteMinerModel

/// Folds per-note results into one profile per patient.
///
/// The fold is associative and commutative: a builder only collects note results keyed by note id, and
/// everything order-dependent happens in `profiles()`, which sorts. So partitions merged in any order give
/// byte-identical profiles (what a Spark job needs). If the same note id arrives twice with different
/// content, the record whose serialization sorts first wins — again independent of arrival order.
public struct ProfileBuilder: Sendable {
    private var notes: [String: NoteResult] = [:]
    /// Evidence items kept per finding (the `mentions` count is always complete).
    public var evidenceLimit = 5

    public init() {}

    public var noteCount: Int { notes.count }

    public mutating func add(_ result: NoteResult) {
        // Keys are computed only when two records share a note id, which is rare.
        if let existing = notes[result.noteID],
           !ProfileBuilder.identityKey(result).lexicographicallyPrecedes(ProfileBuilder.identityKey(existing)) { return }
        notes[result.noteID] = result
    }

    public mutating func merge(_ other: ProfileBuilder) {
        for (_, v) in other.notes { add(v) }
    }

    private static func identityKey(_ r: NoteResult) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        w.string(r.patientID); w.optionalString(r.date); w.optionalString(r.noteType)
        if let age = r.age { w.int(age) } else { w.null() }
        for m in r.mentions {
            w.beginArray()
            w.int(m.begin); w.int(m.end); w.string(m.conceptID); w.string(m.section)
            w.bool(m.negated); w.bool(m.possible); w.bool(m.historical); w.bool(m.hypothetical); w.bool(m.family)
            w.endArray()
        }
        for a in r.adrSentences {
            w.beginArray(); w.int(a.begin); w.double(a.probability)
            for p in a.pairs { w.string(p.drug); w.string(p.effect) }
            w.endArray()
        }
        w.endArray()
        return w.bytes
    }

    /// Profiles sorted by patient id (byte order). Patients are built in parallel; the result does not depend on it.
    public func profiles() -> [PatientProfile] {
        var byPatient: [String: [NoteResult]] = [:]
        for (_, v) in notes { byPatient[v.patientID, default: []].append(v) }
        let ids = byPatient.keys.sorted(by: utf8Less)
        let groups = ids.map { byPatient[$0]! }
        byPatient = [:]
        let evidenceLimit = self.evidenceLimit
        return Parallel.map(count: ids.count) { i in
            let results = groups[i].sorted { a, b in
                let da = a.date ?? "", db = b.date ?? ""
                return da != db ? utf8Less(da, db) : utf8Less(a.noteID, b.noteID)
            }
            return PatientProfile.build(patientID: ids[i], notes: results, evidenceLimit: evidenceLimit)
        }
    }
}

/// Byte order of the UTF-8 forms, compared a block at a time: the generic `lexicographicallyPrecedes` went byte by
/// byte through the views' iterators, and profiles compare dates for every mention they count.
func utf8Less(_ a: String, _ b: String) -> Bool {
    let ordered = a.utf8.withContiguousStorageIfAvailable { pa in
        b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
            let n = min(pa.count, pb.count)
            let c = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
            return c != 0 ? c < 0 : pa.count < pb.count
        }
    }
    return (ordered ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// One patient's profile (`profiles.jsonl`). See README "profiles.jsonl" for the schema.
public struct PatientProfile: Sendable, Hashable {
    private static var K: RecordKeys { RecordKeys.shared }
    public static let schemaVersion = 1

    public struct Evidence: Sendable, Hashable {
        public var noteID: String
        public var date: String?
        public var begin: Int
        public var end: Int
        public var text: String
        public var section: String
    }

    public struct Finding: Sendable, Hashable {
        public var status: FindingStatus
        public var firstDate: String?
        public var lastDate: String?
        public var mentions: Int
        public var evidence: [Evidence]
    }

    public struct CodedFinding: Sendable, Hashable {
        public var conceptID: String
        public var preferredName: String
        public var codes: [CodingRecord]
        public var riskFactor: String?
        public var finding: Finding
    }

    public struct AdverseEvent: Sendable, Hashable {
        public var drug: String
        public var effect: String
        public var probability: Double
        public var noteID: String
        public var date: String?
        public var begin: Int
        public var end: Int
        public var text: String
    }

    public var patientID: String
    public var notes: [(noteID: String, date: String?, noteType: String?)]
    public var age: Int?
    public var riskFactors: [(id: RiskFactorID, finding: Finding)]
    public var conditions: [CodedFinding]
    public var medications: [CodedFinding]
    public var adverseEvents: [AdverseEvent]
    public var charlson: Charlson.Score

    public static func == (a: PatientProfile, b: PatientProfile) -> Bool { a.jsonLine() == b.jsonLine() }
    public func hash(into h: inout Hasher) { h.combine(jsonLine()) }

    /// Builds from a patient's notes already sorted by (date, note id).
    ///
    /// A hit is a (note, mention) index pair: evidence is made only for the few hits a finding shows, not for
    /// every mention (each `Evidence` retained four strings, for 860,000 mentions in a 10,000-note run). Hits
    /// are grouped per concept with one dictionary lookup per mention.
    static func build(patientID: String, notes: [NoteResult], evidenceLimit: Int) -> PatientProfile {
        struct Hit { var status: FindingStatus; var note: Int32; var mention: Int32 }
        /// Hits with the group (concept slot or risk factor) each belongs to, in mention order; grouped at the end
        /// (see `Grouped`). An array of hits per concept grew one by one, several allocations for every concept of
        /// every patient.
        struct Hits {
            var groups: [Int32] = []
            var hits: [Hit] = []
            mutating func append(_ group: Int, _ hit: Hit) {
                groups.append(Int32(group))
                hits.append(hit)
            }
        }
        /// Hits in group order, each group's in the order found: group `g` is `hits[starts[g]..<starts[g + 1]]`.
        struct Grouped {
            var hits: [Hit]
            var starts: [Int]
            init(_ h: Hits, groups: Int) {
                var starts = [Int](repeating: 0, count: groups + 1)
                for g in h.groups { starts[Int(g) + 1] += 1 }
                for g in 0..<groups { starts[g + 1] += starts[g] }
                var next = starts
                var hits = h.hits
                for (g, hit) in zip(h.groups, h.hits) {
                    hits[next[Int(g)]] = hit
                    next[Int(g)] += 1
                }
                self.hits = hits
                self.starts = starts
            }
            subscript(_ g: Int) -> ArraySlice<Hit> { hits[starts[g]..<starts[g + 1]] }
        }
        var slotOf: [String: Int] = [:]
        /// Per concept slot, in order of first mention: its id and its first hit (where its names and codes are read).
        var slotIDs: [String] = []
        var firsts: [Hit] = []
        var conditionHits = Hits(), drugHits = Hits(), riskFactorHits = Hits()
        var events: [AdverseEvent] = []
        var age: Int? = nil
        for (noteIndex, n) in notes.enumerated() {
            if let a = n.age { age = max(age ?? a, a) }
            // Through the buffer: `for m in n.mentions` copied each record, retaining and releasing its strings.
            n.mentions.withUnsafeBufferPointer { ms in
                for i in ms.indices {
                    let m = ms.baseAddress! + i
                    guard let status = FindingStatus.of(m.pointee) else { continue }
                    let hit = Hit(status: status, note: Int32(noteIndex), mention: Int32(i))
                    if let r = m.pointee.riskFactor, let id = RiskFactorID.index(of: r) { riskFactorHits.append(id, hit) }
                    let slot: Int
                    if let s = slotOf[m.pointee.conceptID] {
                        slot = s
                    } else {
                        slot = slotIDs.count
                        slotOf[m.pointee.conceptID] = slot
                        slotIDs.append(m.pointee.conceptID)
                        firsts.append(hit)
                    }
                    switch m.pointee.category {
                    case "condition": conditionHits.append(slot, hit)
                    case "drug": drugHits.append(slot, hit)
                    default: break
                    }
                }
            }
            for s in n.adrSentences {
                for p in s.pairs {
                    events.append(AdverseEvent(drug: p.drug, effect: p.effect, probability: s.probability, noteID: n.noteID,
                                               date: n.date, begin: s.begin, end: s.end, text: s.text))
                }
            }
        }
        func finding(_ hits: ArraySlice<Hit>) -> Finding {
            let status = hits.lazy.map(\.status).max() ?? .notMentioned
            var evidence: [Evidence] = []
            evidence.reserveCapacity(min(evidenceLimit, hits.count))  // grown one by one, it was reallocated twice or more
            var firstDate: String?, lastDate: String?
            // Notes read in place: `notes[i]` copied the whole result (its strings and arrays retained and released)
            // for every hit, hundreds per patient.
            notes.withUnsafeBufferPointer { notes in
                for h in hits where h.status == status {
                    let n = notes.baseAddress! + Int(h.note)
                    if evidence.count < evidenceLimit {
                        n.pointee.mentions.withUnsafeBufferPointer { ms in
                            let m = ms.baseAddress! + Int(h.mention)
                            evidence.append(Evidence(noteID: n.pointee.noteID, date: n.pointee.date, begin: m.pointee.begin,
                                                     end: m.pointee.end, text: m.pointee.text, section: m.pointee.section))
                        }
                    }
                    if let d = n.pointee.date {
                        if firstDate.map({ utf8Less(d, $0) }) ?? true { firstDate = d }
                        if lastDate.map({ utf8Less($0, d) }) ?? true { lastDate = d }
                    }
                }
            }
            return Finding(status: status, firstDate: firstDate, lastDate: lastDate, mentions: hits.count, evidence: evidence)
        }
        func coded(_ hits: Hits) -> [CodedFinding] {
            let grouped = Grouped(hits, groups: slotIDs.count)
            let withHits = slotIDs.indices.filter { !grouped[$0].isEmpty }.sorted { utf8Less(slotIDs[$0], slotIDs[$1]) }
            // Notes read in place, as in `finding`.
            return notes.withUnsafeBufferPointer { notes in
                withHits.map { s in
                    let first = firsts[s]
                    return notes[Int(first.note)].mentions.withUnsafeBufferPointer { ms in
                        let info = ms.baseAddress! + Int(first.mention)
                        return CodedFinding(conceptID: slotIDs[s], preferredName: info.pointee.preferredName, codes: info.pointee.codes,
                                            riskFactor: info.pointee.riskFactor, finding: finding(grouped[s]))
                    }
                }
            }
        }
        let riskFactorGroups = Grouped(riskFactorHits, groups: RiskFactorID.allCases.count)
        let conditions = coded(conditionHits)
        var affirmedCodes: [String] = []
        for c in conditions where c.finding.status == .present {
            for code in c.codes where code.system == "ICD-10-CM" { affirmedCodes.append(code.code) }
        }
        events.sort { a, b in
            if a.noteID != b.noteID { return utf8Less(a.noteID, b.noteID) }
            if a.begin != b.begin { return a.begin < b.begin }
            if a.drug != b.drug { return utf8Less(a.drug, b.drug) }
            return utf8Less(a.effect, b.effect)
        }
        return PatientProfile(
            patientID: patientID,
            notes: notes.map { ($0.noteID, $0.date, $0.noteType) },
            age: age,
            riskFactors: RiskFactorID.allCases.enumerated().map { ($1, finding(riskFactorGroups[$0])) },
            conditions: conditions,
            medications: coded(drugHits).filter { $0.finding.status != .familyOnly },
            adverseEvents: events,
            charlson: Charlson.score(codes: affirmedCodes, age: age))
    }

    public func status(of id: RiskFactorID) -> FindingStatus {
        // By index: `first(where:)` handed every finding, evidence and all, to its closure as a copy.
        for i in riskFactors.indices where riskFactors[i].id == id { return riskFactors[i].finding.status }
        return .notMentioned
    }

    /// The `profiles.jsonl` line, keys in documented order.
    public func jsonLine() -> [UInt8] {
        let K = Self.K
        // Reserved from the adverse events, which dominate big profiles (about 130 bytes plus their strings each, with a margin for escapes):
        // growing by doubling held up to twice the line.
        var w = JSONWriter(reserving: 16 * 1024 + (notes.count + conditions.count + medications.count) * 1200
                           + adverseEvents.reduce(0) { $0 + 200 + $1.text.utf8.count + $1.drug.utf8.count + $1.effect.utf8.count + $1.noteID.utf8.count } * 9 / 8)
        w.beginObject()
        w.field(K.schemaVersion, Self.schemaVersion)
        w.field(K.patientID, patientID)
        w.key(K.notes); w.beginArray()
        for n in notes {
            w.beginObject(); w.field(K.noteID, n.noteID); w.field(K.date, n.date); w.field(K.noteType, n.noteType); w.endObject()
        }
        w.endArray()
        w.key(K.age); if let age { w.int(age) } else { w.null() }
        w.key(K.riskFactors); w.beginObject()
        for (id, f) in riskFactors { w.key(id.rawValue); Self.write(f, into: &w) }
        w.endObject()
        for (name, list) in [("conditions", conditions), ("medications", medications)] {
            w.key(name); w.beginArray()
            for c in list {
                w.beginObject()
                w.field(K.conceptID, c.conceptID)
                w.field(K.preferredName, c.preferredName)
                w.key(K.codes); w.beginArray()
                for code in c.codes { w.beginObject(); w.field(K.system, code.system); w.field(K.code, code.code); w.endObject() }
                w.endArray()
                w.field(K.riskFactor, c.riskFactor)
                Self.writeFields(c.finding, into: &w)
                w.endObject()
            }
            w.endArray()
        }
        w.key(K.adverseEvents); w.beginArray()
        for e in adverseEvents {
            w.beginObject()
            w.field(K.drug, e.drug); w.field(K.effect, e.effect); w.field(K.probability, e.probability, digits: 4)
            w.field(K.noteID, e.noteID); w.field(K.date, e.date)
            w.key(K.evidence); w.beginObject(); w.field(K.begin, e.begin); w.field(K.end, e.end); w.field(K.text, e.text); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.key(K.scores); w.beginObject(); w.key(K.charlson); w.beginObject()
        w.field(K.index, charlson.index)
        w.field(K.agePoints, charlson.agePoints)
        w.key(K.components); w.beginObject()
        for k in charlson.components.keys.sorted() { w.field(k, charlson.components[k]!) }
        w.endObject()
        w.endObject(); w.endObject()
        w.endObject()
        w.newline()
        return w.bytes
    }

    private static func write(_ f: Finding, into w: inout JSONWriter) {
        w.beginObject()
        writeFields(f, into: &w)
        w.endObject()
    }

    private static func writeFields(_ f: Finding, into w: inout JSONWriter) {
        w.field(K.status, f.status.rawValue)
        w.field(K.firstDate, f.firstDate)
        w.field(K.lastDate, f.lastDate)
        w.field(K.mentions, f.mentions)
        w.key(K.evidence); writeEvidence(f.evidence, into: &w)
    }

    /// A finding's `evidence` array, as `profiles.jsonl` and the database's `risk_factors.evidence_json` hold it.
    public static func writeEvidence(_ evidence: [Evidence], into w: inout JSONWriter) {
        w.beginArray()
        for e in evidence {
            w.beginObject()
            w.field(K.noteID, e.noteID); w.field(K.begin, e.begin); w.field(K.end, e.end)
            w.field(K.text, e.text); w.field(K.section, e.section)
            w.endObject()
        }
        w.endArray()
    }
}
