import Foundation

/// brat standoff: `<doc>.txt` holds the note text exactly, `<doc>.ann` one annotation per line.
///
/// Written per span, in canonical span order: `T<n>\t<Type> <start> <end>[;<start> <end>...]\t<text>`, then its
/// binary attributes `A<k>\t<Attribute> T<n>`, then `#<k>\tAnnotatorNotes T<n>\t<note>`; relations
/// `R<k>\tADR Arg1:T<drug> Arg2:T<effect>` come last. Offsets are code points (brat's Python string indices).
/// A span crossing a line break is written as fragments split at the break (brat cannot show a span over a
/// newline, and the text field must stay on one line); its text field joins the fragments with one space, as
/// brat does. Reading merges the fragments back into one span from the first start to the last end.
public enum BratFormat {
    /// The `.ann` file of one document.
    public static func ann(_ doc: AnnotatedDocument) -> String {
        let scalars = Array(doc.text.unicodeScalars)
        var out = ""
        var attributeNumber = 0, noteNumber = 0
        for (i, span) in doc.spans.enumerated() {
            let id = "T\(i + 1)"
            let fragments = Self.fragments(scalars, span.begin, span.end)
            let offsets = fragments.map { "\($0.0) \($0.1)" }.joined(separator: ";")
            let text = fragments.map { AnnotatedDocument.slice(scalars, $0.0, $0.1) }.joined(separator: " ")
            out += "\(id)\t\(span.label) \(offsets)\t\(oneLine(text))\n"
            for attribute in ContextAttribute.allCases where span.attributes.contains(attribute) {
                attributeNumber += 1
                out += "A\(attributeNumber)\t\(attribute.displayName) \(id)\n"
            }
            if let note = Self.note(for: span) {
                noteNumber += 1
                out += "#\(noteNumber)\tAnnotatorNotes \(id)\t\(note)\n"
            }
        }
        for (k, r) in doc.relations.enumerated() {
            out += "R\(k + 1)\t\(r.label) Arg1:T\(r.head + 1) Arg2:T\(r.child + 1)\n"
        }
        return out
    }

    /// The brat configuration for the exported types, attributes and relation.
    public static let annotationConf = """
        # brat configuration for NoteMiner pre-annotations (noteminer export --format brat).
        [entities]
        Condition
        Drug
        AdverseEffect

        [relations]
        ADR\tArg1:Drug, Arg2:AdverseEffect|Condition
        <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

        [events]

        [attributes]
        Negated\tArg:<ENTITY>
        Possible\tArg:<ENTITY>
        Historical\tArg:<ENTITY>
        Hypothetical\tArg:<ENTITY>
        Family\tArg:<ENTITY>

        """

    public static let visualConf = """
        [labels]
        Condition | Condition | Cond
        Drug | Drug
        AdverseEffect | Adverse effect | AE
        ADR | ADR

        [drawing]
        Condition\tbgColor:#7fa2ff
        Drug\tbgColor:#ffccaa
        AdverseEffect\tbgColor:#ff7f7f
        ADR\tcolor:#b00000, arrowHead:triangle-5
        Negated\tbox:crossed, glyph:!
        Possible\tglyph:?
        Historical\tglyph:H
        Hypothetical\tglyph:~
        Family\tglyph:F

        """

    /// Splits [begin, end) at line breaks, dropping the breaks and empty pieces.
    static func fragments(_ scalars: [Unicode.Scalar], _ begin: Int, _ end: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var start = begin
        var i = begin
        let hi = min(end, scalars.count)
        while i < hi {
            if isLineBreak(scalars[i]) {
                if i > start { result.append((start, i)) }
                start = i + 1
            }
            i += 1
        }
        if end > start { result.append((start, end)) }
        if result.isEmpty { result.append((begin, end)) }
        return result
    }

    static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0 == "\t" || isLineBreak($0) ? " " : $0 }))
    }

    /// `concept_id=<id>; codes=<SYSTEM:CODE> ...; name=<preferred name>`; parts without a value are left out.
    static func note(for span: AnnotatedSpan) -> String? {
        var parts: [String] = []
        if let c = span.conceptID { parts.append("concept_id=" + oneLine(c)) }
        if !span.codes.isEmpty { parts.append("codes=" + span.codes.map(oneLine).joined(separator: " ")) }
        if let n = span.preferredName { parts.append("name=" + oneLine(n)) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    static func parseNote(_ note: String, into span: inout AnnotatedSpan) {
        var rest = Substring(note)
        while !rest.isEmpty {
            if rest.hasPrefix("name=") {
                span.preferredName = String(rest.dropFirst(5))
                return
            }
            let end = rest.range(of: "; ")
            let part = end.map { rest[..<$0.lowerBound] } ?? rest
            rest = end.map { rest[$0.upperBound...] } ?? ""
            if part.hasPrefix("concept_id=") {
                span.conceptID = String(part.dropFirst(11))
            } else if part.hasPrefix("codes=") {
                span.codes = part.dropFirst(6).split(separator: " ").map(String.init)
            }
            // Free text an annotator typed is kept nowhere: it is a comment, not an annotation.
        }
    }

    /// Reads one `.ann` file against its text. Entities with types brat allows but NoteMiner does not know are
    /// kept with their label; events (`E`), normalizations (`N`) and equivalences (`*`) are refused with the
    /// line, because dropping them silently would misreport a corrected file.
    public static func read(id: String, text: String, ann: String, file: String) throws -> AnnotatedDocument {
        let scalars = Array(text.unicodeScalars)
        var spans: [AnnotatedSpan] = []
        var spanIndex: [String: Int] = [:]
        var attributes: [(id: String, name: String, line: Int)] = []
        var notes: [(id: String, note: String, line: Int)] = []
        var relations: [(label: String, a: String, b: String, line: Int)] = []
        var lineNumber = 0
        for lineBytes in ann.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(decoding: lineBytes.last == 0x0D ? lineBytes.dropLast() : lineBytes, as: UTF8.self)
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            let ident = String(fields[0])
            guard fields.count >= 2 else { throw AnnotationError(file: file, line: lineNumber, "expected a tab after '\(ident)'") }
            let body = fields[1].split(separator: " ", omittingEmptySubsequences: true)
            switch ident.first {
            case "T":
                guard body.count >= 3 else { throw AnnotationError(file: file, line: lineNumber, "entity needs a type and offsets") }
                let label = String(body[0])
                var lo = Int.max, hi = Int.min
                for fragment in body.dropFirst().joined(separator: " ").split(separator: ";") {
                    let pair = fragment.split(separator: " ")
                    guard pair.count == 2, let b = Int(pair[0]), let e = Int(pair[1]), b >= 0, b <= e, e <= scalars.count else {
                        throw AnnotationError(file: file, line: lineNumber, "bad offsets '\(fragment)' (text has \(scalars.count) characters)")
                    }
                    lo = min(lo, b)
                    hi = max(hi, e)
                }
                if fields.count == 3 {
                    let expected = fragments(scalars, lo, hi).map { AnnotatedDocument.slice(scalars, $0.0, $0.1) }
                    let given = String(fields[2])
                    let joined = expected.joined(separator: " ")
                    if given != joined && given != oneLine(joined) && given != oneLine(AnnotatedDocument.slice(scalars, lo, hi)) {
                        throw AnnotationError(file: file, line: lineNumber, "span text '\(given)' does not match the text at \(lo)-\(hi)")
                    }
                }
                guard spanIndex[ident] == nil else { throw AnnotationError(file: file, line: lineNumber, "duplicate id \(ident)") }
                spanIndex[ident] = spans.count
                spans.append(AnnotatedSpan(begin: lo, end: hi, label: label))
            case "A", "M":
                guard body.count >= 2 else { throw AnnotationError(file: file, line: lineNumber, "attribute needs a name and a target") }
                // A multi-valued attribute counts as set unless its value says otherwise.
                if body.count >= 3, ["false", "no", "0"].contains(body[2].lowercased()) { continue }
                attributes.append((String(body[1]), String(body[0]), lineNumber))
            case "#":
                guard body.count >= 2 else { continue }
                notes.append((String(body[1]), fields.count == 3 ? String(fields[2]) : "", lineNumber))
            case "R":
                guard body.count >= 3, body[1].hasPrefix("Arg1:"), body[2].hasPrefix("Arg2:") else {
                    throw AnnotationError(file: file, line: lineNumber, "relation needs Arg1: and Arg2:")
                }
                relations.append((String(body[0]), String(body[1].dropFirst(5)), String(body[2].dropFirst(5)), lineNumber))
            default:
                throw AnnotationError(file: file, line: lineNumber, "unsupported brat annotation '\(ident)' (only T, A, M, R and # lines are read)")
            }
        }
        for a in attributes {
            guard let i = spanIndex[a.id] else { throw AnnotationError(file: file, line: a.line, "attribute on unknown entity \(a.id)") }
            guard let attribute = ContextAttribute(displayName: a.name) else {
                throw AnnotationError(file: file, line: a.line, "unknown attribute '\(a.name)' (known: \(ContextAttribute.allCases.map(\.displayName).joined(separator: ", ")))")
            }
            spans[i].attributes.insert(attribute)
        }
        for n in notes where n.note.hasPrefix("concept_id=") || n.note.hasPrefix("codes=") || n.note.hasPrefix("name=") {
            guard let i = spanIndex[n.id] else { continue }
            parseNote(n.note, into: &spans[i])
        }
        var links: [AnnotatedRelation] = []
        for r in relations {
            guard let a = spanIndex[r.a], let b = spanIndex[r.b] else {
                throw AnnotationError(file: file, line: r.line, "relation between unknown entities \(r.a), \(r.b)")
            }
            links.append(AnnotatedRelation(label: r.label, head: a, child: b))
        }
        return AnnotatedDocument(id: id, text: text, spans: spans, relations: links)
    }

    /// Reads every `<name>.ann` with its `<name>.txt` in a folder (not recursive), sorted by name; the
    /// document id is the file name stem.
    public static func readFolder(_ path: String) throws -> [AnnotatedDocument] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw AnnotationError(file: path, "cannot list the folder: \(error.localizedDescription)")
        }
        var docs: [AnnotatedDocument] = []
        for name in names.sorted() where name.hasSuffix(".ann") && !name.hasPrefix(".") {
            let stem = String(name.dropLast(4))
            let annPath = path + "/" + name, txtPath = path + "/" + stem + ".txt"
            let ann = try readUTF8(annPath)
            let text = try readUTF8(txtPath)
            docs.append(try read(id: stem, text: text, ann: ann, file: annPath))
        }
        return docs
    }
}

func readUTF8(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw AnnotationError(file: path, "cannot read the file") }
    guard let s = String(data: data, encoding: .utf8) else { throw AnnotationError(file: path, "not valid UTF-8") }
    return s
}
