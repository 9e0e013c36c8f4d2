import Foundation
import NoteMinerIO
import NoteMinerModel
import NoteMinerProfiles
import Testing
import TestSupport
@testable import NoteMinerPipeline

/// What keeps a note with hundreds of thousands of mentions within memory — serializing its line in pieces,
/// judging assertions a block at a time, grouping ADR sentences without copying mentions — must not change a
/// single output byte.
@Suite struct BigNoteTests {
    static let lexicons = CLIRunner.packageRoot.appendingPathComponent("Lexicons").path
    static let processor: PipelineProcessor? = try? PipelineProcessor.load(lexiconDirectory: lexicons)

    /// The sample notes, joined: many sections, negations, family history and ADR sentences.
    static func sampleText() throws -> String {
        let dir = CLIRunner.packageRoot.appendingPathComponent("Corpora")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        return try names.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n\n")
    }

    @Test func lineInPiecesEqualsTheWholeLine() throws {
        let p = try #require(Self.processor)
        let r = p.process(Note(noteID: "big", text: try Self.sampleText()), warnings: [])
        #expect(r.mentions.count > 100 && !r.adrSentences.isEmpty)
        var pieces: [[UInt8]] = []
        r.writeJSONLine(pieceBytes: 1000) { pieces.append($0) }
        #expect(pieces.count > 10)
        #expect(pieces.joined().elementsEqual(r.jsonLine()))
    }

    /// A fresh result equals itself read back from its notes.jsonl line (what a resumed run uses): every number in
    /// it is already what the line says, so reports made from either are byte-identical (report.html prints ADR
    /// probabilities and contributions rounded further, and rounding the unrounded value differed at the edges).
    @Test func freshResultEqualsItsLineReadBack() throws {
        let p = try #require(Self.processor)
        let r = p.process(Note(noteID: "big", patientID: "p", date: "2024-01-02", text: try Self.sampleText()), warnings: [])
        #expect(!r.adrSentences.isEmpty && r.adrSentences.allSatisfy { !$0.explanation.isEmpty })
        let back = try JSONDecoder().decode(NoteResult.self, from: Data(r.jsonLine()))
        #expect(back == r)
        #expect(back.adrSentences.map(\.probability) == r.adrSentences.map(\.probability))
    }

    @Test func assertionBlockSizeDoesNotChangeMentions() throws {
        let p = try #require(Self.processor)
        let doc = p.extractor.text.analyze(Note(noteID: "big", text: try Self.sampleText()), warnings: [])
        let whole = p.extractor.extract(doc)
        for size in [1, 7, 100] {
            var e = p.extractor
            e.assertionBlock = size
            #expect(e.extract(doc) == whole, "block size \(size)")
        }
    }

    @Test func adrStageDoesNotDependOnMentionOrder() throws {
        let p = try #require(Self.processor)
        let adr = try #require(p.adr)
        let (doc, mentions) = p.extractor.process(Note(noteID: "big", text: try Self.sampleText()))
        let inOrder = adr.sentences(doc, mentions: mentions)
        #expect(!inOrder.isEmpty)
        var rng = SystemRandomNumberGenerator()
        #expect(adr.sentences(doc, mentions: mentions.shuffled(using: &rng)) == inOrder)
    }

    /// A run whose every note line is written in pieces gives the same files as one that builds each line whole.
    @Test func streamedLinesGiveTheSameRun() async throws {
        let p = try #require(Self.processor)
        let dir = try CLIRunner.temporaryFolder("big-note")
        let input = dir.appendingPathComponent("notes.jsonl")
        var lines = ""
        let text = try Self.sampleText()
        for i in 0..<6 {
            let body = String(text.dropFirst(i * 500))
            let obj: [String: Any] = ["note_id": "n\(i)", "patient_id": "p\(i % 2)", "text": body]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try Data(lines.utf8).write(to: input)
        var outputs: [[UInt8]] = []
        for streamed in [false, true] {
            let out = try OutputFolder(path: dir.appendingPathComponent(streamed ? "streamed" : "whole").path)
            var runner = BatchRunner(jobs: 2) { _, _ in }
            runner.resume = false
            if streamed { runner.streamedLineBytes = 0 }
            let summary = try await runner.run(reader: try NoteReader(inputs: [input.path]), processor: p, output: out)
            #expect(summary.results == 6)
            outputs.append(try #require(FileManager.default.contents(atPath: out.path + "/notes.jsonl")).map { $0 })
            let index = try #require(FileManager.default.contents(atPath: out.path + "/cache/index-1.tsv"))
            #expect(index.filter { $0 == 0x0A }.count == 7, "cache index: header and one entry per note")
            #expect(FileManager.default.contents(atPath: out.path + "/cache/lines-1.jsonl") == FileManager.default.contents(atPath: out.path + "/notes.jsonl"))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].filter { $0 == 0x0A }.count == 6)
    }
}
