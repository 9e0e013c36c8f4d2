import Foundation
import NoteMinerModel
import Testing

@testable import NoteMinerText

/// The repository root, found from this file so tests run from any working directory.
private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private let shippedLexicon: SectionHeaderLexicon = {
    do {
        return try SectionHeaderLexicon.load(path: repoRoot.appendingPathComponent("Lexicons/sections.tsv").path)
    } catch {
        fatalError("Lexicons/sections.tsv does not load: \(error)")
    }
}()

private let detector = SectionDetector(lexicon: shippedLexicon)

/// One detected section as (header text, category), the form the expectations below are written in.
private struct Found: Equatable, CustomStringConvertible {
    var header: String
    var category: SectionCategory
    var description: String { "\(category.rawValue)<\(header)>" }
}

private func detect(_ text: String, with det: SectionDetector = detector) -> (sections: [Section], found: [Found]) {
    let bytes = Array(text.utf8)
    let sections = bytes.withUnsafeBufferPointer { det.detect($0) }
    let found = sections.map { Found(header: String(decoding: bytes[$0.headerRange], as: UTF8.self), category: $0.category) }
    return (sections, found)
}

private func expectTiling(_ sections: [Section], _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let n = text.utf8.count
    if n == 0 {
        #expect(sections.isEmpty, sourceLocation: sourceLocation)
        return
    }
    #expect(sections.first?.utf8Begin == 0, sourceLocation: sourceLocation)
    #expect(sections.last.map { Int($0.utf8End) } == n, sourceLocation: sourceLocation)
    for (a, b) in zip(sections, sections.dropFirst()) {
        #expect(a.utf8End == b.utf8Begin, "sections not contiguous", sourceLocation: sourceLocation)
    }
    for s in sections {
        #expect(s.utf8Begin < s.utf8End, "empty section", sourceLocation: sourceLocation)
        #expect(s.headerBegin >= s.utf8Begin && s.headerEnd <= s.utf8End && s.headerBegin <= s.headerEnd, sourceLocation: sourceLocation)
    }
}

@Suite struct SectionDetectorTests {
    @Test func shippedLexiconIsLargeAndLoads() {
        let sections = shippedLexicon.entries.filter { $0.role == .section }
        #expect(sections.count >= 150)
        // Every category can be produced by some header.
        let covered = Set(sections.map(\.category))
        #expect(covered == Set(SectionCategory.allCases))
    }

    @Test func ownLineHeadersInAnyCaseWithOrWithoutColon() {
        let text = """
            CHIEF COMPLAINT
            Cough.

            history of present illness:
            Three days of cough.
            Review Of Systems   
            Negative.
            PHYSICAL EXAM:
            Clear lungs.
            """
        let r = detect(text)
        #expect(r.found == [
            Found(header: "CHIEF COMPLAINT", category: .chiefComplaint),
            Found(header: "history of present illness:", category: .historyOfPresentIllness),
            Found(header: "Review Of Systems", category: .reviewOfSystems),
            Found(header: "PHYSICAL EXAM:", category: .physicalExam),
        ])
        expectTiling(r.sections, text)
    }

    @Test func inlineHeadersAtLineStart() {
        let text = "HPI: 67 yo man with cough.\nAssessment/Plan: pneumonia, start amoxicillin.\nA&P: as above.\nPE: NAD, lungs clear.\n"
        let r = detect(text)
        #expect(r.found == [
            Found(header: "HPI:", category: .historyOfPresentIllness),
            Found(header: "Assessment/Plan:", category: .assessmentAndPlan),
            Found(header: "A&P:", category: .assessmentAndPlan),
            Found(header: "PE:", category: .physicalExam),
        ])
        // The header line's section starts at the line start, the body follows the colon.
        #expect(r.sections[1].utf8Begin == 27)
        expectTiling(r.sections, text)
    }

    @Test(arguments: [
        ("HPI", SectionCategory.historyOfPresentIllness), ("PMH:", .pastMedicalHistory), ("PSH", .pastSurgicalHistory),
        ("FH:", .familyHistory), ("SH", .socialHistory), ("ROS:", .reviewOfSystems), ("PE", .physicalExam),
        ("A/P", .assessmentAndPlan), ("A & P:", .assessmentAndPlan), ("Hospital Course:", .hospitalCourse),
        ("Discharge Diagnoses", .dischargeDiagnoses), ("MEDICAL HISTORY", .pastMedicalHistory),
        ("PAST HISTORY", .pastMedicalHistory), ("VITALS REVIEWED", .vitals), ("PHYSICAL EXAMINATION", .physicalExam),
        ("CURRENT MEDICATIONS", .medications), ("SURGICAL HISTORY", .pastSurgicalHistory), ("INSTRUCTIONS", .instructions),
        ("IMPRESSION", .impression), ("RESULTS", .results), ("Vital Signs:", .vitals), ("Labs", .results),
        ("Imaging:", .results), ("Diagnosis", .assessment), ("Follow-up:", .plan), ("Follow up", .plan),
        ("Patient Instructions", .instructions), ("EXAM", .physicalExam), ("ASSESSMENT & PLAN", .assessmentAndPlan),
        ("Assessment / Plan", .assessmentAndPlan), ("CC:", .chiefComplaint), ("Past Medical History", .pastMedicalHistory),
        ("Discharge Medications:", .dischargeMedications), ("Brief Hospital Course", .hospitalCourse),
        ("Subjective:", .subjective), ("OBJECTIVE", .objective), ("Procedures", .procedures), ("Allergies:", .allergies),
        ("Plan", .plan), ("Assessment", .assessment), ("Discharge Instructions", .dischargeInstructions),
    ])
    func abbreviationsAndVariants(header: String, category: SectionCategory) {
        let text = "Seen today.\n\n\(header)\nBody text here.\n"
        let r = detect(text)
        #expect(r.found.map(\.category) == [.other, category], "\(header)")
        expectTiling(r.sections, text)
    }

    @Test func decorationIsTolerated() {
        let text = "## Chief Complaint\nCough\n**HPI:** cough for 3 days\n1. Past Medical History:\nHTN\n__PLAN__\nrest\n-- Review of Systems --\nnegative\nII. ALLERGIES\nNKDA\n• SOCIAL HISTORY\nnonsmoker\n"
        let r = detect(text)
        #expect(r.found.map(\.category) == [.chiefComplaint, .historyOfPresentIllness, .pastMedicalHistory, .plan, .reviewOfSystems, .allergies, .socialHistory])
        #expect(r.found.map(\.header) == ["Chief Complaint", "HPI:", "Past Medical History:", "PLAN", "Review of Systems", "ALLERGIES", "SOCIAL HISTORY"])
        expectTiling(r.sections, text)
    }

    /// "PE was ruled out", "Plan to follow up": ambiguous words in prose must not become headers.
    @Test func ambiguousWordsInProseAreNotHeaders() {
        let text = """
            ASSESSMENT
            Chest pain. PE was ruled out with CTA.
            PE was ruled out.
            Plan to follow up in two weeks.
            Results were discussed with the patient.
            Impression is that of a viral illness and we
            plan
            results
            exam
            Exam was normal.
            Allergies.
            Medications reviewed with the patient today and unchanged.
            """
        let r = detect(text)
        #expect(r.found == [Found(header: "ASSESSMENT", category: .assessment)])
    }

    @Test func bulletedInlineLabelsAreSubItems() {
        let text = "ASSESSMENT AND PLAN\n1. Hypertension\n- Plan: continue lisinopril.\n• Impression: stable.\n* Labs: BMP in 1 week.\n"
        #expect(detect(text).found.map(\.category) == [.assessmentAndPlan])
    }

    /// Problem titles in a numbered or bulleted plan that happen to be header words stay in the plan.
    @Test func listItemsNeedHeaderStyle() {
        let text = "ASSESSMENT AND PLAN\n1. Hypertension\n2. Allergies\n3. Allergies: seasonal, continue Flonase.\n• Medications\n4. Follow-up\n5. PLAN\n"
        let r = detect(text)
        #expect(r.found.map(\.category) == [.assessmentAndPlan, .plan])
        #expect(r.found.last?.header == "PLAN")
    }

    @Test func leadingTextIsOtherWithEmptyHeader() {
        let text = "Patient: **NAME[AAA, BBB M]\nDate: [**2019-01-01**]\n\nCHIEF COMPLAINT: cough\n"
        let r = detect(text)
        #expect(r.found == [Found(header: "", category: .other), Found(header: "CHIEF COMPLAINT:", category: .chiefComplaint)])
        #expect(r.sections[0].utf8Begin == 0 && r.sections[0].headerBegin == r.sections[0].headerEnd)
        expectTiling(r.sections, text)
    }

    @Test func noHeaderAndEmptyText() {
        let r = detect("Just a sentence without any header.")
        #expect(r.found == [Found(header: "", category: .other)])
        expectTiling(r.sections, "Just a sentence without any header.")
        #expect(detect("").sections.isEmpty)
    }

    /// An unknown ALL-CAPS label after a blank line stops the previous section; body-system labels do not.
    @Test func unknownAllCapsHeaderStartsOther() {
        let text = """
            FAMILY HISTORY
            Mother with breast cancer.

            ADDENDUM:
            WBC 12.

            PHYSICAL EXAM

            MSK:
            Tender knee.

            CONSTITUTIONAL:
            Well appearing.
            NEURO:
            Intact.
            BP: 120/80
            """
        let r = detect(text)
        #expect(r.found.map(\.category) == [.familyHistory, .other, .physicalExam])
        #expect(r.found[1].header == "ADDENDUM:")
        expectTiling(r.sections, text)
    }

    @Test func tilingHoldsOnMessyText() {
        let text = "\r\n  \nHPI:\r\nfever 🤒 and café au lait\r\n\n\n  PLAN  \r\nrest\nПлан: отдых\n\u{0}\nCC"
        let r = detect(text)
        expectTiling(r.sections, text)
        #expect(r.found.map(\.category) == [.other, .historyOfPresentIllness, .plan, .chiefComplaint])
    }

    @Test func loneCarriageReturnsEndLinesLikeLineFeeds() {
        let lf = "CHIEF COMPLAINT:\ncough\n\nHISTORY OF PRESENT ILLNESS:\nfever\n\nPLAN:\nrest\n"
        let cr = lf.replacingOccurrences(of: "\n", with: "\r")
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let expected: [SectionCategory] = [.chiefComplaint, .historyOfPresentIllness, .plan]
        for text in [lf, cr, crlf] {
            let r = detect(text)
            #expect(r.found.map(\.category) == expected)
            expectTiling(r.sections, text)
        }
        // Section starts are the same byte offsets for LF and lone CR (same length).
        #expect(detect(cr).sections.map(\.utf8Begin) == detect(lf).sections.map(\.utf8Begin))
    }

    @Test func minimalLexiconNeedsNoFile() {
        let r = detect("CHIEF COMPLAINT\ncough\nPlan: rest\n", with: SectionDetector())
        #expect(r.found.map(\.category) == [.chiefComplaint, .plan])
    }

    // MARK: loader errors name file and line

    private func loadError(_ body: String) -> String {
        do {
            _ = try SectionHeaderLexicon.parse(text: body, path: "sections.tsv")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func loaderRejectsUnknownCategory() {
        let e = loadError("# schema_version: 1\nheader\tcategory\nPlan\tplan\nLabs\tlaboratory\n")
        #expect(e.hasPrefix("sections.tsv:4:"), "\(e)")
        #expect(e.contains("unknown category 'laboratory'") && e.contains("assessment_and_plan"), "\(e)")
    }

    @Test func loaderRejectsUnknownColumn() {
        let e = loadError("# schema_version: 1\nheader\tcategory\tsynonym\nPlan\tplan\tx\n")
        #expect(e.hasPrefix("sections.tsv:2:") && e.contains("synonym"), "\(e)")
    }

    @Test func loaderRejectsDuplicateAfterNormalization() {
        let e = loadError("# schema_version: 1\nheader\tcategory\nAssessment and Plan\tassessment_and_plan\nHPI\thistory_of_present_illness\nASSESSMENT & PLAN\tassessment_and_plan\n")
        #expect(e.hasPrefix("sections.tsv:5:") && e.contains("duplicate") && e.contains("line 3"), "\(e)")
    }

    @Test func loaderRejectsBadValues() {
        #expect(loadError("# schema_version: 1\nheader\tcategory\tbare\nPlan\tplan\tmaybe\n").hasPrefix("sections.tsv:3:"))
        #expect(loadError("# schema_version: 1\nheader\tcategory\trole\nMSK\tphysical_exam\tsubheading\n").hasPrefix("sections.tsv:3:"))
        #expect(loadError("# schema_version: 1\nheader\tcategory\nPlan:\tplan\n").hasPrefix("sections.tsv:3:"))
        #expect(loadError("header\tcategory\nPlan\tplan\n").contains("schema_version"))
        #expect(loadError("# schema_version: 2\nheader\tcategory\nPlan\tplan\n").contains("not supported"))
        #expect(loadError("# schema_version: 1\nheader\tcategory\nPlan\tplan\n") == "no error")
    }

    // MARK: corpus: header detection rate

    /// Header-line detection rate over the ACI-Bench notes, judged by a heuristic that knows nothing of the
    /// lexicon: an ALL-CAPS line (or line prefix before a colon) of at most six words, mapped to the expected
    /// category by keywords. Candidates the keyword map does not know are left out of the rate.
    @Test func aciBenchHeaderDetectionRate() throws {
        guard let notesDir = corpusNotesFolder() else { return }
        let files = try FileManager.default.contentsOfDirectory(atPath: notesDir).filter { $0.hasSuffix(".txt") }.sorted()
        try #require(!files.isEmpty)
        var total = 0
        var hit = 0
        var misses: [String] = []
        for name in files {
            let data = try #require(FileManager.default.contents(atPath: notesDir + "/" + name))
            let bytes = [UInt8](data)
            let sections = bytes.withUnsafeBufferPointer { detector.detect($0) }
            expectTiling(sections, String(decoding: bytes, as: UTF8.self))
            let starts = Dictionary(sections.map { (Int($0.utf8Begin), $0.category) }, uniquingKeysWith: { a, _ in a })
            var lineStart = 0
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                defer { lineStart += line.count + 1 }
                guard let candidate = headerCandidate(String(decoding: line, as: UTF8.self)),
                      let expected = expectedCategory(candidate) else { continue }
                total += 1
                if starts[lineStart] == expected {
                    hit += 1
                } else {
                    misses.append("\(name): \(candidate) → \(starts[lineStart]?.rawValue ?? "none"), expected \(expected.rawValue)")
                }
            }
        }
        try #require(total > 500)
        let rate = Double(hit) / Double(total)
        #expect(rate >= 0.98, "header detection \(hit)/\(total); misses: \(misses.prefix(20))")
    }
}

private func corpusNotesFolder() -> String? {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["NOTEMINER_SHARED"] { candidates.append(env) }
    candidates.append(repoRoot.appendingPathComponent("../shared/corpora").standardized.path)
    candidates.append(repoRoot.appendingPathComponent("../../shared/corpora").standardized.path)
    for c in candidates {
        let dir = c + "/aci-bench/notes"
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue { return dir }
    }
    return nil
}

/// An ALL-CAPS header candidate of the line, or nil: the whole line (optional trailing colon), or the part
/// before a colon when text follows. Letters, spaces, `&` and `/` only; at most six words.
func headerCandidate(_ line: String) -> String? {
    var s = line.trimmingCharacters(in: .whitespacesAndNewlines)
    if let colon = s.firstIndex(of: ":") { s = String(s[..<colon]).trimmingCharacters(in: .whitespaces) }
    guard !s.isEmpty, s.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || $0 == " " || $0 == "&" || $0 == "/" }),
          s.unicodeScalars.contains(where: { ("A"..."Z").contains($0) }) else { return nil }
    guard s.split(separator: " ").count <= 6 else { return nil }
    return s
}

/// The category a header should get, by keywords; nil for labels this map does not know ("MSK", "NEURO").
func expectedCategory(_ h: String) -> SectionCategory? {
    func has(_ w: String) -> Bool { h.contains(w) }
    if has("DISCHARGE") {
        if has("DIAGNOS") { return .dischargeDiagnoses }
        if has("MEDICATION") { return .dischargeMedications }
        if has("INSTRUCTION") { return .dischargeInstructions }
    }
    if has("CHIEF COMPLAINT") || h == "CC" { return .chiefComplaint }
    if has("PRESENT ILLNESS") || h == "HPI" { return .historyOfPresentIllness }
    if has("REVIEW OF SYSTEMS") || h == "ROS" { return .reviewOfSystems }
    if has("FAMILY") { return .familyHistory }
    if has("SOCIAL") { return .socialHistory }
    if has("MEDICAL") && has("HISTORY") || has("PAST HISTORY") || h == "PMH" { return .pastMedicalHistory }
    if has("SURGICAL") { return .pastSurgicalHistory }
    if has("ALLERG") { return .allergies }
    if has("MEDICATION") || h == "MEDS" { return .medications }
    if has("VITAL") { return .vitals }
    if has("EXAM") { return .physicalExam }
    if (has("ASSESSMENT") || has("IMPRESSION")) && (has("PLAN") || has("RECOMMENDATION")) || h == "A/P" { return .assessmentAndPlan }
    if has("ASSESSMENT") { return .assessment }
    if has("PLAN") { return .plan }
    if has("IMPRESSION") { return .impression }
    if has("RESULT") || has("LAB") || has("IMAGING") { return .results }
    if has("INSTRUCTION") { return .instructions }
    if has("HOSPITAL COURSE") { return .hospitalCourse }
    if has("PROCEDURE") { return .procedures }
    return nil
}

@Suite struct SectionDetectorLabelTests {
    /// "Vitals:" on an exam line must not take the rest of the exam out of `physical_exam`.
    @Test func inlineLabelInsideItsParentStartsNothing() {
        let text = "PHYSICAL EXAM:\nVitals: BP 120/80, HR 72 bpm.\nLungs: clear.\nASSESSMENT AND PLAN:\n1. HTN\nPlan: continue lisinopril.\nVITALS\nBP 118/76\n"
        let r = detect(text)
        #expect(r.found.map(\.category) == [.physicalExam, .assessmentAndPlan, .vitals])
    }

    @Test func allCapsInlineHeaderInsideParentStillStartsASection() {
        let r = detect("RESULTS\nCT abdomen 01/23/2020.\nImpression: Normal CT.\nIMPRESSION: Right knee sprain.\n")
        #expect(r.found.map(\.category) == [.results, .impression])
        #expect(r.found.last?.header == "IMPRESSION:")
    }

    @Test func inlineLabelOfTheCurrentCategoryStartsNothing() {
        let r = detect("RESULTS\nLabs: Creatinine normal.\nImaging: X-ray unremarkable.\nPHYSICAL EXAM\nGeneral Examination: well.\n")
        #expect(r.found == [Found(header: "RESULTS", category: .results), Found(header: "PHYSICAL EXAM", category: .physicalExam)])
    }

    @Test func inlineLabelOutsideItsParentStartsASection() {
        let r = detect("HPI: cough.\nVitals: BP 120/80.\nPlan: rest.\n")
        #expect(r.found.map(\.category) == [.historyOfPresentIllness, .vitals, .plan])
    }

    @Test func trailingParentheticalIsIgnored() {
        let r = detect("Labs (03/05/2019): A1c 7.9%.\nMEDICATIONS (reviewed today)\nmetformin\nHPI (per daughter) she fell.\n")
        #expect(r.found.map(\.category) == [.results, .medications])
        #expect(r.found.map(\.header) == ["Labs (03/05/2019):", "MEDICATIONS (reviewed today)"])
    }

    @Test func loaderRejectsUnknownWithinCategory() {
        do {
            _ = try SectionHeaderLexicon.parse(text: "# schema_version: 1\nheader\tcategory\twithin\nVitals\tvitals\tphysical_exam, exam\n", path: "s.tsv")
            Issue.record("no error")
        } catch {
            #expect("\(error)".hasPrefix("s.tsv:3:") && "\(error)".contains("'exam'"), "\(error)")
        }
    }
}
