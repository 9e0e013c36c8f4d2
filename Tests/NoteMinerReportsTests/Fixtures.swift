import Foundation
import NoteMinerProfiles
import TestSupport

/// Synthetic notes written for these tests, with result records whose offsets are computed from the text, so
/// highlights and snippets are checked against real positions.
enum Fixtures {
    static let texts: [String: String] = [
        "n1": """
            HISTORY: 67-year-old man with hypertension and type 2 diabetes. He denies chest pain.
            Mother has breast cancer. Possible COPD.
            PLAN: Started lisinopril <script>alert('x')</script> and developed a dry cough on lisinopril.
            """,
        "n2": "SOCIAL: Former smoker, quit 2010. No history of diabetes. Takes metformin daily.",
        "n3": "Rule out atrial fibrillation. Not taking warfarin. Aunt with hypothyroidism.",
    ]

    /// Code point range of the `nth` occurrence of `needle` in note `id`.
    static func range(_ id: String, _ needle: String, nth: Int = 0) -> (Int, Int) {
        let scalars = Array(texts[id]!.unicodeScalars), n = Array(needle.unicodeScalars)
        var seen = 0
        for i in 0...(scalars.count - n.count) where Array(scalars[i..<i + n.count]) == n {
            if seen == nth { return (i, i + n.count) }
            seen += 1
        }
        fatalError("fixture: '\(needle)' not in \(id)")
    }

    static func mention(_ note: String, _ text: String, concept: String, name: String, category: String = "condition",
                        codes: [(String, String)] = [], rf: String? = nil, section: String = "history",
                        negated: Bool = false, possible: Bool = false, historical: Bool = false, family: Bool = false,
                        trigger: (attribute: String, word: String)? = nil, nth: Int = 0) -> MentionRecord {
        let (b, e) = range(note, text, nth: nth)
        var evidence: [EvidenceRecord] = []
        if let trigger {
            let (tb, te) = range(note, trigger.word)
            evidence.append(EvidenceRecord(attribute: trigger.attribute, trigger: trigger.word, begin: tb, end: te))
        }
        return MentionRecord(begin: b, end: e, text: text, conceptID: concept, preferredName: name, category: category,
                             codes: codes.map { CodingRecord(system: $0.0, code: $0.1) }, riskFactor: rf, section: section,
                             negated: negated, possible: possible, historical: historical, family: family, evidence: evidence)
    }

    static var notes: [NoteResult] {
        let adrText = "Started lisinopril <script>alert('x')</script> and developed a dry cough on lisinopril."
        let (ab, ae) = range("n1", adrText)
        return [
            NoteResult(noteID: "n1", patientID: "P001", date: "2024-03-01", noteType: "progress", age: 67, mentions: [
                mention("n1", "hypertension", concept: "C0020538", name: "Hypertension", codes: [("ICD-10-CM", "I10")], rf: "hypertension"),
                mention("n1", "type 2 diabetes", concept: "C0011860", name: "Type 2 diabetes mellitus", codes: [("ICD-10-CM", "E11.9")], rf: "diabetes"),
                mention("n1", "chest pain", concept: "C0008031", name: "Chest pain", codes: [("ICD-10-CM", "R07.9")],
                        negated: true, trigger: ("negated", "denies")),
                mention("n1", "breast cancer", concept: "C0006142", name: "Breast cancer", codes: [("ICD-10-CM", "C50.919")], rf: "cancer",
                        family: true, trigger: ("family", "Mother")),
                mention("n1", "COPD", concept: "C0024117", name: "Chronic obstructive pulmonary disease", codes: [("ICD-10-CM", "J44.9")],
                        rf: "copd", possible: true, trigger: ("possible", "Possible")),
                mention("n1", "lisinopril", concept: "RX29046", name: "Lisinopril", category: "drug", codes: [("RxNorm", "29046")], section: "plan"),
                mention("n1", "dry cough", concept: "C0850149", name: "Dry cough", category: "adverse_effect", section: "plan"),
                mention("n1", "lisinopril", concept: "RX29046", name: "Lisinopril", category: "drug", codes: [("RxNorm", "29046")], section: "plan", nth: 1),
            ], adrSentences: [
                ADRSentenceRecord(sentence: 4, begin: ab, end: ae, text: adrText, probability: 0.91234,
                                  pairs: [PairRecord(drug: "lisinopril", effect: "dry cough")],
                                  explanation: [ContributionRecord(feature: "developed", contribution: 1.25)]),
            ]),
            NoteResult(noteID: "n2", patientID: "P001", date: "2024-04-02", mentions: [
                mention("n2", "smoker", concept: "C0337664", name: "Smoker", codes: [("ICD-10-CM", "Z87.891")], rf: "smoking",
                        section: "social", historical: true, trigger: ("historical", "Former")),
                mention("n2", "diabetes", concept: "C0011860", name: "Type 2 diabetes mellitus", codes: [("ICD-10-CM", "E11.9")], rf: "diabetes",
                        section: "social", negated: true, trigger: ("negated", "No history of")),
                mention("n2", "metformin", concept: "RX6809", name: "Metformin", category: "drug", codes: [("RxNorm", "6809")], section: "social"),
            ]),
            NoteResult(noteID: "n3", patientID: "../../etc/passwd", mentions: [
                mention("n3", "atrial fibrillation", concept: "C0004238", name: "Atrial fibrillation", codes: [("ICD-10-CM", "I48.91")],
                        rf: "atrial_fibrillation", possible: true, trigger: ("possible", "Rule out")),
                mention("n3", "warfarin", concept: "RX11289", name: "Warfarin", category: "drug", codes: [("RxNorm", "11289")],
                        negated: true, trigger: ("negated", "Not taking")),
                mention("n3", "hypothyroidism", concept: "C0020676", name: "Hypothyroidism", codes: [("ICD-10-CM", "E03.9")],
                        rf: "hypothyroidism", family: true, trigger: ("family", "Aunt")),
            ]),
        ]
    }

    static var profiles: [PatientProfile] {
        var b = ProfileBuilder()
        for n in notes { b.add(n) }
        return b.profiles()
    }

    static let run = RunInfo(toolVersion: "0.0.0-test", lexiconFingerprint: String(repeating: "ab", count: 32),
                             modelFingerprint: String(repeating: "cd", count: 32), startedAt: "2026-01-01T00:00:00Z",
                             quarantined: 1, inputs: ["fixtures"])

    static let noteText: @Sendable (String) -> String? = { texts[$0] }

    /// The repository's `Reports/` folder.
    static var reportsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Reports").path
    }

    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let url = try TestScratch.folder("reports").appendingPathComponent(name.filter { $0.isLetter || $0.isNumber })
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
