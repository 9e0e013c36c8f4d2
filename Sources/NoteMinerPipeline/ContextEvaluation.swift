import NoteMinerContext
import NoteMinerModel
import NoteMinerText

/// Scores ConText against a NegEx/ConText-kit style TSV (id, concept, sentence, negation, temporality,
/// experiencer): each row's concept is located in its sentence, made the one mention, and assessed with
/// the sentence as one sentence (sections still detected, so an inline "PAST MEDICAL HISTORY:" counts).
public struct ContextEvaluation: Sendable {
    public struct Row: Sendable {
        public var id: String
        public var concept: String
        public var sentence: String
        public var negated: Bool
        public var historical: Bool
        public var hypothetical: Bool
        public var other: Bool
        public var line: Int
    }

    /// Binary confusion counts for one positive class.
    public struct Score: Sendable {
        public var tp = 0, fp = 0, fn = 0, tn = 0
        public var accuracy: Double { let n = tp + fp + fn + tn; return n == 0 ? 0 : Double(tp + tn) / Double(n) }
        public var precision: Double { tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp) }
        public var recall: Double { tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
        mutating func add(gold: Bool, predicted: Bool) {
            switch (gold, predicted) {
            case (true, true): tp += 1
            case (false, true): fp += 1
            case (true, false): fn += 1
            case (false, false): tn += 1
            }
        }
    }

    public struct Outcome: Sendable {
        public var row: Row
        /// UTF-8 range of the located concept in the sentence.
        public var span: Range<Int>
        public var assertion: Assertion
        public var document: Document
        public var correct: Bool {
            row.negated == assertion.negated && row.historical == assertion.historical
                && row.hypothetical == assertion.hypothetical && row.other == assertion.family
        }
    }

    public var negation = Score(), historical = Score(), hypothetical = Score(), experiencer = Score()
    public var outcomes: [Outcome] = []

    public static func loadRows(path: String) throws -> [Row] {
        let columns: Set<String> = ["id", "concept", "sentence", "negation", "temporality", "experiencer"]
        let file = try TSVFile.load(path: path, allowed: columns, required: columns)
        return try file.rows.map { r in
            func check(_ column: String, _ allowed: [String]) throws -> String {
                let v = r[column]
                guard allowed.contains(v) else {
                    throw DataFileError(file: path, line: r.line, message: "unknown \(column) '\(v)'; allowed: \(allowed.joined(separator: ", "))")
                }
                return v
            }
            let negation = try check("negation", ["Affirmed", "Negated"])
            let temporality = try check("temporality", ["Recent", "Historical", "Not particular"])
            let experiencer = try check("experiencer", ["Patient", "Family member", "Other"])
            return Row(id: r["id"], concept: r["concept"], sentence: r.fields["sentence"] ?? "", negated: negation == "Negated",
                       historical: temporality == "Historical", hypothetical: temporality == "Not particular",
                       other: experiencer != "Patient", line: r.line)
        }
    }

    public init(rows: [Row], analyzer: TextAnalyzer, engine: ContextEngine) {
        for row in rows {
            let span = Self.locate(concept: row.concept, in: row.sentence)
            var doc = analyzer.analyze(Note(noteID: row.id, text: row.sentence))
            var tb = -1, te = -1
            for (i, t) in doc.tokens.enumerated() where t.kind != .newline && Int(t.utf8End) > span.lowerBound && Int(t.utf8Begin) < span.upperBound {
                if tb < 0 { tb = i }
                te = i + 1
            }
            var assertion = Assertion()
            if tb >= 0 {
                let all = doc.tokens
                doc.sentences = [Sentence(utf8Begin: all.first!.utf8Begin, utf8End: all.last!.utf8End, tokenBegin: 0, tokenEnd: Int32(all.count))]
                assertion = engine.assess(doc, targets: [ContextTarget(tokenBegin: Int32(tb), tokenEnd: Int32(te), sentence: 0)])[0]
            }
            negation.add(gold: row.negated, predicted: assertion.negated)
            historical.add(gold: row.historical, predicted: assertion.historical)
            hypothetical.add(gold: row.hypothetical, predicted: assertion.hypothetical)
            experiencer.add(gold: row.other, predicted: assertion.family)
            outcomes.append(Outcome(row: row, span: span, assertion: assertion, document: doc))
        }
    }

    /// The UTF-8 range of `concept` in `sentence`, compared case- and whitespace-insensitively. The kit
    /// writes the target in capitals, so a capitalized occurrence wins over an earlier lower-case one; when the
    /// concept is not there verbatim, the longest common stretch stands in for it.
    public static func locate(concept: String, in sentence: String) -> Range<Int> {
        let text = Array(sentence.utf8)
        // Folded sentence bytes without whitespace, each with its offset in `text`.
        var folded: [UInt8] = [], offsets: [Int] = []
        for (i, b) in text.enumerated() where !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) {
            folded.append(b >= 65 && b <= 90 ? b + 32 : b)
            offsets.append(i)
        }
        let needle = concept.utf8.filter { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        func range(_ start: Int, _ length: Int) -> Range<Int> { offsets[start]..<(offsets[start + length - 1] + 1) }
        func capitalized(_ start: Int, _ length: Int) -> Bool {
            for k in start..<(start + length) { let b = text[offsets[k]]; if b >= 97 && b <= 122 { return false } }
            return true
        }
        if !needle.isEmpty && needle.count <= folded.count {
            var first: Int? = nil
            for s in 0...(folded.count - needle.count) where folded[s] == needle[0] && Array(folded[s..<(s + needle.count)]) == needle {
                if capitalized(s, needle.count) { return range(s, needle.count) }
                if first == nil { first = s }
            }
            if let first { return range(first, needle.count) }
        }
        // Longest common substring (dynamic programming; kit sentences are short).
        if needle.isEmpty || folded.isEmpty { return 0..<0 }
        var best = (start: 0, length: 0, cap: false)
        var prev = [Int](repeating: 0, count: needle.count + 1)
        for i in 1...folded.count {
            var cur = [Int](repeating: 0, count: needle.count + 1)
            for j in 1...needle.count where folded[i - 1] == needle[j - 1] {
                cur[j] = prev[j - 1] + 1
                let length = cur[j], start = i - length
                let cap = capitalized(start, length)
                if length > best.length || (length == best.length && cap && !best.cap) { best = (start, length, cap) }
            }
            prev = cur
        }
        return best.length == 0 ? 0..<0 : range(best.start, best.length)
    }

    /// `{"rows": N, "negation": {...}, "historical": {...}, "hypothetical": {...}, "experiencer": {...}}`.
    public func summaryJSON() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("rows", outcomes.count)
        for (name, s) in [("negation", negation), ("historical", historical), ("hypothetical", hypothetical), ("experiencer", experiencer)] {
            w.key(name)
            w.beginObject()
            w.field("accuracy", s.accuracy, digits: 4)
            w.field("precision", s.precision, digits: 4)
            w.field("recall", s.recall, digits: 4)
            w.field("f1", s.f1, digits: 4)
            w.field("tp", s.tp)
            w.field("fp", s.fp)
            w.field("fn", s.fn)
            w.endObject()
        }
        w.endObject()
        w.newline()
        return w.bytes
    }

    /// One JSON line per misclassified row: gold and predicted labels and the evidence behind the prediction.
    public func errorLines() -> [UInt8] {
        var bytes: [UInt8] = []
        for o in outcomes where !o.correct {
            var w = JSONWriter()
            w.beginObject()
            w.field("id", o.row.id)
            w.field("line", o.row.line)
            w.field("concept", o.row.concept)
            w.field("sentence", o.row.sentence)
            w.field("mention", o.document.text(o.span))
            for (name, gold, predicted) in [("negated", o.row.negated, o.assertion.negated), ("historical", o.row.historical, o.assertion.historical),
                                            ("hypothetical", o.row.hypothetical, o.assertion.hypothetical), ("other", o.row.other, o.assertion.family)]
            where gold != predicted {
                w.key(name)
                w.beginObject()
                w.field("gold", gold)
                w.field("predicted", predicted)
                w.endObject()
            }
            w.key("evidence")
            w.beginArray()
            for e in o.assertion.evidence {
                w.beginObject()
                w.field("attribute", e.attribute)
                w.field("trigger", o.document.text(Int(e.utf8Begin)..<Int(e.utf8End)))
                w.field("section", e.fromSection)
                w.endObject()
            }
            w.endArray()
            w.endObject()
            w.newline()
            bytes += w.bytes
        }
        return bytes
    }
}
