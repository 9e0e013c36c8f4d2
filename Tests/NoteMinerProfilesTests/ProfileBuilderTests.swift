import Testing
@testable import NoteMinerProfiles

func mention(_ concept: String, rf: String? = nil, category: String = "condition", codes: [String] = [],
             negated: Bool = false, possible: Bool = false, historical: Bool = false, hypothetical: Bool = false,
             family: Bool = false, at begin: Int = 0) -> MentionRecord {
    MentionRecord(begin: begin, end: begin + concept.count, text: concept, conceptID: concept, preferredName: concept,
                  category: category, codes: codes.map { CodingRecord(system: "ICD-10-CM", code: $0) }, riskFactor: rf,
                  negated: negated, possible: possible, historical: historical, hypothetical: hypothetical, family: family)
}

@Suite struct ProfileBuilderTests {
    @Test func statusPrecedencePresentThenPossibleThenAbsentThenFamily() {
        var b = ProfileBuilder()
        b.add(NoteResult(noteID: "n1", patientID: "p", date: "2024-01-01", mentions: [
            mention("diabetes", rf: "diabetes", negated: true),
            mention("hypertension", rf: "hypertension", family: true),
            mention("asthma", rf: "asthma", possible: true),
            mention("stroke", rf: "cerebrovascular_disease", hypothetical: true),
            mention("obesity", rf: "obesity", family: true),
        ]))
        b.add(NoteResult(noteID: "n2", patientID: "p", date: "2024-02-01", mentions: [
            mention("diabetes", rf: "diabetes", historical: true),
            mention("asthma", rf: "asthma", negated: true),
            mention("obesity", rf: "obesity", negated: true),
        ]))
        let p = b.profiles()[0]
        #expect(p.status(of: .diabetes) == .present)
        #expect(p.status(of: .hypertension) == .familyOnly)
        #expect(p.status(of: .asthma) == .possible)
        #expect(p.status(of: .cerebrovascularDisease) == .notMentioned)
        #expect(p.status(of: .obesity) == .absent)
        let diabetes = p.riskFactors.first { $0.id == .diabetes }!.finding
        #expect(diabetes.firstDate == "2024-02-01" && diabetes.mentions == 2 && diabetes.evidence.count == 1)
    }

    @Test func charlsonQuanMappingWithHierarchyAndAge() {
        let s = Charlson.score(codes: ["E11.9", "E11.22", "I50.9", "C78.00", "C34.90", "N18.4"], age: 67)
        #expect(s.components["diabetes_with_complications"] == 2)
        #expect(s.components["diabetes_without_complications"] == nil)
        #expect(s.components["metastatic_solid_tumor"] == 6)
        #expect(s.components["any_malignancy"] == nil)
        #expect(s.components["congestive_heart_failure"] == 1)
        #expect(s.components["renal_disease"] == 2)
        #expect(s.agePoints == 2)
        #expect(s.index == 2 + 6 + 1 + 2 + 2)
        #expect(Charlson.score(codes: ["I10"], age: nil).index == 0)
        // Lower case, no dot, or a longer code below a listed prefix score alike; a code that only shares a
        // shorter stem with a prefix ("I2" vs "I21") does not count.
        #expect(Charlson.score(codes: ["e1122", "i50.9", "c7800", "C3490", "n184"], age: 67) == s)
        #expect(Charlson.score(codes: ["I2", "I252"], age: nil).components == ["myocardial_infarction": 1])
        #expect(Charlson.score(codes: ["", "."], age: nil).index == 0)
    }

    @Test func charlsonCountsOnlyAffirmedConditions() {
        var b = ProfileBuilder()
        b.add(NoteResult(noteID: "n", patientID: "p", age: 45, mentions: [
            mention("chf", codes: ["I50.9"], negated: true),
            mention("copd", codes: ["J44.9"]),
            mention("mi", codes: ["I21.9"], family: true),
        ]))
        #expect(b.profiles()[0].charlson.index == 1)
    }

    @Test func mergingPartitionsInAnyOrderIsByteIdentical() {
        var results: [NoteResult] = []
        for i in 0..<60 {
            results.append(NoteResult(noteID: "n\(i)", patientID: "p\(i % 7)", date: "2024-01-\(10 + i % 20)", mentions: [
                mention("htn", rf: "hypertension", negated: i % 3 == 0, at: i),
                mention("dm", rf: "diabetes", family: i % 4 == 0, at: i + 5),
            ], adrSentences: i % 5 == 0 ? [ADRSentenceRecord(sentence: 0, begin: 0, end: 10, text: "x", probability: 0.9,
                                                              pairs: [PairRecord(drug: "d\(i)", effect: "e")])] : []))
        }
        var whole = ProfileBuilder()
        results.forEach { whole.add($0) }
        let expected = whole.profiles().flatMap { $0.jsonLine() }
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<5 {
            var parts = Array(repeating: ProfileBuilder(), count: 7)
            for r in results.shuffled(using: &rng) { parts[Int.random(in: 0..<7, using: &rng)].add(r) }
            var merged = ProfileBuilder()
            for p in parts.shuffled(using: &rng) { merged.merge(p) }
            #expect(merged.profiles().flatMap { $0.jsonLine() } == expected)
        }
    }

    @Test func featureMatrixHasFixedColumnsAndOneRowPerPatient() {
        var b = ProfileBuilder()
        b.add(NoteResult(noteID: "n", patientID: "p,1", mentions: [mention("htn", rf: "hypertension")]))
        let lines = FeatureMatrix.csv(b.profiles()).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("patient_id,n_notes,hypertension,hypertension_status,diabetes,diabetes_status"))
        #expect(lines[0].hasSuffix("charlson_index,n_adverse_events"))
        #expect(lines[1].hasPrefix("\"p,1\",1,1,present,0,not_mentioned"))
        #expect(lines[0].split(separator: ",").count == 2 + 36 + 2)
    }
}

/// Deterministic generator for shuffles in tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E3779B97F4A7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

import Foundation

@Suite struct NoteResultJSONTests {
    @Test func jsonLineRoundTripsThroughDecoder() throws {
        let r = NoteResult(noteID: "n\"1", patientID: "p", date: "2024-01-01", noteType: "ed", age: 71, mentions: [
            mention("chest pain", rf: nil, category: "adverse_effect", negated: true),
        ], adrSentences: [ADRSentenceRecord(sentence: 3, begin: 10, end: 40, text: "rash after amoxicillin", probability: 0.91234,
                                            pairs: [PairRecord(drug: "amoxicillin", effect: "rash")],
                                            explanation: [ContributionRecord(feature: "w:after", contribution: 0.5)])])
        let line = r.jsonLine()
        #expect(line.last == 0x0A)
        let decoded = try JSONDecoder().decode(NoteResult.self, from: Data(line))
        #expect(decoded.noteID == "n\"1" && decoded.age == 71 && decoded.mentions == r.mentions)
        #expect(decoded.adrSentences[0].probability == 0.9123)
        #expect(decoded.jsonLine() == line)  // stable re-serialization: resume and profile rely on it
    }
}

@Suite struct ConceptMembersJSONTests {
    /// The table only makes lines faster: with it, without it, for records whose concept matches its entry,
    /// differs from it in any member, or is not in it, the bytes are the same.
    @Test func linesAreTheSameWithAndWithoutTheTable() {
        let codes = [CodingRecord(system: "ICD-10-CM", code: "E11.9"), CodingRecord(system: "SNOMED", code: "44054006")]
        let table = ConceptMembersJSON(concepts: [
            ("cond:dm", "type 2 \"diabetes\"", "condition", codes, "diabetes"),
            ("drug:x", "x", "drug", [], nil),
            ("cond:dm", "a second entry for the same id is ignored", "condition", [], nil),
        ])
        func record(_ id: String, _ name: String, _ category: String, _ codes: [CodingRecord], _ rf: String?,
                    negated: Bool = false, family: Bool = false, evidence: [EvidenceRecord] = []) -> MentionRecord {
            MentionRecord(begin: 3, end: 9, text: "T2DM\n", conceptID: id, preferredName: name, category: category, codes: codes,
                          riskFactor: rf, section: "hpi", sentence: 2, negated: negated, family: family, evidence: evidence)
        }
        var ambiguous = record("drug:x", "x", "drug", [], nil)
        ambiguous.ambiguous = true
        ambiguous.alternatives = ["drug:y"]
        let mentions = [
            record("cond:dm", "type 2 \"diabetes\"", "condition", codes, "diabetes"),
            record("cond:dm", "type 2 \"diabetes\"", "condition", codes, "diabetes", negated: true,
                   evidence: [EvidenceRecord(attribute: "negated", trigger: "no", begin: 0, end: 2)]),
            record("cond:dm", "renamed", "condition", codes, "diabetes"),
            record("cond:dm", "type 2 \"diabetes\"", "adverse_effect", codes, "diabetes"),
            record("cond:dm", "type 2 \"diabetes\"", "condition", Array(codes.prefix(1)), "diabetes"),
            record("cond:dm", "type 2 \"diabetes\"", "condition", codes, nil, family: true),
            record("drug:x", "x", "drug", [], nil),
            record("drug:unknown", "u", "drug", [], nil),
            ambiguous,
        ]
        let r = NoteResult(noteID: "n", patientID: "p", mentions: mentions)
        let plain = r.jsonLine()
        #expect(r.jsonLine(concepts: table) == plain)
        var pieces: [UInt8] = []
        r.writeJSONLine(pieceBytes: 100, concepts: table) { pieces += $0 }
        #expect(pieces == plain)
        // And the field-by-field bytes are what a decoder reads back.
        let decoded = try? JSONDecoder().decode(NoteResult.self, from: Data(plain))
        #expect(decoded?.mentions == mentions)
    }
}

@Suite struct ProfileEvidenceTests {
    /// Evidence is the first `evidenceLimit` mentions with the winning status, in note and text order; the dates
    /// span every winning mention's note, not only those shown; `mentions` counts every mention.
    @Test func evidenceAndDatesComeFromTheWinningMentions() {
        var b = ProfileBuilder()
        b.evidenceLimit = 2
        b.add(NoteResult(noteID: "a", patientID: "p", date: "2024-03-01", mentions: [
            mention("htn", rf: "hypertension", negated: true, at: 1),
            mention("htn", rf: "hypertension", at: 10),
            mention("htn", rf: "hypertension", at: 20),
        ]))
        b.add(NoteResult(noteID: "b", patientID: "p", date: nil, mentions: [mention("htn", rf: "hypertension", at: 5)]))
        b.add(NoteResult(noteID: "c", patientID: "p", date: "2024-05-01", mentions: [mention("htn", rf: "hypertension", at: 7)]))
        b.add(NoteResult(noteID: "d", patientID: "p", date: "2023-01-01", mentions: [mention("htn", rf: "hypertension", negated: true, at: 2)]))
        let p = b.profiles()[0]
        let f = p.riskFactors.first { $0.id == .hypertension }!.finding
        #expect(f.status == .present && f.mentions == 6)
        #expect(f.firstDate == "2024-03-01" && f.lastDate == "2024-05-01")
        // Notes in (date, id) order: the undated note b first.
        #expect(f.evidence.map { "\($0.noteID)@\($0.begin)" } == ["b@5", "a@10"])
        let condition = p.conditions.first { $0.conceptID == "htn" }!
        #expect(condition.finding == f && condition.riskFactor == "hypertension")
    }
}

@Suite struct UTF8OrderTests {
    /// Profiles order ids and dates by their UTF-8 bytes: the block comparison agrees with the byte-by-byte one on
    /// empty strings, prefixes, small and heap-allocated strings, and non-ASCII text (where UTF-8 byte order and
    /// Swift's String order differ).
    @Test func blockComparisonIsUTF8ByteOrder() {
        let words = ["", "a", "ab", "abc", "b", "2024-01-01", "2024-01-02", "2024-1-1", "p0001", "p0010", "é", "e\u{301}",
                     "ﬁ", "fi", "😀", "z", "a-much-longer-patient-identifier-1", "a-much-longer-patient-identifier-2", "Ω", "\u{0}"]
        for a in words {
            for b in words {
                #expect(utf8Less(a, b) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(a.debugDescription) < \(b.debugDescription)")
            }
        }
    }
}
