/// A small non-validating XML reader for BioC files: elements, attributes, text, CDATA, comments, processing
/// instructions and a DOCTYPE (skipped), the five predefined entities and character references.
///
/// Foundation's XMLParser needs libxml2 at run time on Linux, which a fresh machine may lack; BioC needs no
/// more than this. Literal line ends are normalised to LF as XML requires, so a carriage return in a note
/// survives only as `&#13;`, which is how the BioC writer stores it.
struct XMLElement {
    var name: String
    var attributes: [(String, String)]
    var children: [XMLNode]
    var line: Int

    func attribute(_ name: String) -> String? { attributes.first { $0.0 == name }?.1 }
    func elements(_ name: String) -> [XMLElement] {
        children.compactMap { if case .element(let e) = $0, e.name == name { return e } else { return nil } }
    }
    func element(_ name: String) -> XMLElement? { elements(name).first }
    /// The concatenated text content of direct text children.
    var text: String {
        var s = ""
        for c in children { if case .text(let t) = c { s += t } }
        return s
    }
}

indirect enum XMLNode {
    case element(XMLElement)
    case text(String)
}

struct MiniXMLParser {
    private let s: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private let file: String

    init(_ text: String, file: String) {
        var normalized: [Unicode.Scalar] = []
        normalized.reserveCapacity(text.unicodeScalars.count)
        var previousCR = false
        for c in text.unicodeScalars {
            if c == "\r" { normalized.append("\n"); previousCR = true; continue }
            if c == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            normalized.append(c)
        }
        s = normalized
        self.file = file
    }

    static func parse(_ text: String, file: String) throws -> XMLElement {
        var p = MiniXMLParser(text, file: file)
        return try p.document()
    }

    private func error(_ reason: String) -> AnnotationError { AnnotationError(file: file, line: line, reason) }

    private func peek(_ literal: String) -> Bool {
        var j = i
        for c in literal.unicodeScalars {
            guard j < s.count, s[j] == c else { return false }
            j += 1
        }
        return true
    }

    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where i < s.count {
            if s[i] == "\n" { line += 1 }
            i += 1
        }
    }

    private mutating func skip(until literal: String) throws {
        while i < s.count && !peek(literal) { advance() }
        guard i < s.count else { throw error("unterminated construct, expected '\(literal)'") }
        advance(literal.unicodeScalars.count)
    }

    private mutating func skipSpace() { while i < s.count, [" ", "\n", "\t"].contains(s[i]) { advance() } }

    private mutating func skipMisc() throws {
        while true {
            skipSpace()
            if peek("<?") { try skip(until: "?>") }
            else if peek("<!--") { try skip(until: "-->") }
            else if peek("<!DOCTYPE") {
                // Skips an internal subset in brackets too.
                var depth = 0
                while i < s.count {
                    if s[i] == "[" { depth += 1 } else if s[i] == "]" { depth -= 1 } else if s[i] == ">" && depth == 0 { break }
                    advance()
                }
                advance()
            } else { return }
        }
    }

    private mutating func document() throws -> XMLElement {
        try skipMisc()
        guard peek("<") else { throw error("expected the root element") }
        let root = try element()
        try skipMisc()
        guard i == s.count else { throw error("content after the root element") }
        return root
    }

    private static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        !([" ", "\n", "\t", "/", ">", "=", "<", "\"", "'"] as [Unicode.Scalar]).contains(c)
    }

    private mutating func name() throws -> String {
        var n = String.UnicodeScalarView()
        while i < s.count, Self.isNameChar(s[i]) { n.append(s[i]); advance() }
        guard !n.isEmpty else { throw error("expected a name") }
        return String(n)
    }

    private mutating func element() throws -> XMLElement {
        let startLine = line
        advance()  // <
        let tag = try name()
        var attributes: [(String, String)] = []
        while true {
            skipSpace()
            guard i < s.count else { throw error("unterminated tag <\(tag)>") }
            if peek("/>") { advance(2); return XMLElement(name: tag, attributes: attributes, children: [], line: startLine) }
            if s[i] == ">" { advance(); break }
            let key = try name()
            skipSpace()
            guard i < s.count, s[i] == "=" else { throw error("expected = after attribute '\(key)'") }
            advance()
            skipSpace()
            guard i < s.count, s[i] == "\"" || s[i] == "'" else { throw error("expected a quoted value for '\(key)'") }
            let quote = s[i]
            advance()
            var raw = String.UnicodeScalarView()
            while i < s.count, s[i] != quote { raw.append(s[i] == "\n" || s[i] == "\t" ? " " : s[i]); advance() }
            guard i < s.count else { throw error("unterminated attribute value") }
            advance()
            attributes.append((key, try decodeEntities(String(raw))))
        }
        var children: [XMLNode] = []
        var text = String.UnicodeScalarView()
        func flush() throws {
            if !text.isEmpty { children.append(.text(try decodeEntities(String(text)))); text = String.UnicodeScalarView() }
        }
        while true {
            guard i < s.count else { throw error("element <\(tag)> opened on line \(startLine) is not closed") }
            if s[i] != "<" {
                // Character data: the common case, kept off the markup checks below.
                if s[i] == "\n" { line += 1 }
                text.append(s[i])
                i += 1
            } else if peek("</") {
                try flush()
                advance(2)
                let closing = try name()
                guard closing == tag else { throw error("</\(closing)> closes <\(tag)> opened on line \(startLine)") }
                skipSpace()
                guard i < s.count, s[i] == ">" else { throw error("expected > after </\(closing)") }
                advance()
                return XMLElement(name: tag, attributes: attributes, children: children, line: startLine)
            } else if peek("<!--") {
                try skip(until: "-->")
            } else if peek("<![CDATA[") {
                advance(9)
                let start = i
                try skip(until: "]]>")
                var raw = String.UnicodeScalarView()
                raw.append(contentsOf: s[start..<(i - 3)])
                try flush()
                children.append(.text(String(raw)))
            } else if peek("<?") {
                try skip(until: "?>")
            } else if s[i] == "<" {
                try flush()
                children.append(.element(try element()))
            } else {
                text.append(s[i])
                advance()
            }
        }
    }

    private func decodeEntities(_ raw: String) throws -> String {
        guard raw.unicodeScalars.contains("&") else { return raw }
        var out = String.UnicodeScalarView()
        let u = Array(raw.unicodeScalars)
        var k = 0
        while k < u.count {
            guard u[k] == "&" else { out.append(u[k]); k += 1; continue }
            guard let semi = u[k...].firstIndex(of: ";") else { throw error("'&' without ';'") }
            let entity = String(String.UnicodeScalarView(u[(k + 1)..<semi]))
            switch entity {
            case "lt": out.append("<")
            case "gt": out.append(">")
            case "amp": out.append("&")
            case "quot": out.append("\"")
            case "apos": out.append("'")
            default:
                var value: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { value = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { value = UInt32(entity.dropFirst(1)) }
                guard let v = value, let scalar = Unicode.Scalar(v) else { throw error("unknown entity '&\(entity);'") }
                out.append(scalar)
            }
            k = semi + 1
        }
        return String(out)
    }
}

/// Escapes text for XML element content or a double-quoted attribute. Carriage returns are written as
/// character references so a parser's line-end normalisation cannot shift offsets; characters XML 1.0 cannot
/// carry at all (other C0 controls) become U+FFFD, one code point for one, so offsets stay valid.
func xmlEscape(_ s: String, attribute: Bool = false) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"" where attribute: out += "&quot;"
        case "\r": out += "&#13;"
        case "\n" where attribute: out += "&#10;"
        case "\t" where attribute: out += "&#9;"
        case "\n", "\t": out.unicodeScalars.append(c)
        default:
            if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF {
                out.unicodeScalars.append("\u{FFFD}")
            } else {
                out.unicodeScalars.append(c)
            }
        }
    }
    return out
}
