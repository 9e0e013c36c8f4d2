import Foundation
import Testing
import NoteMinerModel
@testable import NoteMinerLexicon
import TestSupport

/// Loader errors must name file and line, because users write their own lexicons (`--lexicon <path>`).
@Suite struct LexiconLoaderErrorTests {
    static let header = "# schema_version: 1\nid\tpreferred_name\tsynonyms\tabbreviations\ticd10cm\trisk_factor\n"

    /// Writes `text` to a fresh temporary file whose name carries the lexicon kind.
    func temp(_ name: String, _ text: String) throws -> String {
        let dir = try TestScratch.folder("lexicon")
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func loadError(_ paths: [String], codeSet: ICD10CMCodeSet? = nil) -> DataFileError? {
        do {
            _ = try ConceptLexicon.load(paths: paths, codeSet: codeSet)
            return nil
        } catch let e as DataFileError {
            return e
        } catch {
            return DataFileError(file: "?", message: "unexpected error \(error)")
        }
    }

    @Test func polarityDeniesNeedsARiskFactorAndUnknownValuesAreRefused() throws {
        let header = "# schema_version: 1\nid\tpreferred_name\tsynonyms\trisk_factor\tpolarity\n"
        let ok = try temp("c_conditions.tsv", header + "cond:ns\tnonsmoker\tnever smoker\tsmoking\tdenies\n")
        #expect(try #require(ConceptLexicon.load(paths: [ok])[id: "cond:ns"]).deniesRiskFactor)
        let noRisk = try temp("d_conditions.tsv", header + "cond:ns\tnonsmoker\t\t\tdenies\n")
        #expect(loadError([noRisk])?.description.contains("d_conditions.tsv:3: polarity 'denies' needs a risk_factor") == true)
        let bad = try temp("e_conditions.tsv", header + "cond:ns\tnonsmoker\t\tsmoking\tnegative\n")
        #expect(loadError([bad])?.description.contains("e_conditions.tsv:3: unknown polarity 'negative'") == true)
    }

    @Test func userConditionFileLoads() throws {
        let path = try temp("my_conditions.tsv", Self.header
            + "cond:x\tfoo syndrome\tfoo disease|foos\tFS\tI10\thypertension\n")
        let lex = try ConceptLexicon.load(paths: [path])
        let c = try #require(lex[id: "cond:x"])
        #expect(c.category == .condition && c.riskFactor == .hypertension)
        #expect(c.terms.map(\.text) == ["foo syndrome", "foo disease", "foos", "FS"])
        #expect(c.terms.last?.isAbbreviation == true)
        #expect(c.codes == [Coding(system: "ICD-10-CM", code: "I10")])
        #expect(c.source == "\(path):3")
    }

    @Test func unknownColumnNamesFileAndLine() throws {
        let path = try temp("conditions.tsv", "# schema_version: 1\n\nid\tpreferred_name\tseverity\n")
        let e = try #require(loadError([path]))
        #expect(e.file == path && e.line == 3)
        #expect(e.message.contains("unknown column") && e.message.contains("severity"))
    }

    @Test func columnOfAnotherKindIsUnknown() throws {
        let path = try temp("drugs.tsv", "# schema_version: 1\nid\tpreferred_name\trisk_factor\n")
        let e = try #require(loadError([path]))
        #expect(e.line == 2 && e.message.contains("risk_factor"))
    }

    @Test func unknownRiskFactor() throws {
        let path = try temp("conditions.tsv", Self.header + "cond:a\tA\t\t\tI10\thypertension\ncond:b\tB\t\t\t\tgout\n")
        let e = try #require(loadError([path]))
        #expect(e.description.hasPrefix("\(path):4: unknown risk factor 'gout'"))
        #expect(e.message.contains("obstructive_sleep_apnea"))
    }

    @Test(arguments: ["E119", "11.9", "E11.99999", "e11.9", "I10,E11.9", "E1"])
    func malformedICDCode(_ code: String) throws {
        let path = try temp("conditions.tsv", Self.header + "cond:a\tA\t\t\t\(code)\t\n")
        let e = try #require(loadError([path]))
        #expect(e.file == path && e.line == 3, "\(e)")
    }

    @Test func undottedCodeGetsAHint() throws {
        let path = try temp("conditions.tsv", Self.header + "cond:a\tA\t\t\tE119\t\n")
        #expect(loadError([path])?.message.contains("dotted form (E11.9)") == true)
    }

    @Test func wellFormedCodeMissingFromTheCodeSet() throws {
        let codeSet = ICD10CMCodeSet(entries: ["I10": .init(description: "Essential (primary) hypertension", billable: true)])
        let path = try temp("conditions.tsv", Self.header + "cond:a\tA\t\t\tI10|E11.9\t\n")
        let e = try #require(loadError([path], codeSet: codeSet))
        #expect(e.line == 3 && e.message.contains("E11.9 is not in the code set"))
        let ok = try temp("conditions.tsv", Self.header + "cond:a\tA\t\t\tI10\t\n")
        let lex = try ConceptLexicon.load(paths: [ok], codeSet: codeSet)
        #expect(lex.concepts[0].codes[0].display == "Essential (primary) hypertension")
    }

    @Test func malformedDrugIdentifier() throws {
        let header = "# schema_version: 1\nid\tpreferred_name\tid_system\tcode\tother_codes\n"
        let bad = try temp("drugs.tsv", header + "drug:a\ta\tDrugBank\tDB123\t\n")
        #expect(loadError([bad])?.line == 3)
        let system = try temp("drugs.tsv", header + "drug:a\ta\tNDC\t123\t\n")
        #expect(loadError([system])?.message.contains("unknown code system 'NDC'") == true)
        let other = try temp("drugs.tsv", header + "drug:a\ta\tRxNorm\t6809\tMeSH-D1\n")
        #expect(loadError([other])?.message.contains("SYSTEM:code") == true)
    }

    @Test func duplicateIdWithinAFile() throws {
        let path = try temp("conditions.tsv", Self.header + "cond:a\tA\t\t\t\t\ncond:a\tB\t\t\t\t\n")
        let e = try #require(loadError([path]))
        #expect(e.file == path && e.line == 4)
        #expect(e.message.contains("duplicate concept id 'cond:a'") && e.message.contains("\(path):3"))
    }

    @Test func duplicateIdAcrossFilesNamesTheLaterFile() throws {
        let first = try temp("conditions.tsv", Self.header + "cond:a\tA\t\t\t\t\n")
        let second = try temp("extra_conditions.tsv", Self.header + "cond:b\tB\t\t\t\t\ncond:a\tC\t\t\t\t\n")
        let e = try #require(loadError([first, second]))
        #expect(e.file == second && e.line == 4)
        let merged = try ConceptLexicon.load(paths: [first, try temp("more_conditions.tsv", Self.header + "cond:c\tC\t\t\t\t\n")])
        #expect(merged.concepts.map(\.id) == ["cond:a", "cond:c"])
    }

    @Test func kindComesFromTheCategoryCommentOrTheFileName() throws {
        let declared = try temp("mine.tsv", "# schema_version: 1\n# category: adverse_effect\nid\tpreferred_name\ticd10cm\nae:x\titchy feet\tL29.89\n")
        #expect(try ConceptLexicon.load(paths: [declared]).concepts[0].category == .adverseEffect)
        let unknown = try temp("mine.tsv", "# schema_version: 1\n# category: symptom\nid\tpreferred_name\n")
        #expect(loadError([unknown])?.message.contains("unknown category 'symptom'") == true)
        let undecidable = try temp("mine.tsv", "# schema_version: 1\nid\tpreferred_name\n")
        #expect(loadError([undecidable])?.message.contains("cannot tell the lexicon kind") == true)
    }

    @Test func schemaVersionIsRequiredAndChecked() throws {
        let missing = try temp("conditions.tsv", "id\tpreferred_name\n")
        #expect(loadError([missing])?.message.contains("schema_version") == true)
        let future = try temp("conditions.tsv", "# schema_version: 2\nid\tpreferred_name\n")
        #expect(loadError([future])?.message.contains("unsupported schema_version 2") == true)
    }

    @Test func ambiguousEntriesMustNameATermAndKnownSections() throws {
        let header = "# schema_version: 1\nid\tpreferred_name\tabbreviations\tambiguous\n"
        let notATerm = try temp("conditions.tsv", header + "cond:a\tpulmonary embolism\tPE\tPT\n")
        let e = try #require(loadError([notATerm]))
        #expect(e.line == 3 && e.message.contains("'PT'"))
        let badSection = try temp("conditions.tsv", header + "cond:a\tpulmonary embolism\tPE\tPE@exam\n")
        #expect(loadError([badSection])?.message.contains("unknown section 'exam'") == true)
        let ok = try temp("conditions.tsv", header + "cond:a\tpulmonary embolism\tPE\tPE@assessment,plan\n")
        let term = try #require(try ConceptLexicon.load(paths: [ok]).concepts[0].terms.last)
        #expect(term.isAmbiguous && term.isCaseSensitive && term.preferredSections == [.assessment, .plan])
    }

    @Test func codeTableRejectsBadRows() throws {
        let dup = try temp("icd10cm_codes.tsv", "code\tdescription\tbillable\nI10\tx\t1\nI10\tx\t1\n")
        #expect(throws: DataFileError(file: dup, line: 3, message: "duplicate code I10")) {
            _ = try ICD10CMCodeSet.load(path: dup)
        }
        let flag = try temp("icd10cm_codes.tsv", "code\tdescription\tbillable\nI10\tx\tmaybe\n")
        #expect(throws: DataFileError.self) { _ = try ICD10CMCodeSet.load(path: flag) }
        let extra = try temp("icd10cm_codes.tsv", "code\tdescription\tbillable\tchapter\n")
        #expect(throws: DataFileError.self) { _ = try ICD10CMCodeSet.load(path: extra) }
    }
}

@Suite struct CodeTableParserTests {
    func temp(_ text: String) throws -> String {
        let path = TestScratch.file("icd", extension: "tsv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func columnsInAnyOrderCommentsAndCRLF() throws {
        let path = try temp("# schema_version: 1\r\n# source: test\r\n\r\nbillable\tcode\tdescription\r\n1\tI10\t Essential (primary) hypertension \r\n# a comment\r\n0\tE11\tType 2 diabetes mellitus\r\n")
        let set = try ICD10CMCodeSet.load(path: path)
        #expect(set.count == 2 && set.metadata["source"] == "test")
        #expect(set.display("I10") == "Essential (primary) hypertension" && set.isBillable("I10"))
        #expect(set.contains("E11") && !set.isBillable("E11"))
    }

    @Test func rowErrorsNameTheirLine() throws {
        let fields = try temp("code\tdescription\tbillable\nI10\tx\t1\nE11\ty\n")
        #expect(throws: DataFileError(file: fields, line: 3, message: "expected 3 tab-separated fields, found 2")) {
            _ = try ICD10CMCodeSet.load(path: fields)
        }
        let code = try temp("# c\ncode\tdescription\tbillable\n\nE119\tx\t1\n")
        #expect((try? ICD10CMCodeSet.load(path: code)) == nil)
        do { _ = try ICD10CMCodeSet.load(path: code) } catch let e as DataFileError { #expect(e.line == 4) }
        let empty = try temp("code\tdescription\tbillable\nI10\t \t1\n")
        #expect(throws: DataFileError(file: empty, line: 2, message: "empty required field 'description'")) {
            _ = try ICD10CMCodeSet.load(path: empty)
        }
        let noHeader = try temp("# only comments\n")
        #expect(throws: DataFileError(file: noHeader, message: "no header row")) { _ = try ICD10CMCodeSet.load(path: noHeader) }
    }
}

@Suite struct WindowsLineEndingTests {
    /// A lexicon saved by a Windows editor: "\r\n" is one Swift Character, so splitting on "\n" alone saw a
    /// single line and reported "no header row".
    @Test func crlfLexiconLoads() throws {
        let text = "# schema_version: 1\r\n# category: condition\r\nid\tpreferred_name\ticd10cm\r\ncond:a\tfoo\tI10\r\n\r\ncond:b\tbar\tE11.9\r\n"
        let concepts = try ConceptLexicon.parse(text: text, path: "win.tsv")
        #expect(concepts.map(\.id) == ["cond:a", "cond:b"])
        #expect(concepts[1].source == "win.tsv:6")
        #expect(concepts[0].codes == [Coding(system: "ICD-10-CM", code: "I10")])
    }
}
