import Foundation
import Testing
@testable import NoteMinerIO
import NoteMinerModel
import TestSupport

/// A fresh temporary folder per test.
func makeTempFolder() throws -> String {
    try TestScratch.folder("io").path
}

func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

@Suite struct NoteTextDecoderTests {
    @Test func emptyInputIsAnEmptyNote() {
        guard case .text(let t, let w) = NoteTextDecoder.decode([]) else { Issue.record("refused"); return }
        #expect(t.isEmpty && w.isEmpty)
    }

    @Test func invalidUTF8IsRepairedAndReported() {
        guard case .text(let t, let w) = NoteTextDecoder.decode(Array("ok ".utf8) + [0xFF, 0xC3] + Array(" still ok and more text".utf8)) else {
            Issue.record("refused"); return
        }
        #expect(t.hasPrefix("ok \u{FFFD}"))
        #expect(w.map(\.code) == ["invalid_utf8_repaired"])
        #expect(w[0].message.contains("at byte 3"))
    }

    @Test func nulBytesRefuse() {
        guard case .refused(let reason, let message) = NoteTextDecoder.decode(Array("abc".utf8) + [0] + Array("def".utf8)) else {
            Issue.record("accepted"); return
        }
        #expect(reason == .nulBytes)
        #expect(message.contains("byte 3"))
    }

    @Test func binaryJunkRefuses() {
        var rng = SystemRandomNumberGenerator()
        let junk = (0..<4096).map { _ in UInt8.random(in: 1...255, using: &rng) }
        guard case .refused(let reason, _) = NoteTextDecoder.decode(junk) else { Issue.record("accepted"); return }
        #expect(reason == .binary)
    }

    @Test func utf16WithBOMDecodes() {
        let text = "Patient denies fever 😀"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in text.utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
        guard case .text(let t, let w) = NoteTextDecoder.decode(bytes) else { Issue.record("refused"); return }
        #expect(t == text)
        #expect(w.map(\.code) == ["utf16_decoded"])
    }

    @Test func utf8BOMIsRemoved() {
        guard case .text(let t, _) = NoteTextDecoder.decode([0xEF, 0xBB, 0xBF] + Array("HPI: x".utf8)) else { Issue.record("refused"); return }
        #expect(t == "HPI: x")
    }
}

@Suite struct NoteReaderTests {
    @Test func folderIsReadSortedByNameAndBadNotesAreRefusedNotDropped() throws {
        let dir = try makeTempFolder()
        try write(Array("second".utf8), to: dir + "/b.txt")
        try write(Array("first".utf8), to: dir + "/a.txt")
        try write([0x41, 0, 0x42], to: dir + "/c.txt")
        try write(Array("ignored".utf8), to: dir + "/notes.md")
        let items = Array(try NoteReader(inputs: [dir]))
        #expect(items.count == 3)
        guard case .note(let n0, _, _) = items[0], case .note(let n1, _, _) = items[1], case .refused(let r) = items[2] else {
            Issue.record("unexpected items \(items)"); return
        }
        #expect(n0.noteID == "a" && n0.text == "first")
        #expect(n1.noteID == "b")
        #expect(r.noteID == "c" && r.reason == .nulBytes && r.source.file.hasSuffix("c.txt"))
    }

    @Test func jsonLinesWithMalformedMissingAndDuplicateRecords() throws {
        let dir = try makeTempFolder()
        let lines = [
            #"{"note_id": "n1", "patient_id": "p1", "date": "2024-01-02", "note_type": "clinic", "text": "HPI: cough"}"#,
            #"{"note_id": "n2", "text": "truncated"#,
            #"{"note_id": "n3"}"#,
            "",
            #"{"note_id": "n1", "text": "again"}"#,
            #"{"note_id": 42, "text": "numeric id"}"#,
            #"[1, 2]"#,
        ]
        try write(Array(lines.joined(separator: "\n").utf8), to: dir + "/notes.jsonl")
        let items = Array(try NoteReader(inputs: [dir + "/notes.jsonl"]))
        #expect(items.count == 6)  // the blank line is not a note
        guard case .note(let n1, _, let s1) = items[0] else { Issue.record("n1"); return }
        #expect(n1.patientID == "p1" && n1.date == "2024-01-02" && n1.noteType == "clinic" && s1.line == 1)
        guard case .refused(let bad) = items[1] else { Issue.record("n2"); return }
        #expect(bad.reason == .malformedRecord && bad.source.line == 2)
        guard case .refused(let noText) = items[2] else { Issue.record("n3"); return }
        #expect(noText.reason == .missingText && noText.noteID == "n3")
        guard case .refused(let dup) = items[3] else { Issue.record("dup"); return }
        #expect(dup.reason == .duplicateID && dup.source.line == 5)
        guard case .note(let n42, _, _) = items[4] else { Issue.record("42"); return }
        #expect(n42.noteID == "42")
        guard case .refused(let arr) = items[5] else { Issue.record("array"); return }
        #expect(arr.reason == .malformedRecord)
    }

    @Test func symbolicLinkOutOfTheFolderIsRefused() throws {
        let outside = try makeTempFolder()
        let dir = try makeTempFolder()
        try write(Array("secret".utf8), to: outside + "/x.txt")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: outside + "/x.txt")
        let items = Array(try NoteReader(inputs: [dir]))
        guard items.count == 1, case .refused(let r) = items[0] else { Issue.record("\(items)"); return }
        #expect(r.reason == .unsafePath)
        var options = NoteReader.Options()
        options.followExternalLinks = true
        let followed = Array(try NoteReader(inputs: [dir], options: options))
        guard case .note(let n, _, _) = followed.first else { Issue.record("not followed"); return }
        #expect(n.text == "secret")
    }

    @Test func oversizedNoteIsRefused() throws {
        let dir = try makeTempFolder()
        try write(Array(String(repeating: "a ", count: 600).utf8), to: dir + "/big.txt")
        var options = NoteReader.Options()
        options.maxNoteBytes = 1000
        let items = Array(try NoteReader(inputs: [dir], options: options))
        guard case .refused(let r) = items.first else { Issue.record("accepted"); return }
        #expect(r.reason == .tooLarge)
    }

    /// `--max-note-bytes 0` (no limit) read JSON Lines through a line reader that overflowed on its "keep every
    /// byte" limit and crashed on the first line; lines longer than its 64 KB chunk must come out whole.
    @Test func noLimitReadsJSONLinesWhole() throws {
        let dir = try makeTempFolder()
        let long = String(repeating: "fever and cough ", count: 10_000)  // 160 KB, several chunks
        let lines = [#"{"note_id":"a","text":"short"}"#, "{\"note_id\":\"b\",\"text\":\"\(long)\"}\r", "", #"{"note_id":"c","text":"end"}"#]
        try write(Array(lines.joined(separator: "\n").utf8), to: dir + "/in.jsonl")
        var options = NoteReader.Options()
        options.maxNoteBytes = 0
        let items = Array(try NoteReader(inputs: [dir + "/in.jsonl"], options: options))
        let texts = items.compactMap { item -> String? in if case .note(let n, _, _) = item { return n.text } else { return nil } }
        #expect(texts == ["short", long, "end"])
        let reader = try #require(LineReader(path: dir + "/in.jsonl"))
        var read: [[UInt8]] = []
        while let line = reader.next() { read.append(line) }
        #expect(read.map { String(decoding: $0, as: UTF8.self) } == lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 })
        #expect(reader.lineNumber == 4)
    }

    @Test func missingInputIsASetupError() {
        #expect(throws: InputError.self) { try NoteReader(inputs: ["/nonexistent/path/x"]) }
    }
}

@Suite struct CSVInputTests {
    @Test func csvRecordsBecomeNotesWithMetadataAndBadRecordsAreRefused() throws {
        let dir = try makeTempFolder()
        let csv = "note_id,patient_id,date,body\nn1,p1,2024-01-01,\"Denies chest pain, fever.\nSecond line\"\nn2,p1,2024-02-01,HTN\nn3,p2\n"
        try write(Array(csv.utf8), to: dir + "/notes.csv")
        var options = NoteReader.Options()
        options.csvColumns.text = "body"
        let items = Array(try NoteReader(inputs: [dir + "/notes.csv"], options: options))
        #expect(items.count == 3)
        guard case .note(let n1, _, _) = items[0], case .note(let n2, _, _) = items[1], case .refused(let r) = items[2] else {
            Issue.record("\(items)"); return
        }
        #expect(n1.text == "Denies chest pain, fever.\nSecond line" && n1.patientID == "p1" && n1.date == "2024-01-01")
        #expect(n2.noteID == "n2")
        #expect(r.reason == .malformedRecord && r.source.line == 3)
    }

    @Test func missingTextColumnIsASetupError() throws {
        let dir = try makeTempFolder()
        try write(Array("note_id,x\n1,2\n".utf8), to: dir + "/a.csv")
        #expect(throws: InputError.self) { try NoteReader(inputs: [dir + "/a.csv"]) }
    }

    @Test func folderManifestGivesPatientAndDate() throws {
        let dir = try makeTempFolder()
        try write(Array("Note A".utf8), to: dir + "/a.txt")
        try write(Array("Note B".utf8), to: dir + "/b.txt")
        try write(Array("note_id,patient_id,date,note_type\na,P1,2024-03-01,discharge\n".utf8), to: dir + "/manifest.csv")
        let items = Array(try NoteReader(inputs: [dir]))
        guard case .note(let a, _, _) = items[0], case .note(let b, _, _) = items[1] else { Issue.record("\(items)"); return }
        #expect(a.patientID == "P1" && a.date == "2024-03-01" && a.noteType == "discharge")
        #expect(b.patientID == nil)
    }
}
