import NoteMinerModel

/// Sentence splitter: ICU sentence breaks within a line, clinical line rules across lines.
///
/// ICU finds sentence ends inside running text ("pain. He") but knows nothing of clinical notes: it breaks
/// after "Dr." and "b.i.d." before a capital, after the "1." of a list, and at every line break (so every
/// hard-wrapped line would become a sentence). So ICU breaks are kept only where no line break intervenes and
/// the token before is not a title, an inline abbreviation, or a bare list marker; where a line break
/// intervenes, the line rules in `breaksBetweenLines` decide. Section starts and the end of a section header
/// always break, so sentences never cross sections and a header line is a sentence of its own.
///
/// Output: every token belongs to exactly one sentence; sentences are in order, do not overlap, and run from
/// their first token's start to their last token's end.
public struct SentenceSplitter: Sendable {
    public let abbreviations: AbbreviationTable

    public init(abbreviations: AbbreviationTable) {
        self.abbreviations = abbreviations
    }

    /// Uses `AbbreviationTable.builtIn`; the pipeline loads `Lexicons/abbreviations.tsv` instead.
    public init() {
        self.init(abbreviations: .builtIn)
    }

    public func split(_ text: UnsafeBufferPointer<UInt8>, tokens: [Token], sections: [Section]) -> [Sentence] {
        guard !tokens.isEmpty else { return [] }
        let count = tokens.count
        return tokens.withUnsafeBufferPointer { tk in
            var breakBefore = [Bool](repeating: false, count: count)
            markICUBreaks(text, tk, &breakBefore)
            markSectionBreaks(text, tk, sections, &breakBefore)

            var sentences: [Sentence] = []
            sentences.reserveCapacity(count / 12 + 4)
            var sentenceStart = 0
            var line = LineInfo()
            line = lineInfo(text, tk, from: 0)
            var previousLine = LineInfo()
            for t in 1..<count {
                var split = breakBefore[t]
                if tk[t].flags.contains(.lineStart) {
                    previousLine = line
                    line = lineInfo(text, tk, from: t)
                    split = split || breaksBetweenLines(text, tk, t, previous: previousLine, current: line)
                } else if split, !keepsICUBreak(text, tk, t, sentenceStart: sentenceStart) {
                    split = false
                }
                // Section boundaries override everything.
                if !split, breakBefore[t], isForced(t, sections: sections, tk) { split = true }
                if split {
                    sentences.append(Sentence(utf8Begin: tk[sentenceStart].utf8Begin, utf8End: tk[t - 1].utf8End,
                                              tokenBegin: Int32(sentenceStart), tokenEnd: Int32(t)))
                    sentenceStart = t
                }
            }
            sentences.append(Sentence(utf8Begin: tk[sentenceStart].utf8Begin, utf8End: tk[count - 1].utf8End,
                                      tokenBegin: Int32(sentenceStart), tokenEnd: Int32(count)))
            return sentences
        }
    }

    /// Tokens right after an ICU sentence boundary that lies between two tokens on the same line.
    private func markICUBreaks(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ out: inout [Bool]) {
        let breaks = ICU.sentenceBreaks(text)
        var t = 0
        for b in breaks {
            while t < tk.count, tk[t].utf8Begin < b { t += 1 }
            guard t < tk.count else { break }
            if t > 0, tk[t - 1].utf8End <= b, !tk[t].flags.contains(.lineStart) { out[t] = true }
        }
    }

    /// Section starts, and the first body token after each header (a header is its own sentence).
    /// Marked with `true` and re-checked by `isForced` so ICU and section marks can share one array.
    private func markSectionBreaks(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>,
                                   _ sections: [Section], _ out: inout [Bool]) {
        var t = 0
        for s in sections {
            while t < tk.count, tk[t].utf8Begin < s.utf8Begin { t += 1 }
            guard t < tk.count else { return }
            out[t] = true
            if s.hasHeader {
                var h = t
                while h < tk.count, tk[h].utf8Begin < s.headerEnd { h += 1 }
                // Punctuation closing the header on its line (":" or "-" after "HPI") stays with the header.
                while h < tk.count, !tk[h].flags.contains(.lineStart), tk[h].kind == .punctuation,
                      tk[h].utf8Begin < s.utf8End, isHeaderCloser(text, tk[h]) {
                    h += 1
                }
                if h < tk.count, tk[h].utf8Begin < s.utf8End { out[h] = true }
            }
        }
    }

    private func isHeaderCloser(_ text: UnsafeBufferPointer<UInt8>, _ token: Token) -> Bool {
        let b = text[Int(token.utf8Begin)]
        return b == UInt8(ascii: ":") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    /// Whether token `t` starts a section or a section body (binary search over sections).
    private func isForced(_ t: Int, sections: [Section], _ tk: UnsafeBufferPointer<Token>) -> Bool {
        let begin = tk[t].utf8Begin
        var lo = 0, hi = sections.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sections[mid].utf8End <= begin { lo = mid + 1 } else { hi = mid }
        }
        guard lo < sections.count else { return false }
        let s = sections[lo]
        // First token of the section?
        if tk[t - 1].utf8Begin < s.utf8Begin { return true }
        // First body token after the header (everything between header end and this token is header closers).
        guard s.hasHeader, begin >= s.headerEnd else { return false }
        var p = t - 1
        while p >= 0, tk[p].utf8Begin >= s.headerEnd {
            if tk[p].kind != .punctuation || tk[p].flags.contains(.lineStart) { return false }
            p -= 1
        }
        return p >= 0 && tk[p].utf8Begin >= s.utf8Begin
    }

    /// Filters an ICU break before token `t` (same line as `t - 1`).
    private func keepsICUBreak(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ t: Int,
                               sentenceStart: Int) -> Bool {
        let previous = tk[t - 1]
        if previous.kind == .abbreviation {
            switch abbreviations.kind(text, previous.utf8Range) {
            case .title, .inline: return false
            case .abbreviation, .unit, nil: return startsCapitalized(tk[t])
            }
        }
        // A sentence must hold something besides list markers and punctuation ("1.", "•", "2)").
        var hasContent = false
        for k in sentenceStart..<t {
            let kind = tk[k].kind
            if kind == .punctuation || kind == .symbol { continue }
            if kind == .number, k == sentenceStart, k + 1 < t, tk[k + 1].kind == .punctuation { continue }
            hasContent = true
            break
        }
        return hasContent
    }

    private func startsCapitalized(_ token: Token) -> Bool {
        !token.flags.intersection([.capitalized, .allCaps]).isEmpty
    }

    // MARK: Lines

    struct LineInfo {
        /// First token of the line and one past its last.
        var first = 0
        var end = 0
        /// Bytes from the first token's start to the last token's end.
        var length = 0
        /// "BP: 120/80", "Blood Pressure: Elevated." — a short label and a colon near the start.
        var isLabel = false
        /// Every word on the line is in capitals (a header-like line).
        var isAllCaps = false
        /// Starts with a bullet or a numbered list marker.
        var isListItem = false
    }

    private func lineInfo(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, from first: Int) -> LineInfo {
        var info = LineInfo()
        info.first = first
        var e = first + 1
        while e < tk.count, !tk[e].flags.contains(.lineStart) { e += 1 }
        info.end = e
        info.length = Int(tk[e - 1].utf8End - tk[first].utf8Begin)
        // Label: up to five words (after an optional list marker) and a colon.
        var k = first
        info.isListItem = listMarkerLength(text, tk, first, lineEnd: e) > 0
        if info.isListItem { k += listMarkerLength(text, tk, first, lineEnd: e) }
        var words = 0
        while k < e, words <= 5 {
            let token = tk[k]
            if token.kind == .punctuation, text[Int(token.utf8Begin)] == UInt8(ascii: ":") {
                info.isLabel = words > 0 && k + 1 < e
                break
            }
            guard token.kind == .word || token.kind == .abbreviation || token.kind == .measurement else { break }
            words += 1
            k += 1
        }
        var caps = 0, other = 0
        for j in first..<e where tk[j].kind == .word || tk[j].kind == .abbreviation {
            if tk[j].flags.contains(.allCaps) { caps += 1 } else { other += 1; break }
        }
        info.isAllCaps = caps > 0 && other == 0
        return info
    }

    /// Tokens taken by a list marker at the start of a line: a bullet ("•", "-", "*", "o" is not one), or a
    /// number or single letter followed by "." or ")", or "(1)". Zero when the line is not a list item.
    private func listMarkerLength(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ first: Int, lineEnd: Int) -> Int {
        let token = tk[first]
        let b = text[Int(token.utf8Begin)]
        let followedBySpace = first + 1 < lineEnd && tk[first + 1].flags.contains(.spaceBefore)
        switch token.kind {
        case .punctuation, .symbol:
            if token.utf8End - token.utf8Begin == 1 {
                if b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "+") || b == UInt8(ascii: ">") {
                    return followedBySpace ? 1 : 0
                }
                if b == UInt8(ascii: "("), first + 2 < lineEnd, tk[first + 1].kind == .number || tk[first + 1].kind == .word,
                   tk[first + 1].utf8End - tk[first + 1].utf8Begin <= 2, text[Int(tk[first + 2].utf8Begin)] == UInt8(ascii: ")") {
                    return 3
                }
                return 0
            }
            if b >= 0x80 { return isBullet(text, token) ? 1 : 0 }
            return 0
        case .number, .word:
            guard token.kind == .number || token.utf8End - token.utf8Begin == 1, token.utf8End - token.utf8Begin <= 3,
                  first + 2 < lineEnd else { return 0 }
            let p = tk[first + 1]
            guard p.kind == .punctuation, p.utf8End - p.utf8Begin == 1, p.utf8Begin == token.utf8End else { return 0 }
            let c = text[Int(p.utf8Begin)]
            guard c == UInt8(ascii: ".") || c == UInt8(ascii: ")") else { return 0 }
            return tk[first + 2].flags.contains(.spaceBefore) ? 2 : 0
        default:
            return 0
        }
    }

    /// Bullets and dashes used as list markers: • ‣ ◦ ⁃ ∙ · ▪ ▫ ● ○ ■ □ ◆ ◇ ➢ ➤ → – —.
    private func isBullet(_ text: UnsafeBufferPointer<UInt8>, _ token: Token) -> Bool {
        let r = token.utf8Range
        let bytes = Array(text[r])
        let bullets: [[UInt8]] = [
            [0xE2, 0x80, 0xA2], [0xE2, 0x80, 0xA3], [0xE2, 0x97, 0xA6], [0xE2, 0x81, 0x83], [0xE2, 0x88, 0x99],
            [0xC2, 0xB7], [0xE2, 0x96, 0xAA], [0xE2, 0x96, 0xAB], [0xE2, 0x97, 0x8F], [0xE2, 0x97, 0x8B],
            [0xE2, 0x96, 0xA0], [0xE2, 0x96, 0xA1], [0xE2, 0x97, 0x86], [0xE2, 0x97, 0x87], [0xE2, 0x9E, 0xA2],
            [0xE2, 0x9E, 0xA4], [0xE2, 0x86, 0x92], [0xE2, 0x80, 0x93], [0xE2, 0x80, 0x94], [0xEF, 0x82, 0xB7],
        ]
        return bullets.contains(bytes)
    }

    /// Line breaks (CRLF counted once) in the gap `from..<to`.
    private func lineBreaks(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        var count = 0
        var k = from
        while k < to {
            let b = text[k]
            if b == 0x0A || b == 0x0B || b == 0x0C {
                count += 1
            } else if b == 0x0D {
                if !(k + 1 < to && text[k + 1] == 0x0A) { count += 1 }
            } else if b == 0xC2, k + 1 < to, text[k + 1] == 0x85 {
                count += 1
            } else if b == 0xE2, k + 2 < to, text[k + 1] == 0x80, text[k + 2] == 0xA8 || text[k + 2] == 0xA9 {
                count += 2  // a paragraph or line separator: treat as a paragraph end
            }
            k += 1
        }
        return count
    }

    /// Whether a sentence ends between line `previous` and line `current` (which starts at token `t`).
    /// A single line break joins the lines unless something says the previous sentence is over.
    private func breaksBetweenLines(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ t: Int,
                                    previous: LineInfo, current: LineInfo) -> Bool {
        if lineBreaks(text, from: Int(tk[t - 1].utf8End), to: Int(tk[t].utf8Begin)) >= 2 { return true }
        if current.isListItem || current.isLabel || previous.isLabel { return true }
        if current.isAllCaps || previous.isAllCaps { return true }
        let last = tk[t - 1]
        let next = tk[t]
        // Terminal punctuation, possibly inside a closing bracket or quote.
        var e = t - 1
        while e > previous.first, tk[e].kind == .punctuation, isCloser(text[Int(tk[e].utf8Begin)]) { e -= 1 }
        let end = tk[e]
        if end.kind == .punctuation {
            let c = text[Int(end.utf8End) - 1]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: ":") || c == UInt8(ascii: ";") {
                return true
            }
        }
        if last.kind == .abbreviation {
            switch abbreviations.kind(text, last.utf8Range) {
            case .title, .inline: return false
            case .abbreviation, .unit, nil: return startsCapitalized(next)
            }
        }
        // Continuation: the next line starts in lower case, or with a number, de-id tag or measurement.
        if !startsCapitalized(next) { return false }
        // A short line followed by a capitalized one reads as a list line or a label, not a wrapped sentence.
        return previous.length < 45
    }

    private func isCloser(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ")") || b == UInt8(ascii: "]") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
    }
}
