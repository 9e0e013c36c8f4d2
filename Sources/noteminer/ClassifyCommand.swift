import ArgumentParser
import Foundation
import NoteMinerADR
import NoteMinerModel

struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Flag sentences that report an adverse drug reaction.",
        discussion: """
            For JSON Lines input with a "text" field, writes one line per input line:
            {"probability", "adr", "pairs": [{"drug","effect"}], "explanation": [{"feature","weight"}]}
            (the explanation lists the largest contributions to the logit; with the model's bias all
            contributions sum to it).

            Example:
              noteminer classify sentences.jsonl --top 5
            """
    )

    @Argument(help: "JSON Lines files with a \"text\" field.") var inputs: [String]
    @Option(name: .long, help: "Model file (default: Lexicons/models/adr.json).") var model: String?
    @Option(name: .long, help: "Contributions listed per sentence.") var top: Int = 8

    func run() async throws {
        let m = try ADRModel.load(path: model ?? LexiconLocator.defaultADRModel)
        let out = FileHandle.standardOutput
        for path in inputs {
            let records = try JSONLinesFile.load(path: path, allowedKeys: ["text", "id", "label", "group", "pmid", "pairs", "note"], requiredKeys: ["text"])
            var w = JSONWriter(reserving: 1 << 16)
            for r in records {
                guard let text = r.object["text"] as? String else {
                    throw DataFileError(file: path, line: r.line, message: "'text' must be a string")
                }
                let p = m.predict(ADRSentenceInput(text: text))
                w.beginObject()
                if let id = r.object["id"] as? String { w.field("id", id) }
                w.field("probability", p.probability, digits: 4)
                w.field("adr", p.isADR)
                w.key("pairs"); w.beginArray()
                for pair in p.pairs { w.beginObject(); w.field("drug", pair.drug); w.field("effect", pair.effect); w.endObject() }
                w.endArray()
                w.key("explanation"); w.beginArray()
                for c in p.topContributions(top) { w.beginObject(); w.field("feature", c.feature); w.field("weight", c.value, digits: 4); w.endObject() }
                w.endArray()
                w.endObject()
                w.newline()
                if w.bytes.count > 1 << 16 { out.write(Data(w.bytes)); w.reset() }
            }
            out.write(Data(w.bytes))
        }
    }
}
