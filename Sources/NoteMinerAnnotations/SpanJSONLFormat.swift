import Foundation
import NoteMinerModel

/// spaCy-style JSON Lines, one document per line, in the shape spaCy/Prodigy span data uses:
/// `{"id", "text", "spans": [{"start", "end", "label", "text", "attributes": {"negated": bool, ...},
/// "concept_id", "preferred_name", "codes": [...]}], "relations": [{"head", "child", "label"}]}`.
/// `start`/`end` are code point offsets (Python string indices, as `doc.char_span` takes them); `head` and
/// `child` are indices into `spans` (drug → effect for ADR). `concept_id`, `preferred_name` and `codes` are
/// written only when known. The attribute names match medspaCy's span extensions without the `is_` prefix
/// (`is_negated`, `is_uncertain` = possible, `is_historical`, `is_hypothetical`, `is_family`).
public enum SpanJSONLFormat {
    public static func line(_ doc: AnnotatedDocument) -> [UInt8] {
        let scalars = Array(doc.text.unicodeScalars)
        var w = JSONWriter(reserving: doc.text.utf8.count * 2 + doc.spans.count * 200)
        w.beginObject()
        w.field("id", doc.id)
        w.field("text", doc.text)
        w.key("spans")
        w.beginArray()
        for span in doc.spans {
            w.beginObject()
            w.field("start", span.begin)
            w.field("end", span.end)
            w.field("label", span.label)
            w.field("text", AnnotatedDocument.slice(scalars, span.begin, span.end))
            w.key("attributes")
            w.beginObject()
            for a in ContextAttribute.allCases { w.field(a.rawValue, span.attributes.contains(a)) }
            w.endObject()
            if let c = span.conceptID { w.field("concept_id", c) }
            if let n = span.preferredName { w.field("preferred_name", n) }
            if !span.codes.isEmpty {
                w.key("codes")
                w.beginArray()
                for c in span.codes { w.string(c) }
                w.endArray()
            }
            w.endObject()
        }
        w.endArray()
        w.key("relations")
        w.beginArray()
        for r in doc.relations {
            w.beginObject()
            w.field("head", r.head)
            w.field("child", r.child)
            w.field("label", r.label)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.newline()
        return w.bytes
    }

    public static func file(_ docs: [AnnotatedDocument]) -> [UInt8] { docs.flatMap(line) }

    static let spanKeys: Set<String> = ["start", "end", "label", "text", "attributes", "concept_id", "preferred_name", "codes",
                                        "token_start", "token_end", "kb_id", "id"]
    static let docKeys: Set<String> = ["id", "text", "spans", "relations", "meta", "tokens", "_input_hash", "_task_hash", "answer"]

    /// Reads the file; unknown keys are refused with the line (a misspelt `lable` must not pass as unlabelled).
    /// Prodigy's own keys (`tokens`, `meta`, `answer`, hashes, `token_start`/`token_end`) are accepted and
    /// ignored. A line without `id` takes `meta.note_id`, else its line number.
    public static func read(_ content: String, file: String) throws -> [AnnotatedDocument] {
        var docs: [AnnotatedDocument] = []
        var lineNumber = 0
        // Lines are cut on bytes: a newline byte never occurs inside a multi-byte UTF-8 sequence or a JSON string.
        for line in content.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            func fail(_ reason: String) -> AnnotationError { AnnotationError(file: file, line: lineNumber, reason) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw fail("not a JSON object")
            }
            if let unknown = object.keys.sorted().first(where: { !docKeys.contains($0) }) { throw fail("unknown key '\(unknown)'") }
            guard let text = object["text"] as? String else { throw fail("missing \"text\"") }
            let meta = object["meta"] as? [String: Any]
            let id = (object["id"] as? String) ?? (object["id"] as? Int).map(String.init) ?? (meta?["note_id"] as? String) ?? String(lineNumber)
            let length = text.unicodeScalars.count
            var spans: [AnnotatedSpan] = []
            for raw in (object["spans"] as? [Any]) ?? [] {
                guard let s = raw as? [String: Any] else { throw fail("a span is not an object") }
                if let unknown = s.keys.sorted().first(where: { !spanKeys.contains($0) }) { throw fail("unknown span key '\(unknown)'") }
                guard let start = s["start"] as? Int, let end = s["end"] as? Int, let label = s["label"] as? String else {
                    throw fail("a span needs integer start, end and a label")
                }
                guard start >= 0, start <= end, end <= length else { throw fail("span \(start)-\(end) outside the text (\(length) characters)") }
                var span = AnnotatedSpan(begin: start, end: end, label: label, conceptID: s["concept_id"] as? String,
                                         preferredName: s["preferred_name"] as? String, codes: (s["codes"] as? [String]) ?? [])
                if let attributes = s["attributes"] as? [String: Any] {
                    for (key, value) in attributes {
                        let name = key.hasPrefix("is_") ? String(key.dropFirst(3)) : key
                        let attribute = ContextAttribute(rawValue: name == "uncertain" ? "possible" : name)
                        guard let attribute else { throw fail("unknown attribute '\(key)'") }
                        if (value as? Bool) == true { span.attributes.insert(attribute) }
                    }
                }
                spans.append(span)
            }
            var relations: [AnnotatedRelation] = []
            for raw in (object["relations"] as? [Any]) ?? [] {
                guard let r = raw as? [String: Any], let head = r["head"] as? Int, let child = r["child"] as? Int,
                      spans.indices.contains(head), spans.indices.contains(child)
                else { throw fail("a relation needs head and child indices into spans") }
                relations.append(AnnotatedRelation(label: (r["label"] as? String) ?? EntityLabel.adr, head: head, child: child))
            }
            docs.append(AnnotatedDocument(id: id, text: text, spans: spans, relations: relations))
        }
        return docs
    }
}
