import Foundation
import NoteMinerModel

/// A drug or adverse-effect mention found by the lexicon layer, handed to the classifier as a plain value so
/// this module stays independent of the matcher and ConText.
///
/// Offsets are UTF-8 byte offsets into `ADRSentenceInput.text`, half-open, like every internal range in
/// NoteMiner; callers holding document offsets subtract the sentence's `utf8Begin`.
public struct ADRMention: Sendable, Hashable {
    public var utf8Begin: Int
    public var utf8End: Int
    public var conceptID: String?
    public var name: String?
    /// ConText flags; meaningful for effects ("no rash on amoxicillin", "may cause dizziness").
    public var negated: Bool
    public var hypothetical: Bool

    public init(utf8Begin: Int, utf8End: Int, conceptID: String? = nil, name: String? = nil,
                negated: Bool = false, hypothetical: Bool = false) {
        self.utf8Begin = utf8Begin
        self.utf8End = utf8End
        self.conceptID = conceptID
        self.name = name
        self.negated = negated
        self.hypothetical = hypothetical
    }
}

/// One sentence to classify. Without annotations the classifier still works (n-grams, cues, learned
/// gazetteer); with them it adds lexicon features and pairs lexicon mentions.
public struct ADRSentenceInput: Sendable, Hashable {
    public var text: String
    public var drugs: [ADRMention]
    public var effects: [ADRMention]

    public init(text: String, drugs: [ADRMention] = [], effects: [ADRMention] = []) {
        self.text = text
        self.drugs = drugs
        self.effects = effects
    }

    /// What the classifier reads: at most this many bytes of a sentence. Pairing drugs with effects is quadratic
    /// in the mentions of one sentence, so a run-on text without punctuation (a 200 KB "sentence" of drug and
    /// symptom words) took minutes and gigabytes; 4 KB is over five times the longest sentence in the ADE training
    /// data (742 bytes) and keeps every input's cost bounded.
    public static let maxBytes = 4096

    /// The input cut to `maxBytes` at a space (or a character boundary), keeping only the mentions that end
    /// inside the cut. Inputs within the limit are returned unchanged.
    func bounded() -> ADRSentenceInput {
        let utf8 = text.utf8
        guard utf8.count > ADRSentenceInput.maxBytes else { return self }
        let bytes = Array(utf8)
        var cut = ADRSentenceInput.maxBytes
        while cut > 0, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }  // not inside a UTF-8 sequence
        var space = cut
        while space > cut - 256, space > 0, bytes[space] != 0x20 { space -= 1 }
        if space > 0, bytes[space] == 0x20 { cut = space }
        return ADRSentenceInput(
            text: String(decoding: bytes[0..<cut], as: UTF8.self),
            drugs: drugs.filter { $0.utf8End <= cut },
            effects: effects.filter { $0.utf8End <= cut })
    }
}

/// A gold (drug, effect) pair as strings, compared case-insensitively.
public struct ADRPair: Sendable, Hashable {
    public var drug: String
    public var effect: String
    public init(drug: String, effect: String) {
        self.drug = drug
        self.effect = effect
    }

    /// The comparison key: both strings lower-cased with runs of white space collapsed.
    var key: String { ADRPair.normalize(drug) + "\t" + ADRPair.normalize(effect) }

    static func normalize(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
    }
}

/// A labelled training or evaluation sentence.
public struct ADRExample: Sendable, Hashable {
    public var input: ADRSentenceInput
    public var label: Bool
    /// Documents must not be split across folds; sentences without a group form their own.
    public var group: String?
    public var pairs: [ADRPair]
    /// 1-based line in the source file, for messages.
    public var line: Int
    /// Multiplies the example's share of the training loss; lets a small in-domain set (clinical sentences)
    /// count against a large out-of-domain corpus (PubMed abstracts).
    public var weight: Double

    public init(input: ADRSentenceInput, label: Bool, group: String? = nil, pairs: [ADRPair] = [], line: Int = 0, weight: Double = 1) {
        self.input = input
        self.label = label
        self.group = group
        self.pairs = pairs
        self.line = line
        self.weight = weight
    }
}

/// Reads `{"text", "label", optional "group"/"pmid", optional "pairs": [{"drug","effect"}], optional "weight"}` lines, the format
/// of the ADE corpus split in ../shared and of `Corpora/adr_gold.jsonl`.
public enum ADRExampleReader {
    public static let allowedKeys: Set<String> = ["text", "label", "group", "pmid", "pairs", "id", "note", "weight"]

    public static func load(path: String) throws -> [ADRExample] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError(file: path, message: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataFileError(file: path, message: "file is not valid UTF-8")
        }
        return try parse(text: text, path: path)
    }

    public static func parse(text: String, path: String) throws -> [ADRExample] {
        let records = try JSONLinesFile.parse(text: text, path: path, allowedKeys: allowedKeys, requiredKeys: ["text", "label"])
        var out: [ADRExample] = []
        out.reserveCapacity(records.count)
        for r in records {
            func fail(_ m: String) -> DataFileError { DataFileError(file: path, line: r.line, message: m) }
            guard let sentence = r.object["text"] as? String else { throw fail("'text' must be a string") }
            let label: Bool
            switch r.object["label"] {
            case let n as NSNumber where n.intValue == 0 || n.intValue == 1:
                label = n.intValue == 1
            default: throw fail("'label' must be 0 or 1")
            }
            var group: String?
            for key in ["group", "pmid"] {
                guard let v = r.object[key] else { continue }
                if let s = v as? String { group = s } else if let n = v as? NSNumber { group = n.stringValue } else {
                    throw fail("'\(key)' must be a string or number")
                }
            }
            var pairs: [ADRPair] = []
            if let raw = r.object["pairs"] {
                guard let list = raw as? [Any] else { throw fail("'pairs' must be an array") }
                for item in list {
                    guard let obj = item as? [String: Any], let d = obj["drug"] as? String, let e = obj["effect"] as? String,
                          Set(obj.keys).isSubset(of: ["drug", "effect"]) else {
                        throw fail("each pair must be {\"drug\": string, \"effect\": string}")
                    }
                    pairs.append(ADRPair(drug: d, effect: e))
                }
            }
            var weight = 1.0
            if let raw = r.object["weight"] {
                guard let n = raw as? NSNumber, n.doubleValue > 0, n.doubleValue.isFinite else { throw fail("'weight' must be a positive number") }
                weight = n.doubleValue
            }
            out.append(ADRExample(input: ADRSentenceInput(text: sentence), label: label, group: group, pairs: pairs, line: r.line, weight: weight))
        }
        return out
    }
}
