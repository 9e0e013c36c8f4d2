import NoteMinerModel

/// Turns corrected annotations into training sentences for `noteminer train adr`, closing the loop from
/// pre-annotation to a retrained model: a sentence is positive (label 1) when it contains the effect of an
/// ADR relation, with the relation's drug and effect texts as its pairs (the drug may sit in an earlier
/// sentence: the classifier judges the sentence reporting the reaction); every other sentence is a negative.
/// The note id is the group, so grouped cross-validation never splits a note across folds.
public enum ADRTrainingExamples {
    /// One JSON line per sentence with text, in sentence order. `sentences` are code point ranges.
    public static func jsonLines(_ doc: AnnotatedDocument, sentences: [Range<Int>]) -> [UInt8] {
        let scalars = Array(doc.text.unicodeScalars)
        var bytes: [UInt8] = []
        func words(_ s: String) -> String { s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        for range in sentences {
            let text = AnnotatedDocument.slice(scalars, range.lowerBound, range.upperBound)
            guard text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) else { continue }
            var pairs: [(String, String)] = []
            for r in doc.relations where r.label == EntityLabel.adr {
                let effect = doc.spans[r.child], drug = doc.spans[r.head]
                guard effect.begin >= range.lowerBound, effect.end <= range.upperBound else { continue }
                let pair = (words(doc.text(of: drug)), words(doc.text(of: effect)))
                if !pairs.contains(where: { $0 == pair }) { pairs.append(pair) }
            }
            var w = JSONWriter()
            w.beginObject()
            w.field("text", text)
            w.field("label", pairs.isEmpty ? 0 : 1)
            w.field("group", doc.id)
            if !pairs.isEmpty {
                w.key("pairs")
                w.beginArray()
                for (d, e) in pairs {
                    w.beginObject()
                    w.field("drug", d)
                    w.field("effect", e)
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
            w.newline()
            bytes += w.bytes
        }
        return bytes
    }
}
