import NoteMinerModel
import Testing
@testable import NoteMinerText

@Suite struct AbbreviationTableTests {
    private func parse(_ body: String, header: String = "# schema_version: 1\nabbreviation\tkind\tnote\n") throws -> AbbreviationTable {
        try AbbreviationTable.parse(text: header + body, path: "abbr.tsv")
    }

    private func error(_ body: String, header: String = "# schema_version: 1\nabbreviation\tkind\tnote\n") -> DataFileError? {
        do {
            _ = try parse(body, header: header)
            return nil
        } catch let e as DataFileError {
            return e
        } catch {
            return nil
        }
    }

    @Test func shippedFileLoadsAndContainsTheBuiltInTable() throws {
        let table = try AbbreviationTable.load(path: CorpusNotes.packageRoot + "/Lexicons/abbreviations.tsv")
        #expect(table.count > 50)
        for (text, kind) in AbbreviationTable.builtIn.allEntries {
            #expect(table.kind(of: text) == kind, "built-in \(text) (\(kind)) missing or different in Lexicons/abbreviations.tsv")
        }
    }

    @Test func lookupIsCaseInsensitive() throws {
        let table = try parse("Dr.\ttitle\t\nmg\tunit\t\n")
        #expect(table.kind(of: "DR.") == .title)
        #expect(table.kind(of: "dr.") == .title)
        #expect(table.kind(of: "MG") == .unit)
        #expect(table.kind(of: "dr") == nil)
    }

    @Test func unknownKindIsRejectedWithLineAndAllowedKinds() {
        let e = error("dr.\ttitle\t\nfoo.\tacronym\t\n")
        #expect(e?.line == 4)
        #expect(e?.message.contains("unknown kind 'acronym'") == true)
        #expect(e?.message.contains("title, inline, abbreviation, unit") == true)
    }

    @Test func duplicatesDifferingOnlyInCaseAreRejected() {
        let e = error("dr.\ttitle\t\nDR.\tinline\t\n")
        #expect(e?.line == 4)
        #expect(e?.message.contains("first on line 3") == true)
    }

    @Test func malformedEntriesAreRejected() {
        #expect(error("dr\ttitle\t\n")?.message.contains("must end with a period") == true)
        #expect(error("m.g\tunit\t\n")?.message.contains("letters and digits") == true)
        #expect(error("et al.\tabbreviation\t\n")?.line == 3)
        #expect(error("a..b.\tabbreviation\t\n")?.message.contains("two periods") == true)
        #expect(error("averyveryverylongword.\tinline\t\n")?.message.contains("longer than") == true)
        #expect(error(".5.\tabbreviation\t\n") != nil)
    }

    @Test func schemaVersionIsRequiredAndChecked() {
        #expect(error("dr.\ttitle\t\n", header: "abbreviation\tkind\tnote\n")?.message.contains("schema_version") == true)
        #expect(error("dr.\ttitle\t\n", header: "# schema_version: 2\nabbreviation\tkind\tnote\n")?.message.contains("unsupported") == true)
    }

    @Test func unknownColumnsAreRejected() {
        #expect(error("dr.\ttitle\t\n", header: "# schema_version: 1\nabbreviation\tkind\texpansion\n")?.message.contains("unknown column") == true)
    }
}
