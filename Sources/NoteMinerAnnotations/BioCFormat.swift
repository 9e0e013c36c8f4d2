/// BioC XML: one collection, one document per note with one passage (offset 0) holding the note text.
///
/// Offsets (`location offset` and `length`) are Unicode code points into the document text, the unit the
/// `bioc` Python package and brat use; the collection says so in its `offset_unit` infon (BioC itself leaves
/// the unit to the collection's key file). Each annotation carries infons `type` (Condition, Drug,
/// AdverseEffect), `concept_id`, `preferred_name`, `codes` (space-separated `SYSTEM:CODE`) and one infon per
/// ConText attribute (`negated` ... `family`, `true`/`false`); each ADR relation has infon `type` = `ADR` and
/// nodes with roles `drug` and `effect`.
public enum BioCFormat {
    public static let offsetUnit = "unicode_code_point"

    /// The collection. `date` goes into the collection's `<date>` (empty by default, so output is reproducible).
    public static func collection(_ docs: [AnnotatedDocument], date: String = "") -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE collection SYSTEM "BioC.dtd">
            <collection>
              <source>NoteMiner</source>
              <date>\(xmlEscape(date))</date>
              <key>noteminer.key</key>
              <infon key="offset_unit">\(offsetUnit)</infon>

            """
        for doc in docs { out += document(doc) }
        out += "</collection>\n"
        return out
    }

    static func infon(_ key: String, _ value: String, indent: String) -> String {
        "\(indent)<infon key=\"\(xmlEscape(key, attribute: true))\">\(xmlEscape(value))</infon>\n"
    }

    static func document(_ doc: AnnotatedDocument) -> String {
        let scalars = Array(doc.text.unicodeScalars)
        var out = "  <document>\n    <id>\(xmlEscape(doc.id))</id>\n    <passage>\n"
        out += infon("type", "note", indent: "      ")
        out += "      <offset>0</offset>\n      <text>\(xmlEscape(doc.text))</text>\n"
        for (i, span) in doc.spans.enumerated() {
            out += "      <annotation id=\"T\(i + 1)\">\n"
            let ind = "        "
            out += infon("type", span.label, indent: ind)
            if let c = span.conceptID { out += infon("concept_id", c, indent: ind) }
            if let n = span.preferredName { out += infon("preferred_name", n, indent: ind) }
            if !span.codes.isEmpty { out += infon("codes", span.codes.joined(separator: " "), indent: ind) }
            for a in ContextAttribute.allCases {
                out += infon(a.rawValue, span.attributes.contains(a) ? "true" : "false", indent: ind)
            }
            out += "\(ind)<location offset=\"\(span.begin)\" length=\"\(span.end - span.begin)\"/>\n"
            out += "\(ind)<text>\(xmlEscape(AnnotatedDocument.slice(scalars, span.begin, span.end)))</text>\n"
            out += "      </annotation>\n"
        }
        for (k, r) in doc.relations.enumerated() {
            out += "      <relation id=\"R\(k + 1)\">\n"
            out += infon("type", r.label, indent: "        ")
            out += "        <node refid=\"T\(r.head + 1)\" role=\"drug\"/>\n"
            out += "        <node refid=\"T\(r.child + 1)\" role=\"effect\"/>\n"
            out += "      </relation>\n"
        }
        out += "    </passage>\n  </document>\n"
        return out
    }

    static let trueValues: Set<String> = ["true", "yes", "1"]

    /// Reads a BioC XML collection. Several passages per document are joined at their offsets (gaps become
    /// spaces); relations may sit in passages or in the document; a relation's first two nodes are drug and
    /// effect unless roles `drug`/`effect` (or `Arg1`/`Arg2`) say otherwise.
    public static func read(_ xml: String, file: String) throws -> [AnnotatedDocument] {
        let root = try MiniXMLParser.parse(xml, file: file)
        guard root.name == "collection" else { throw AnnotationError(file: file, line: root.line, "root element is <\(root.name)>, not <collection>") }
        var docs: [AnnotatedDocument] = []
        for d in root.elements("document") {
            guard let id = d.element("id")?.text, !id.isEmpty else { throw AnnotationError(file: file, line: d.line, "document without <id>") }
            var scalars: [Unicode.Scalar] = []
            var spans: [AnnotatedSpan] = []
            var ids: [String: Int] = [:]
            var relationElements = d.elements("relation")
            for p in d.elements("passage") {
                guard let offsetText = p.element("offset")?.text, let offset = Int(offsetText.trimmingSpaces()), offset >= 0 else {
                    throw AnnotationError(file: file, line: p.line, "passage without a valid <offset> in document '\(id)'")
                }
                if let t = p.element("text")?.text {
                    while scalars.count < offset { scalars.append(" ") }
                    let u = Array(t.unicodeScalars)
                    if scalars.count > offset { scalars.removeLast(scalars.count - offset) }
                    scalars.append(contentsOf: u)
                }
                for a in p.elements("annotation") {
                    let infons = Dictionary(a.elements("infon").map { ($0.attribute("key") ?? "", $0.text) }, uniquingKeysWith: { first, _ in first })
                    guard let label = infons["type"] ?? infons["label"] else {
                        throw AnnotationError(file: file, line: a.line, "annotation without a 'type' infon in document '\(id)'")
                    }
                    var lo = Int.max, hi = Int.min
                    for loc in a.elements("location") {
                        guard let o = loc.attribute("offset").flatMap({ Int($0) }), let n = loc.attribute("length").flatMap({ Int($0) }), o >= 0, n >= 0 else {
                            throw AnnotationError(file: file, line: loc.line, "location needs integer offset and length")
                        }
                        lo = min(lo, o)
                        hi = max(hi, o + n)
                    }
                    guard lo <= hi else { throw AnnotationError(file: file, line: a.line, "annotation without a <location>") }
                    var span = AnnotatedSpan(begin: lo, end: hi, label: label, conceptID: infons["concept_id"],
                                             preferredName: infons["preferred_name"])
                    if let codes = infons["codes"] { span.codes = codes.split(separator: " ").map(String.init) }
                    for attr in ContextAttribute.allCases {
                        if let v = infons[attr.rawValue] ?? infons[attr.displayName], trueValues.contains(v.lowercased()) {
                            span.attributes.insert(attr)
                        }
                    }
                    if let aid = a.attribute("id") { ids[aid] = spans.count }
                    spans.append(span)
                }
                relationElements += p.elements("relation")
            }
            for s in spans where s.end > scalars.count {
                throw AnnotationError(file: file, line: d.line, "annotation \(s.begin)-\(s.end) runs past the text of document '\(id)' (\(scalars.count) characters)")
            }
            var relations: [AnnotatedRelation] = []
            for r in relationElements {
                let nodes = r.elements("node")
                let label = r.elements("infon").first { $0.attribute("key") == "type" }?.text ?? EntityLabel.adr
                func node(_ roles: [String], fallback: Int) -> String? {
                    nodes.first { roles.contains($0.attribute("role") ?? "") }?.attribute("refid")
                        ?? (nodes.count > fallback ? nodes[fallback].attribute("refid") : nil)
                }
                guard let a = node(["drug", "Arg1", "head"], fallback: 0), let b = node(["effect", "Arg2", "child"], fallback: 1),
                      let head = ids[a], let child = ids[b]
                else { throw AnnotationError(file: file, line: r.line, "relation in document '\(id)' does not name two annotations") }
                relations.append(AnnotatedRelation(label: label, head: head, child: child))
            }
            docs.append(AnnotatedDocument(id: id, text: String(String.UnicodeScalarView(scalars)), spans: spans, relations: relations))
        }
        return docs
    }
}

extension String {
    func trimmingSpaces() -> String {
        var u = Substring(self)
        while let f = u.unicodeScalars.first, f == " " || f == "\n" || f == "\t" { u = u.dropFirst() }
        while let l = u.unicodeScalars.last, l == " " || l == "\n" || l == "\t" { u = u.dropLast() }
        return String(u)
    }
}
