import NoteMinerModel

/// Sentence splitter: Unicode sentence boundaries (UAX #29, as ICU implements them) within a line, clinical
/// line rules across lines, and section boundaries above both.
///
/// Within a line, lines whose tokens are all ASCII (or ASCII plus bullets and degree signs) are split by
/// `ruleBreaks`, a token-level transcription of the UAX #29 rules that ICU's sentence iterator applies; other
/// lines go to ICU itself. ICU over the whole note costs about as much as all tokenization, and a test checks
/// that both give the same boundaries on ASCII lines. Clinical knowledge then removes boundaries ICU would
/// make after titles and inline abbreviations ("Dr.", "e.g."), after sentence-final abbreviations not followed
/// by a capital ("b.i.d. then"), and after bare list markers ("1.").
///
/// Across lines (ICU breaks at every line break, which would make each hard-wrapped line a sentence),
/// `breaksBetweenLines` decides: blank lines, list items, "Label: value" lines, all-caps lines and terminal
/// punctuation end a sentence; otherwise a line continues the sentence when the next line starts in lower case
/// (or with a number) or the previous line is long enough to be hard-wrapped prose.
///
/// Section starts and the end of each section header always break, so sentences never cross sections and a
/// header is a sentence of its own. Every token belongs to exactly one sentence; sentences are in order, do not
/// overlap, and run from their first token's start to their last token's end.
public struct SentenceSplitter: Sendable {
    public let abbreviations: AbbreviationTable

    public init(abbreviations: AbbreviationTable) {
        self.abbreviations = abbreviations
    }

    /// Uses `AbbreviationTable.builtIn`; the pipeline loads `Lexicons/abbreviations.tsv` instead.
    public init() {
        self.init(abbreviations: .builtIn)
    }

    /// Bits of the per-token mark array.
    private static let withinLine: UInt8 = 1, forced: UInt8 = 2

    public func split(_ text: UnsafeBufferPointer<UInt8>, tokens: [Token], sections: [Section]) -> [Sentence] {
        guard !tokens.isEmpty else { return [] }
        let count = tokens.count
        return tokens.withUnsafeBufferPointer { tk in
            var marks = [UInt8](repeating: 0, count: count)
            markSectionBreaks(text, tk, sections, &marks)

            var sentences: [Sentence] = []
            sentences.reserveCapacity(count / 12 + 4)
            var sentenceStart = 0
            // Whether the current sentence has content, known for tokens before `contentScanned` (keeps the
            // check linear on long runs of punctuation).
            var content = ContentScan()
            var line = lineInfo(text, tk, from: 0)
            markWithinLine(text, tk, line, &marks)
            for t in 1..<count {
                var split = false
                if tk[t].isLineStart {
                    let previous = line
                    line = lineInfo(text, tk, from: t)
                    markWithinLine(text, tk, line, &marks)
                    split = breaksBetweenLines(text, tk, t, previous: previous, current: line)
                } else if marks[t] & Self.withinLine != 0 {
                    split = keepsBreak(text, tk, t, sentenceStart: sentenceStart, content: &content)
                }
                if marks[t] & Self.forced != 0 { split = true }
                if split {
                    sentences.append(Sentence(utf8Begin: tk[sentenceStart].utf8Begin, utf8End: tk[t - 1].utf8End,
                                              tokenBegin: Int32(sentenceStart), tokenEnd: Int32(t)))
                    sentenceStart = t
                    content = ContentScan(scanned: t)
                }
            }
            sentences.append(Sentence(utf8Begin: tk[sentenceStart].utf8Begin, utf8End: tk[count - 1].utf8End,
                                      tokenBegin: Int32(sentenceStart), tokenEnd: Int32(count)))
            return sentences
        }
    }

    // MARK: Sections

    /// Section starts, and the first body token after each header (a header is its own sentence).
    private func markSectionBreaks(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>,
                                   _ sections: [Section], _ marks: inout [UInt8]) {
        var t = 0
        for s in sections {
            while t < tk.count, tk[t].utf8Begin < s.utf8Begin { t += 1 }
            guard t < tk.count else { return }
            marks[t] |= Self.forced
            guard s.hasHeader else { continue }
            var h = t
            while h < tk.count, tk[h].utf8Begin < s.headerEnd { h += 1 }
            // Punctuation closing the header on its line (":" or "-" after "HPI") stays with the header.
            while h < tk.count, !tk[h].isLineStart, tk[h].kind == .punctuation, tk[h].utf8Begin < s.utf8End {
                let b = text[Int(tk[h].utf8Begin)]
                guard b == UInt8(ascii: ":") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else { break }
                h += 1
            }
            if h < tk.count, h > t, tk[h].utf8Begin < s.utf8End { marks[h] |= Self.forced }
        }
    }

    // MARK: Within a line

    private func markWithinLine(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ line: LineInfo,
                                _ marks: inout [UInt8]) {
        guard line.end - line.first > 1 else { return }
        if line.needsICU {
            for t in icuBreaks(text, tk, line.first..<line.end) { marks[t] |= Self.withinLine }
        } else {
            // Marked as found: an array of breaks per line was an allocation for most lines of a note.
            ruleBreaks(text, tk, line.first..<line.end) { marks[$0] |= Self.withinLine }
        }
    }

    /// Tokens in `line` (token indices, all on one line) that start a sentence according to ICU, excluding the first.
    func icuBreaks(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ line: Range<Int>) -> [Int] {
        let base = Int(tk[line.lowerBound].utf8Begin)
        let end = Int(tk[line.upperBound - 1].utf8End)
        let breaks = ICU.sentenceBreaks(UnsafeBufferPointer(rebasing: text[base..<end]))
        var out: [Int] = []
        var t = line.lowerBound
        for b32 in breaks {
            let b = base + Int(b32)
            while t < line.upperBound, Int(tk[t].utf8Begin) < b { t += 1 }
            guard t < line.upperBound else { break }
            if t > line.lowerBound, Int(tk[t - 1].utf8End) <= b, out.last != t { out.append(t) }
        }
        return out
    }

    /// UAX #29 sentence boundaries on the tokens of one ASCII line, as ICU finds them (rules SB6–SB11; a line
    /// holds no paragraph separators). `.`, abbreviations ending in `.` are ATerm; `?`, `!` STerm.
    func ruleBreaks(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ line: Range<Int>) -> [Int] {
        var out: [Int] = []
        ruleBreaks(text, tk, line) { out.append($0) }
        return out
    }

    /// `ruleBreaks` handing each break to `found`, in order.
    func ruleBreaks(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ line: Range<Int>, _ found: (Int) -> Void) {
        var p = line.lowerBound
        let end = line.upperBound
        while p < end - 1 {
            guard terminal(text, tk[p]) != 0 else { p += 1; continue }
            // SATerm+ Close* Sp*, with more terminals allowed after closers and spaces (SB8a: × SATerm).
            var j = p
            var last = terminal(text, tk[p])
            var lastTerminalIndex = p
            var continues = false
            var spaced = false
            while j + 1 < end {
                let next = tk[j + 1]
                if next.hasSpaceBefore { spaced = true }
                let nb = text[Int(next.utf8Begin)]
                if !spaced, next.kind == .punctuation, isClose(nb) { j += 1; continue }
                let tn = next.kind == .punctuation ? terminal(text, next) : 0
                if tn != 0 { j += 1; last = tn; lastTerminalIndex = j; spaced = false; continue }
                if next.kind == .punctuation, isSContinue(nb) { continues = true }  // SB8a: × SContinue
                break
            }
            let t = j + 1
            guard t < end else { break }
            if continues { p = t; continue }
            var boundary = true
            // A token glued to the terminal that opens with a Close character ("[**Name**]" after "pain."): ICU's
            // Close* takes that character and breaks inside the token, which is no boundary between tokens.
            if !tk[t].hasSpaceBefore, tk[t].kind != .punctuation, isClose(text[Int(tk[t].utf8Begin)]), !spacedBefore(tk, lastTerminalIndex, t) {
                boundary = false
            }
            if boundary, last == 1 {
                let next = tk[t]
                let nb = text[Int(next.utf8Begin)]
                let term = tk[lastTerminalIndex]
                // SB6: ATerm × Numeric ("...5").
                if lastTerminalIndex == j, !next.hasSpaceBefore, nb &- 0x30 < 10 { boundary = false }
                // SB7: (Upper | Lower) ATerm × Upper, all adjacent ("U.S", "pain.He").
                if lastTerminalIndex == j, !next.hasSpaceBefore, isUpperASCII(nb), term.kind == .punctuation, term.length == 1,
                   lastTerminalIndex > line.lowerBound, tk[lastTerminalIndex - 1].utf8End == term.utf8Begin,
                   isLetterASCII(text[Int(term.utf8Begin) - 1]) {
                    boundary = false
                }
                // SB7 inside an abbreviation token ending "X.": the letter before its final period is adjacent.
                if boundary, lastTerminalIndex == j, !next.hasSpaceBefore, isUpperASCII(nb), term.kind == .abbreviation,
                   isLetterASCII(text[Int(term.utf8End) - 2]) {
                    boundary = false
                }
                // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | SATerm))* Lower, byte by byte ("5mg" has a Lower).
                if boundary {
                    var k = Int(next.utf8Begin)
                    let stop = Int(tk[end - 1].utf8End)
                    while k < stop {
                        let b = text[k]
                        if isLetterASCII(b) {
                            if isLowerASCII(b) { boundary = false }
                            break
                        }
                        if b == UInt8(ascii: ".") || b == UInt8(ascii: "?") || b == UInt8(ascii: "!") { break }
                        k += 1  // digits, spaces, other punctuation, and the bullets and degree signs of ASCII lines
                    }
                }
            }
            if boundary { found(t) }
            p = t
        }
    }

    /// Whether any token in `p + 1 ..< t` is preceded by a space (then trailing Close characters are not part of the terminal sequence).
    @inline(__always)
    private func spacedBefore(_ tk: UnsafeBufferPointer<Token>, _ p: Int, _ t: Int) -> Bool {
        var k = p + 1
        while k < t { if tk[k].hasSpaceBefore { return true }; k += 1 }
        return false
    }

    /// 1 for ATerm-final tokens (".", "...", "b.i.d."), 2 for STerm-final ("?", "!", "?!"), else 0.
    @inline(__always)
    private func terminal(_ text: UnsafeBufferPointer<UInt8>, _ token: Token) -> Int {
        switch token.kind {
        case .punctuation:
            let b = text[Int(token.utf8End) - 1]
            if b == UInt8(ascii: ".") { return 1 }
            if b == UInt8(ascii: "?") || b == UInt8(ascii: "!") { return 2 }
            return 0
        case .abbreviation:
            return text[Int(token.utf8End) - 1] == UInt8(ascii: ".") ? 1 : 0
        default:
            return 0
        }
    }

    @inline(__always) private func isClose(_ b: UInt8) -> Bool {
        b == 0x22 || b == 0x27 || b == 0x28 || b == 0x29 || b == 0x5B || b == 0x5D || b == 0x7B || b == 0x7D
    }
    /// UAX #29 SContinue in ASCII as of Unicode 15 (ICU 72): comma, hyphen-minus, colon — not the semicolon.
    @inline(__always) private func isSContinue(_ b: UInt8) -> Bool { b == 0x2C || b == 0x2D || b == 0x3A }
    @inline(__always) private func isUpperASCII(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) private func isLowerASCII(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    @inline(__always) private func isLetterASCII(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

    /// Filters a within-line boundary before token `t` with clinical knowledge.
    struct ContentScan {
        var scanned = 0
        var found = false
    }

    /// Filters a within-line boundary before token `t` with clinical knowledge.
    private func keepsBreak(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ t: Int,
                            sentenceStart: Int, content: inout ContentScan) -> Bool {
        let previous = tk[t - 1]
        if previous.kind == .abbreviation {
            switch abbreviations.kind(text, previous.utf8Range) {
            case .title, .inline: return false
            case .abbreviation, .unit, nil: return tk[t].startsUpper
            }
        }
        // A sentence must hold something besides list markers and punctuation ("1.", "•", "2)").
        var k = max(content.scanned, sentenceStart)
        while !content.found, k < t {
            let kind = tk[k].kind
            let marker = k == sentenceStart && (kind == .number || (kind == .word && tk[k].length == 1))
                && k + 1 < tk.count && tk[k + 1].kind == .punctuation
            if kind != .punctuation && kind != .symbol && !marker { content.found = true }
            k += 1
        }
        content.scanned = max(content.scanned, k)
        return content.found
    }

    // MARK: Lines

    struct LineInfo {
        /// First token of the line and one past its last.
        var first = 0
        var end = 0
        /// Bytes from the first token's start to the last token's end.
        var length = 0
        /// "BP: 120/80", "Blood Pressure: Elevated." — a few words and a colon, then a value.
        var isLabel = false
        /// Every word on the line is in capitals (a header-like line).
        var isAllCaps = false
        /// Starts with a bullet or a numbered list marker.
        var isListItem = false
        /// Holds non-ASCII tokens other than bullets and measurements: split by ICU.
        var needsICU = false
    }

    func lineInfo(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, from first: Int) -> LineInfo {
        var info = LineInfo()
        info.first = first
        var e = first + 1
        var caps = 0, lower = 0
        var needsICU = false
        if tk[first].isNonASCII { needsICU = !isNeutralNonASCII(text, tk[first]) }
        if tk[first].kind == .word || tk[first].kind == .abbreviation { if isCapitals(tk[first]) { caps += 1 } else { lower += 1 } }
        while e < tk.count {
            let token = tk[e]
            if token.isLineStart { break }
            if token.isNonASCII, !needsICU { needsICU = !isNeutralNonASCII(text, token) }
            if token.kind == .word || token.kind == .abbreviation { if isCapitals(token) { caps += 1 } else { lower += 1 } }
            e += 1
        }
        info.end = e
        info.needsICU = needsICU
        info.length = Int(tk[e - 1].utf8End - tk[first].utf8Begin)
        info.isAllCaps = caps > 0 && lower == 0
        let marker = listMarkerLength(text, tk, first, lineEnd: e)
        info.isListItem = marker > 0
        // Label: up to five words (after an optional list marker), a colon, then something.
        var k = first + marker
        var words = 0
        // A label starts with a capital ("Blood Pressure:", "BP:"); "started on meds: aspirin" is wrapped prose.
        let labelStart = k < e && tk[k].startsUpper
        while k < e, words <= 5 {
            let token = tk[k]
            if token.kind == .punctuation, text[Int(token.utf8Begin)] == UInt8(ascii: ":") {
                info.isLabel = labelStart && words > 0 && k + 1 < e
                break
            }
            guard token.kind == .word || token.kind == .abbreviation || token.kind == .measurement else { break }
            words += 1
            k += 1
        }
        return info
    }

    /// All caps, counting one-letter capitals ("A", "I") as caps.
    @inline(__always) private func isCapitals(_ token: Token) -> Bool {
        token.isAllCaps || (token.length == 1 && token.startsUpper)
    }

    /// Non-ASCII tokens that do not change UAX #29 decisions on a line: words starting with an ASCII letter
    /// (an accent or ’ inside), numbers and measurements ("37°C"), bullets.
    private func isNeutralNonASCII(_ text: UnsafeBufferPointer<UInt8>, _ token: Token) -> Bool {
        let b = text[Int(token.utf8Begin)]
        switch token.kind {
        case .word, .abbreviation: return b < 0x80 && text[Int(token.utf8End) - 1] < 0x80
        case .number, .measurement, .date, .time: return b < 0x80
        case .punctuation, .symbol: return isBullet(text, token) && !isDash(text, token)
        default: return false
        }
    }

    /// Tokens taken by a list marker at the start of a line: a bullet ("•", "-", "*", "+", "#" as in "# CHF:"), a number or a single
    /// letter followed by "." or ")", or "(1)". Zero when the line is not a list item.
    private func listMarkerLength(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ first: Int, lineEnd: Int) -> Int {
        let token = tk[first]
        let b = text[Int(token.utf8Begin)]
        let followedBySpace = first + 1 < lineEnd && tk[first + 1].hasSpaceBefore
        switch token.kind {
        case .punctuation, .symbol:
            if token.length == 1 {
                if b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "+") || b == UInt8(ascii: ">")
                    || b == UInt8(ascii: "#") {
                    return followedBySpace ? 1 : 0
                }
                if b == UInt8(ascii: "("), first + 2 < lineEnd, tk[first + 1].kind == .number || tk[first + 1].kind == .word,
                   tk[first + 1].length <= 2, text[Int(tk[first + 2].utf8Begin)] == UInt8(ascii: ")") {
                    return 3
                }
                return 0
            }
            if b >= 0x80 { return isBullet(text, token) && (followedBySpace || !isDash(text, token)) ? 1 : 0 }
            return 0
        case .number, .word:
            guard token.kind == .number || token.length == 1, token.length <= 3, first + 2 < lineEnd else { return 0 }
            let p = tk[first + 1]
            guard p.kind == .punctuation, p.length == 1, p.utf8Begin == token.utf8End else { return 0 }
            let c = text[Int(p.utf8Begin)]
            guard c == UInt8(ascii: ".") || c == UInt8(ascii: ")") else { return 0 }
            return tk[first + 2].hasSpaceBefore ? 2 : 0
        default:
            return 0
        }
    }

    /// Bullets and dashes used as list markers: • ‣ ◦ ⁃ ∙ · ▪ ▫ ● ○ ■ □ ◆ ◇ ➢ ➤ → – — and the Symbol-font bullet U+F0B7.
    private func isBullet(_ text: UnsafeBufferPointer<UInt8>, _ token: Token) -> Bool {
        let r = token.utf8Range
        guard r.count == 2 || r.count == 3 else { return false }
        let b0 = text[r.lowerBound], b1 = text[r.lowerBound + 1]
        if r.count == 2 { return b0 == 0xC2 && b1 == 0xB7 }
        let b2 = text[r.lowerBound + 2]
        switch (b0, b1) {
        case (0xE2, 0x80): return b2 == 0xA2 || b2 == 0xA3 || b2 == 0x93 || b2 == 0x94
        case (0xE2, 0x81): return b2 == 0x83
        case (0xE2, 0x88): return b2 == 0x99
        case (0xE2, 0x96): return b2 == 0xAA || b2 == 0xAB || b2 == 0xA0 || b2 == 0xA1
        case (0xE2, 0x97): return b2 == 0xA6 || b2 == 0x8F || b2 == 0x8B || b2 == 0x86 || b2 == 0x87
        case (0xE2, 0x9E): return b2 == 0xA2 || b2 == 0xA4
        case (0xE2, 0x86): return b2 == 0x92
        case (0xEF, 0x82): return b2 == 0xB7
        default: return false
        }
    }

    /// – and — (also SContinue in UAX #29, so lines with them go to ICU).
    private func isDash(_ text: UnsafeBufferPointer<UInt8>, _ token: Token) -> Bool {
        let r = token.utf8Range
        return r.count == 3 && text[r.lowerBound] == 0xE2 && text[r.lowerBound + 1] == 0x80
            && (text[r.lowerBound + 2] == 0x93 || text[r.lowerBound + 2] == 0x94)
    }

    /// Line breaks (CRLF counted once; U+2029 and U+2028 count as two, being paragraph ends) in `from..<to`.
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
                count += 2
            }
            k += 1
        }
        return count
    }

    /// Whether a sentence ends between line `previous` and line `current` (which starts at token `t`).
    private func breaksBetweenLines(_ text: UnsafeBufferPointer<UInt8>, _ tk: UnsafeBufferPointer<Token>, _ t: Int,
                                    previous: LineInfo, current: LineInfo) -> Bool {
        if lineBreaks(text, from: Int(tk[t - 1].utf8End), to: Int(tk[t].utf8Begin)) >= 2 { return true }
        if current.isListItem || current.isLabel { return true }
        let last = tk[t - 1]
        let next = tk[t]
        // Terminal punctuation, possibly inside a closing bracket or quote; a colon or semicolon ends a line's clause.
        var e = t - 1
        while e > previous.first, tk[e].kind == .punctuation, isClose(text[Int(tk[e].utf8Begin)]),
              text[Int(tk[e].utf8Begin)] != UInt8(ascii: "(") {
            e -= 1
        }
        let end = tk[e]
        if end.kind == .punctuation {
            let c = text[Int(end.utf8End) - 1]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") { return true }
            // "Medications:" then a capitalized line breaks; "Condition at discharge:" then "stable." reads on.
            if c == UInt8(ascii: ":") || c == UInt8(ascii: ";") { return next.startsUpper || previous.isAllCaps }
        } else if end.isNonASCII, end.kind == .punctuation || end.kind == .symbol {
            // 。！？ and friends.
            let r = end.utf8Range
            if r.count == 3, text[r.lowerBound] == 0xE3, text[r.lowerBound + 1] == 0x80, text[r.lowerBound + 2] == 0x82 { return true }
            if r.count == 3, text[r.lowerBound] == 0xEF, text[r.lowerBound + 1] == 0xBC,
               text[r.lowerBound + 2] == 0x81 || text[r.lowerBound + 2] == 0x9F {
                return true
            }
        }
        if last.kind == .abbreviation {
            switch abbreviations.kind(text, last.utf8Range) {
            case .title, .inline: return false
            case .abbreviation, .unit, nil: return next.startsUpper
            }
        }
        // Header-like all-caps lines stand alone, except in notes written all in capitals, where a long line
        // followed by another all-caps line is hard-wrapped prose.
        if previous.isAllCaps && current.isAllCaps { return previous.length < 60 }
        if previous.isAllCaps || current.isAllCaps { return true }
        // Continuation: the next line starts in lower case, or with a number, tag or symbol.
        if !next.startsUpper { return false }
        // A capitalized line after a "Label: value" line, or after a short line, starts something new; after a
        // long line it is hard-wrapped prose continuing with a name or "I".
        if previous.isLabel { return true }
        return previous.length < 45
    }
}
