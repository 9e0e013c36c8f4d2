import ArgumentParser
import Foundation
import NoteMinerADR
import NoteMinerIO
import NoteMinerModel
import NoteMinerPipeline
import NoteMinerProfiles

struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Flag sentences that report an adverse drug reaction.",
        discussion: """
            Sentences: for JSON Lines input with a "text" field, writes one line per input line:
            {"probability", "adr", "pairs": [{"drug","effect"}], "explanation": [{"feature","contribution"}]}
            (the explanation lists the largest contributions, weight × value, to the logit; with the
            model's bias all contributions sum to it).

            Notes: for a folder, a .txt or .csv file, or JSON Lines with --notes, runs the whole pipeline
            (lexicon mentions and ConText feed the pairing) and writes one line per note:
            {"note_id", "adr_sentences": [{"sentence","begin","end","text","probability","pairs","explanation"}]}
            listing every sentence at or above the model's threshold (offsets in code points).

            Examples:
              noteminer classify sentences.jsonl --top 5
              noteminer classify Corpora/
              noteminer classify notes.jsonl --notes
            """
    )

    @Argument(help: "JSON Lines files with a \"text\" field, or notes (folders, .txt, .csv; JSON Lines notes with --notes).") var inputs: [String]
    @Flag(help: "Treat JSON Lines input as notes (note_id, text) rather than sentences.") var notes = false
    @Option(name: .long, help: "Model file (default: Lexicons/models/adr.json).") var model: String?
    @Option(name: .long, help: "Contributions listed per sentence.") var top: Int = 8

    func run() async throws {
        let sentenceMode = !notes && inputs.allSatisfy { $0.lowercased().hasSuffix(".jsonl") || $0.lowercased().hasSuffix(".ndjson") }
        if !sentenceMode {
            try await runMappingErrors { try await classifyNotes() }
            return
        }
        let m = try ADRModel.load(path: try model ?? defaultADRModelPath())
        let out = FileHandle.standardOutput
        for path in inputs {
            let records = try JSONLinesFile.load(path: path, allowedKeys: ADRExampleReader.allowedKeys, requiredKeys: ["text"])
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 16)
            var scratch = ADRScratch()
            for r in records {
                var w = JSONWriter(reserving: 1024)
                guard let text = r.object["text"] as? String else {
                    throw DataFileError(file: path, line: r.line, message: "'text' must be a string")
                }
                // Only the listed contributions are named: naming every feature cost three times the scoring.
                let p = m.predict(ADRSentenceInput(text: text), explainTop: top, flaggedOnly: false, scratch: &scratch)
                w.beginObject()
                if let id = r.object["id"] as? String { w.field("id", id) }
                w.field("probability", p.probability, digits: 4)
                w.field("adr", p.isADR)
                w.key("pairs"); w.beginArray()
                for pair in p.pairs { w.beginObject(); w.field("drug", pair.drug); w.field("effect", pair.effect); w.endObject() }
                w.endArray()
                w.key("explanation"); w.beginArray()
                for c in p.topContributions(top) { w.beginObject(); w.field("feature", c.feature); w.field("contribution", c.value, digits: 4); w.endObject() }
                w.endArray()
                w.endObject()
                w.newline()
                buffer.append(contentsOf: w.bytes)
                if buffer.count > 1 << 16 { out.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
            }
            out.write(Data(buffer))
        }
    }

    /// Notes mode: the full pipeline, then the ADR sentences of each note.
    private func classifyNotes() async throws {
        let dir: String
        do { dir = try ResourceLocator.lexiconDirectory() } catch let e as InputError { throw CLIError.setup(e.message) }
        let processor = try PipelineProcessor.load(lexiconDirectory: dir, modelPath: model)
        guard var configured = processor.adr else { throw CLIError.setup("no ADR model: Lexicons/models/adr.json is missing; pass --model") }
        configured.explanationSize = top
        let stage = configured
        let reader: NoteReader
        do { reader = try NoteReader(inputs: inputs) } catch let e as InputError { throw CLIError.setup(e.message) }
        let out = OutputSink.standardOutput()
        let diagnostics = Diagnostics()
        let extractor = processor.extractor
        try await processInOrder(reader, jobs: ProcessInfo.processInfo.activeProcessorCount, transform: { item -> (NoteInput, [UInt8]) in
            guard case .note(let note, let warnings, _) = item else { return (item, []) }
            let (doc, mentions) = extractor.process(note, warnings: warnings)
            let result = NoteResult(noteID: note.noteID, patientID: note.effectivePatientID, adrSentences: stage.sentences(doc, mentions: mentions))
            var w = JSONWriter()
            w.beginObject()
            w.field("note_id", note.noteID)
            w.key("adr_sentences")
            NoteResult.writeADRSentences(result.adrSentences, into: &w)
            w.endObject()
            w.newline()
            return (item, w.bytes)
        }, emit: { item, bytes in
            switch item {
            case .refused(let r): diagnostics.refusedNote(r)
            case .note(let note, let warnings, let source):
                diagnostics.warnings(warnings, note: note, source: source)
                out.write(bytes)
            }
        })
        out.flush()
        try diagnostics.finish()
    }
}
