import Foundation
import NoteMinerModel
import NoteMinerPipeline
import Testing

/// End-to-end extraction over the shipped Lexicons folder: the mentions a coder would be handed, with codes,
/// assertions and evidence offsets that slice back to the trigger text.
@Suite("ConceptExtractor")
struct ConceptExtractorTests {
    static let lexicons: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Lexicons").path
    }()

    static let extractor: ConceptExtractor = {
        do { return try ConceptExtractor.load(lexiconDirectory: lexicons) } catch { fatalError("shipped lexicons do not load: \(error)") }
    }()

    /// Code point slice of `text`.
    func slice(_ text: String, _ begin: Int, _ end: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[begin..<end])
        return String(s)
    }

    @Test func coderFacingAssertions() throws {
        let text = """
            HISTORY OF PRESENT ILLNESS:
            Patient denies chest pain. He has a history of hypertension. Mother had a stroke.
            Return to the ED if you develop shortness of breath.
            """
        let (_, mentions) = Self.extractor.process(Note(noteID: "n1", text: text))
        func mention(_ surface: String) throws -> ExtractedMention {
            try #require(mentions.first { $0.record.text.lowercased() == surface }, "no mention '\(surface)' in \(mentions.map(\.record.text))")
        }
        let pain = try mention("chest pain")
        #expect(pain.record.negated && !pain.record.family)
        #expect(pain.record.evidence.map(\.trigger) == ["denies"])
        let htn = try mention("hypertension")
        #expect(htn.record.historical && !htn.record.negated)
        #expect(htn.record.codes.contains { $0.system == "ICD-10-CM" && $0.code.hasPrefix("I10") })
        #expect(htn.record.riskFactor == "hypertension")
        let stroke = try mention("stroke")
        #expect(stroke.record.family)
        let sob = try mention("shortness of breath")
        #expect(sob.record.hypothetical)
        for m in mentions {
            #expect(slice(text, m.record.begin, m.record.end) == m.record.text)
            for e in m.record.evidence where e.attribute != "allergy" {
                #expect(slice(text, e.begin, e.end) == e.trigger)
            }
            #expect(m.record.section == "history_of_present_illness")
        }
    }

    /// A vaccine named after its disease is an immunization, not the disease: "her COVID-19 vaccine" or "flu shot"
    /// must not code COVID-19 or influenza for the patient. The disease named on its own still is one.
    @Test(arguments: [("She got her COVID-19 vaccine last month.", "drug:covid_19_vaccine"),
                      ("Confirms receiving both Covid vaccinations.", "drug:covid_19_vaccine"),
                      ("He had his flu shot in October.", "drug:influenza_vaccine"),
                      ("The patient is due for the shingles vaccine.", "drug:zoster_vaccine"),
                      ("Hep B vaccine series complete.", "drug:hepatitis_b_vaccine"),
                      ("Pneumonia vaccine is up to date.", "drug:pneumococcal_vaccine"),
                      ("Tetanus shot in 2019.", "drug:tetanus_toxoid")])
    func immunizationsAreNotTheirDisease(text: String, vaccine: String) {
        let (_, mentions) = Self.extractor.process(Note(noteID: "v", text: text))
        #expect(mentions.map(\.record.conceptID) == [vaccine], "\(mentions.map { ($0.record.text, $0.record.conceptID) })")
        #expect(mentions.allSatisfy { $0.record.category == "drug" })
    }

    @Test func diseasesNamedAloneAreStillConditions() {
        let (_, mentions) = Self.extractor.process(Note(noteID: "d", text: "Tested positive for COVID-19. He has influenza and shingles."))
        #expect(mentions.map(\.record.conceptID) == ["cond:covid19", "cond:influenza", "cond:herpes_zoster"])
    }

    @Test func sectionHeadersAreNotMentions() {
        let (_, mentions) = Self.extractor.process(Note(noteID: "h", text: "ALLERGIES:\nPenicillin (rash).\n"))
        #expect(!mentions.contains { $0.record.text == "ALLERGIES" })
        let rash = mentions.first { $0.record.text == "rash" }
        #expect(rash?.record.evidence.contains { $0.attribute == "allergy" && $0.trigger.hasPrefix("ALLERGIES") } == true)
    }

    @Test func jsonAndTSVOutputs() throws {
        let text = "Denies nausea.\nTaking lisinopril 10 mg daily."
        let (_, mentions) = Self.extractor.process(Note(noteID: "n2", text: text))
        var w = JSONWriter()
        ExtractOutput.jsonLine(noteID: "n2", mentions: mentions, into: &w)
        let object = try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any]
        let list = try #require(object?["mentions"] as? [[String: Any]])
        #expect(list.contains { ($0["text"] as? String) == "lisinopril" && ($0["category"] as? String) == "drug" })
        #expect(list.contains { ($0["text"] as? String) == "nausea" && ($0["negated"] as? Bool) == true })
        let rows = ExtractOutput.tsvRows(noteID: "n2", mentions: mentions).split(separator: "\n")
        let columns = ExtractOutput.tsvHeader.split(separator: "\t").count
        #expect(rows.count == mentions.count)
        for r in rows { #expect(r.split(separator: "\t", omittingEmptySubsequences: false).count == columns) }
    }

    @Test func userLexiconsAndRulesLoadWithoutRecompiling() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nm-ctx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("my_rules.jsonl").path
        try "{\"literal\": \"free of\", \"category\": \"negated\", \"direction\": \"forward\"}\n{\"literal\": \"zzqx\", \"category\": \"negated\", \"direction\": \"forward\"}\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let extractor = try ConceptExtractor.load(lexiconDirectory: Self.lexicons, extraLexicons: [rules])
        let (_, mentions) = extractor.process(Note(noteID: "n3", text: "Zzqx nausea."))
        #expect(mentions.first { $0.record.text == "nausea" }?.record.negated == true)
        let bad = dir.appendingPathComponent("bad.jsonl").path
        try "{\"literal\": \"x\", \"category\": \"negated\", \"direction\": \"sideways\"}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: DataFileError.self) { try ConceptExtractor.load(lexiconDirectory: Self.lexicons, extraLexicons: [bad]) }
    }
}
