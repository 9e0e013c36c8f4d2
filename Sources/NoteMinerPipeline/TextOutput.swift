import NoteMinerModel

/// Serializations of the text stage. JSON Lines schema (one line per note, code point offsets, half-open):
/// `{"note_id", "sections": [{"begin","end","header","category"}], "sentences": [{"begin","end"}],
///   "tokens": [{"begin","end","text","norm","kind"}]}`.
public enum TextOutput {
    public static func jsonLine(_ doc: Document, into w: inout JSONWriter) {
        w.beginObject()
        w.field("note_id", doc.note.noteID)
        w.key("sections")
        w.beginArray()
        for s in doc.sections {
            let r = doc.codePointRange(s.utf8Range)
            w.beginObject()
            w.field("begin", r.lowerBound)
            w.field("end", r.upperBound)
            w.key("header"); w.string(utf8: doc.utf8[s.headerRange])
            w.field("category", s.category.rawValue)
            w.endObject()
        }
        w.endArray()
        w.key("sentences")
        w.beginArray()
        for s in doc.sentences {
            let r = doc.codePointRange(s.utf8Range)
            w.beginObject()
            w.field("begin", r.lowerBound)
            w.field("end", r.upperBound)
            w.endObject()
        }
        w.endArray()
        w.key("tokens")
        w.beginArray()
        for t in doc.tokens {
            let r = doc.codePointRange(t.utf8Range)
            w.beginObject()
            w.field("begin", r.lowerBound)
            w.field("end", r.upperBound)
            w.key("text"); w.string(utf8: doc.utf8[t.utf8Range])
            w.key("norm"); w.string(utf8: doc.normStorage[t.normRange])
            w.field("kind", t.kind.name)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.newline()
    }

    /// A readable rendering for people: sections, then sentences with their tokens separated by `|`.
    public static func text(_ doc: Document) -> String {
        var out = "== \(doc.note.noteID): \(doc.sections.count) sections, \(doc.sentences.count) sentences, \(doc.tokens.count) tokens\n"
        var sentenceIndex = 0
        for section in doc.sections {
            let header = doc.text(section.headerRange)
            out += "-- [\(section.category.rawValue)] \(header.isEmpty ? "(no header)" : header)\n"
            while sentenceIndex < doc.sentences.count, doc.sentences[sentenceIndex].utf8Begin < section.utf8End {
                let s = doc.sentences[sentenceIndex]
                let toks = s.tokenRange.map { i -> String in
                    let t = doc.tokens[i]
                    let text = t.kind == .newline ? "⏎" : doc.text(of: t)
                    return t.kind == .word ? text : "\(text)/\(t.kind.name)"
                }
                out += "   \(sentenceIndex + 1): \(toks.joined(separator: " | "))\n"
                sentenceIndex += 1
            }
        }
        return out
    }
}
