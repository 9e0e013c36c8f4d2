import NoteMinerModel

/// Clinical tokenizer: a hand-written byte scanner for ASCII (where nearly all clinical text lives and where ICU
/// word breaking, at ~30 MB/s, would be the pipeline's bottleneck) with ICU for everything else — character
/// classes of non-ASCII code points, dictionary word breaks for scripts written without spaces, and
/// NFKC_Casefold for tokens that contain non-ASCII bytes.
///
/// Decisions later stages rely on (each has a test in `TokenizerTests`):
/// - Whitespace and line breaks are not tokens. Line structure is kept in `TokenFlags.lineStart` and in the
///   gap between tokens, which the sentence splitter reads; so no `newline` tokens are emitted and every token
///   is content a matcher or classifier may look at.
/// - Abbreviations with inner periods ("b.i.d.", "q.4h.", "e.g.", "a.m.", segments of at most 3 letters/digits)
///   and table entries ending in a period ("Dr.", "approx.") are one `abbreviation` token including the period.
/// - A number with a unit written straight after it is one `measurement` token ("500mg", "98.6F", "2.5mL",
///   "10mg/kg", "98.6°F"), as are percentages ("60-65%") and two-part slash forms ("120/80", "1/2"). A unit
///   written after a space is a separate word: "2.5 mL" is number + word, "72 bpm" number + word. Unit pairs
///   joined by a slash are one word ("mg/kg", "mL/min"), as are runs of one- or two-letter parts ("s/p", "y/o", "N/V/D")
///   and a single letter with a trailing slash ("w/ fever").
/// - Decimals, thousands and ranges are one `number` ("3.5", "1,000", "2-3", "2.5-3.5", "70-80s"); digits
///   followed by letters that are not a unit are one `word` ("2nd", "1990s", "5FU").
/// - Dates: "01/02/2019", "1/2/19", "12/2019", "2019-01-01", "01-02-2019", "01.02.2019". Times: "10:32",
///   "10:32:15", "10:32pm", "7am".
/// - Hyphenated terms are one `word` flagged `.hyphenated` ("post-operative", "non-ST-elevation",
///   "61-year-old", "COVID-19"); the lexicon matcher also tries the parts.
/// - De-identification placeholders are one `deidTag`: `[**...**]`, `**NAME[AAA, BBB M]` (and `**NAME`),
///   bracketed all-caps placeholders of at least four letters (`[NAME]`, `[PATIENT NAME]`), and `___`.
/// - A run of the same ASCII punctuation or symbol is one token ("...", "--", "***").
/// - Emoji sequences (with ZWJ, variation selectors, skin tones) are one `symbol` token.
/// - CR, LF, CRLF, VT, FF, NEL, U+2028/2029 are line breaks; other controls and format characters separate tokens.
/// - `allCaps` and `capitalized` look at ASCII letters only; `nonASCII` tokens get their norm from ICU.
public struct Tokenizer: Sendable {
    public let abbreviations: AbbreviationTable

    public init(abbreviations: AbbreviationTable) {
        self.abbreviations = abbreviations
    }

    /// Uses `AbbreviationTable.builtIn`; the pipeline loads `Lexicons/abbreviations.tsv` instead.
    public init() {
        self.init(abbreviations: .builtIn)
    }

    /// Appends the tokens of `text` (UTF-8) to `tokens` and their NFKC_Casefold forms to `norm`.
    /// Token offsets are byte offsets into `text`; `normBegin/normEnd` index `norm`. Linear in the text length.
    public func tokenize(_ text: UnsafeBufferPointer<UInt8>, tokens: inout [Token], norm: inout [UInt8]) {
        guard text.count > 0 else { return }
        precondition(text.count < Int(Int32.max), "note too large for 32-bit offsets")
        var scanner = Scanner(text: text, table: abbreviations, normBase: norm.count)
        scanner.run()
        scanner.finish(tokens: &tokens, norm: &norm)
    }

    /// Tokens of a string, for tests and tools (the pipeline calls `tokenize` on the document buffer).
    public func tokenize(_ text: String) -> (tokens: [Token], norm: [UInt8]) {
        var tokens: [Token] = []
        var norm: [UInt8] = []
        var copy = text
        copy.withUTF8 { tokenize($0, tokens: &tokens, norm: &norm) }
        return (tokens, norm)
    }
}

// MARK: - Byte classes

@inline(__always) private func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
@inline(__always) private func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
@inline(__always) private func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
@inline(__always) private func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }

private let aDot = UInt8(ascii: "."), aHyphen = UInt8(ascii: "-"), aSlash = UInt8(ascii: "/")
private let aColon = UInt8(ascii: ":"), aComma = UInt8(ascii: ","), aApostrophe = UInt8(ascii: "'")
private let aLBracket = UInt8(ascii: "["), aRBracket = UInt8(ascii: "]"), aStar = UInt8(ascii: "*")
private let aUnderscore = UInt8(ascii: "_"), aPercent = UInt8(ascii: "%")

/// ASCII punctuation (as opposed to symbols such as `+ = < > % # * &`).
@inline(__always) private func isASCIIPunctuation(_ b: UInt8) -> Bool {
    switch b {
    case 0x21, 0x22, 0x27, 0x28, 0x29, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3B, 0x3F, 0x5B, 0x5D, 0x5F, 0x7B, 0x7D: true
    default: false
    }
}

// MARK: - Scanner

/// Bit 0: ASCII letter or digit. Lets the word loop test one table byte instead of two ranges.
/// Written once at initialization and only read afterwards.
nonisolated(unsafe) private let alnumTable: UnsafePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for b in 0..<256 { p[b] = isAlnum(UInt8(b)) ? 1 : 0 }
    return UnsafePointer(p)
}()

/// The scanner writes tokens and normalized bytes into raw buffers it owns (doubling when full) and hands them
/// over in `finish`: per-token `Array.append` with its uniqueness and capacity checks cost more than the scanning.
private struct Scanner {
    let text: UnsafeBufferPointer<UInt8>
    let n: Int
    let table: AbbreviationTable
    let alnum: UnsafePointer<UInt8>
    /// `norm.count` before this call: token norm ranges index the caller's whole array.
    let normBase: Int
    var tok: UnsafeMutablePointer<Token>
    var tokCount = 0
    var tokCapacity: Int
    var nrm: UnsafeMutablePointer<UInt8>
    var nrmCount = 0
    var nrmCapacity: Int
    var scratch: [UInt8] = []
    var i = 0
    var spaceBefore = true
    var lineStart = true

    init(text: UnsafeBufferPointer<UInt8>, table: AbbreviationTable, normBase: Int) {
        self.text = text
        self.n = text.count
        self.table = table
        self.alnum = alnumTable
        self.normBase = normBase
        tokCapacity = text.count / 4 + 16
        tok = .allocate(capacity: tokCapacity)
        nrmCapacity = text.count + 64
        nrm = .allocate(capacity: nrmCapacity)
    }

    mutating func finish(tokens: inout [Token], norm: inout [UInt8]) {
        tokens.append(contentsOf: UnsafeBufferPointer(start: tok, count: tokCount))
        norm.append(contentsOf: UnsafeBufferPointer(start: nrm, count: nrmCount))
        tok.deallocate()
        nrm.deallocate()
    }

    @inline(__always) func isAlnumFast(_ b: UInt8) -> Bool { alnum[Int(b)] != 0 }

    mutating func growTokens() {
        let bigger = UnsafeMutablePointer<Token>.allocate(capacity: tokCapacity * 2)
        bigger.moveInitialize(from: tok, count: tokCount)
        tok.deallocate()
        tok = bigger
        tokCapacity *= 2
    }

    mutating func reserveNorm(_ extra: Int) {
        guard nrmCount + extra > nrmCapacity else { return }
        let capacity = max(nrmCapacity * 2, nrmCount + extra)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.moveInitialize(from: nrm, count: nrmCount)
        nrm.deallocate()
        nrm = bigger
        nrmCapacity = capacity
    }

    mutating func run() {
        while i < n {
            let b = text[i]
            if b < 0x80 {
                if isAlpha(b) {
                    word(from: i)
                } else if isDigit(b) {
                    number(from: i)
                } else if b == 0x20 || b == 0x09 {
                    i += 1
                    spaceBefore = true
                } else if b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C {
                    i += 1
                    spaceBefore = true
                    lineStart = true
                } else if b < 0x20 || b == 0x7F {
                    i += 1
                    spaceBefore = true
                } else {
                    punctuation(from: i)
                }
            } else {
                nonASCII(from: i)
            }
        }
    }

    // MARK: Emitting

    /// Appends a token ending at `end` and moves the scanner there. The normalized form is ASCII lower case,
    /// or ICU NFKC_Casefold when the token holds any non-ASCII byte (found while lower-casing, so the common
    /// case reads the bytes once).
    mutating func emit(_ start: Int, _ end: Int, _ kind: TokenKind, _ extra: TokenFlags = []) {
        // Raw bits: the OptionSet statics live in another module and are not constant-folded in this hot path.
        var flags = extra.rawValue
        if spaceBefore { flags |= 1 << 4 }
        if lineStart { flags |= 1 << 3 }
        spaceBefore = false
        lineStart = false
        let length = end - start
        reserveNorm(length)
        let normBegin = nrmCount
        let dst = nrm + nrmCount
        let src = text.baseAddress! + start
        var upper = 0, lower = 0
        var high: UInt8 = 0
        var first: UInt8 = 0  // 1 = first letter upper case, 2 = lower case
        for k in 0..<length {
            let b = src[k]
            high |= b
            if b &- 0x41 < 26 {
                upper += 1
                if first == 0 { first = 1 }
                dst[k] = b | 0x20
            } else {
                if b &- 0x61 < 26 {
                    lower += 1
                    if first == 0 { first = 2 }
                }
                dst[k] = b
            }
        }
        nrmCount += length
        if high >= 0x80 {
            flags |= 1 << 5
            nrmCount = normBegin
            scratch.removeAll(keepingCapacity: true)
            ICU.appendNFKCCasefold(UnsafeBufferPointer(rebasing: text[start..<end]), to: &scratch)
            reserveNorm(scratch.count)
            scratch.withUnsafeBufferPointer { b in
                if let source = b.baseAddress, b.count > 0 { (nrm + nrmCount).update(from: source, count: b.count) }
            }
            nrmCount += scratch.count
        }
        if upper >= 2 && lower == 0 { flags |= 1 << 1 } else if first == 1 { flags |= 1 << 2 }
        if tokCount == tokCapacity { growTokens() }
        (tok + tokCount).initialize(to: Token(
            utf8Begin: Int32(truncatingIfNeeded: start), utf8End: Int32(truncatingIfNeeded: end),
            normBegin: Int32(truncatingIfNeeded: normBase + normBegin), normEnd: Int32(truncatingIfNeeded: normBase + nrmCount),
            kind: kind, flags: TokenFlags(rawValue: flags)))
        tokCount += 1
        i = end
    }

    // MARK: UTF-8

    /// The scalar at `j` and its length; malformed bytes decode as U+FFFD of length 1 so scanning always advances.
    @inline(__always)
    func decode(_ j: Int) -> (scalar: UInt32, length: Int) {
        let b0 = text[j]
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard k < n, text[k] & 0xC0 == 0x80 else { return nil }
            return UInt32(text[k] & 0x3F)
        }
        if b0 < 0x80 { return (UInt32(b0), 1) }
        if b0 < 0xC2 { return (0xFFFD, 1) }
        if b0 < 0xE0 {
            guard let c1 = cont(j + 1) else { return (0xFFFD, 1) }
            return (UInt32(b0 & 0x1F) << 6 | c1, 2)
        }
        if b0 < 0xF0 {
            guard let c1 = cont(j + 1), let c2 = cont(j + 2) else { return (0xFFFD, 1) }
            return (UInt32(b0 & 0x0F) << 12 | c1 << 6 | c2, 3)
        }
        if b0 < 0xF5 {
            guard let c1 = cont(j + 1), let c2 = cont(j + 2), let c3 = cont(j + 3) else { return (0xFFFD, 1) }
            return (UInt32(b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
        }
        return (0xFFFD, 1)
    }

    @inline(__always)
    func charClass(_ j: Int) -> (ICU.CharClass, Int) {
        let (scalar, length) = decode(j)
        if length == 1 { return (scalar < 0x80 ? .other : .symbol, 1) }
        return (ICU.charClass(scalar), length)
    }

    /// Whether a word may continue with the code point at `j` (letter, digit or mark of a script written with spaces).
    @inline(__always)
    func isWordContinuation(_ j: Int) -> Bool {
        guard j < n else { return false }
        let b = text[j]
        if b < 0x80 { return isAlnum(b) }
        switch charClass(j).0 {
        case .letter, .digit, .mark: return true
        default: return false
        }
    }

    // MARK: Words

    /// End of a word continuing at `j`: letters, digits and marks, inner hyphens and apostrophes.
    func wordEnd(from start: Int, flags: inout TokenFlags) -> Int {
        var j = start
        while true {
            while j < n, isAlnumFast(text[j]) { j += 1 }
            guard j < n else { break }
            let b = text[j]
            if b >= 0x80 {
                let (cls, length) = charClass(j)
                if cls == .letter || cls == .digit || cls == .mark {
                    flags.formUnion(TokenFlags(rawValue: 1 << 5))
                    j += length
                    continue
                }
                // Typographic apostrophe inside a word ("patient’s").
                if length == 3, text[j] == 0xE2, text[j + 1] == 0x80, text[j + 2] == 0x99, j > start,
                   j + 3 < n, isAlpha(text[j + 3]) {
                    flags.formUnion(TokenFlags(rawValue: 1 << 5))
                    j += 3
                    continue
                }
                break
            }
            if b == aHyphen, j > start, isWordContinuation(j + 1) {
                flags.formUnion(TokenFlags(rawValue: 1 << 0))
                j += 1
                continue
            }
            if b == aApostrophe, j > start, j + 1 < n, isAlpha(text[j + 1]) {
                j += 1
                continue
            }
            break
        }
        return j
    }

    mutating func word(from start: Int) {
        var flags: TokenFlags = []
        let j = wordEnd(from: start, flags: &flags)
        let plain = flags.isEmpty
        if plain, j < n {
            let b = text[j]
            if b == aDot {
                if let end = innerPeriodAbbreviationEnd(start, j) {
                    emit(start, end, .abbreviation)
                    return
                }
                if let kind = table.kind(text, start..<(j + 1)), kind != .unit {
                    emit(start, j + 1, .abbreviation)
                    return
                }
            } else if b == aSlash {
                let end = slashCompoundEnd(start, j)
                if end > j {
                    emit(start, end, .word)
                    return
                }
                // "w/" (with), "c/" : a single letter and a slash before a space or the end.
                if j == start + 1, !(j + 1 < n && (isAlnum(text[j + 1]) || text[j + 1] >= 0x80)) {
                    emit(start, j + 1, .word)
                    return
                }
            }
        }
        emit(start, j, .word, flags)
    }

    /// "b.i.d.", "q.4h.", "e.g.": the word before `dot` and every later part at most three letters or digits,
    /// at least one inner period; the final period is included when present.
    func innerPeriodAbbreviationEnd(_ start: Int, _ dot: Int) -> Int? {
        guard dot - start <= 3 else { return nil }
        var k = dot
        var parts = 0
        while k + 1 < n, text[k] == aDot, isAlnum(text[k + 1]) {
            var m = k + 1
            while m < n, isAlnum(text[m]) { m += 1 }
            if m - k - 1 > 3 { return nil }
            // A hyphen or apostrophe right after a part means an ordinary word follows the period ("a.non-word").
            if m < n, text[m] == aHyphen || text[m] == aApostrophe || text[m] >= 0x80 { return nil }
            k = m
            parts += 1
            // Real abbreviations have few parts; a cap keeps "a.b.c.d..." scanning linear when it finally fails.
            if parts > 6 { return nil }
        }
        guard parts > 0 else { return nil }
        return k < n && text[k] == aDot ? k + 1 : k
    }

    /// "mg/kg", "mL/min/kg" (units on both sides) and "s/p", "y/o", "N/V/D" (parts of one or two letters).
    func slashCompoundEnd(_ start: Int, _ slash: Int) -> Int {
        var previous = start..<slash
        var end = slash
        var k = slash
        while k + 1 < n, text[k] == aSlash, isAlpha(text[k + 1]) {
            var m = k + 1
            while m < n, isAlnum(text[m]) { m += 1 }
            let part = (k + 1)..<m
            if m < n, text[m] == aHyphen || text[m] == aApostrophe || text[m] >= 0x80 { break }
            let short = previous.count <= 2 && part.count <= 2 && isAlphaRun(previous) && isAlphaRun(part)
            let units = table.kind(text, previous) == .unit && table.kind(text, part) == .unit
            guard short || units else { break }
            end = m
            previous = part
            k = m
        }
        return end
    }

    func isAlphaRun(_ r: Range<Int>) -> Bool {
        for k in r where !isAlpha(text[k]) { return false }
        return true
    }

    // MARK: Numbers

    @inline(__always) func digitsEnd(_ j: Int) -> Int {
        var k = j
        while k < n, isDigit(text[k]) { k += 1 }
        return k
    }

    @inline(__always) func digitAt(_ j: Int) -> Bool { j < n && isDigit(text[j]) }
    @inline(__always) func alnumAt(_ j: Int) -> Bool { j < n && isAlnum(text[j]) }

    /// "am"/"pm" (any case) at `j`, not followed by a letter or digit.
    func meridiemEnd(_ j: Int) -> Int? {
        guard j + 1 < n else { return nil }
        let a = text[j] | 0x20, m = text[j + 1] | 0x20
        guard (a == 0x61 || a == 0x70) && m == 0x6D, !alnumAt(j + 2) else { return nil }
        return j + 2
    }

    mutating func number(from start: Int) {
        var j = digitsEnd(start)
        let intLength = j - start

        // Times: 10:32, 10:32:15, optionally am/pm.
        if j + 2 < n, text[j] == aColon, intLength <= 2, isDigit(text[j + 1]), isDigit(text[j + 2]), !digitAt(j + 3) {
            j += 3
            if j + 2 < n, text[j] == aColon, isDigit(text[j + 1]), isDigit(text[j + 2]), !digitAt(j + 3) { j += 3 }
            if let end = meridiemEnd(j) { j = end }
            emit(start, j, .time)
            return
        }
        if intLength <= 2, let end = meridiemEnd(j) {
            emit(start, end, .time)
            return
        }

        var kind = TokenKind.number
        var isPlainInteger = true
        if j + 1 < n, text[j] == aSlash, isDigit(text[j + 1]) {
            // 01/02/2019, 1/2/19 and 12/2019 are dates; other two-part forms (120/80, 1/2) are measurements.
            let second = digitsEnd(j + 1)
            let secondLength = second - j - 1
            if second + 1 < n, text[second] == aSlash, isDigit(text[second + 1]) {
                let third = digitsEnd(second + 1)
                let thirdLength = third - second - 1
                if intLength <= 2, secondLength <= 2, thirdLength == 2 || thirdLength == 4, !alnumAt(third) {
                    emit(start, third, .date)
                    return
                }
            }
            if intLength <= 2, secondLength == 4, !alnumAt(second), !(second < n && text[second] == aSlash) {
                emit(start, second, .date)
                return
            }
            j = second
            kind = .measurement
            isPlainInteger = false
        } else {
            // Thousands separators: 1,000 and 12,500,000 (groups of exactly three digits).
            if intLength <= 3 {
                while j + 3 < n, text[j] == aComma, isDigit(text[j + 1]), isDigit(text[j + 2]), isDigit(text[j + 3]),
                      !digitAt(j + 4) {
                    j += 4
                    isPlainInteger = false
                }
            }
            if j + 1 < n, text[j] == aDot, isDigit(text[j + 1]) {
                let fraction = digitsEnd(j + 1)
                // 01.02.2019
                if isPlainInteger, intLength <= 2, fraction - j - 1 <= 2, fraction + 1 < n, text[fraction] == aDot,
                   isDigit(text[fraction + 1]) {
                    let year = digitsEnd(fraction + 1)
                    if year - fraction - 1 == 4 || year - fraction - 1 == 2, !alnumAt(year), !(year < n && text[year] == aDot && digitAt(year + 1)) {
                        emit(start, year, .date)
                        return
                    }
                }
                j = fraction
                isPlainInteger = false
            }
            if j + 1 < n, text[j] == aHyphen, isDigit(text[j + 1]) {
                let second = digitsEnd(j + 1)
                let secondLength = second - j - 1
                // 2019-01-01 and 01-02-2019.
                if isPlainInteger, second + 1 < n, text[second] == aHyphen, isDigit(text[second + 1]) {
                    let third = digitsEnd(second + 1)
                    let thirdLength = third - second - 1
                    let iso = intLength == 4 && secondLength <= 2 && thirdLength <= 2
                    let dmy = intLength <= 2 && secondLength <= 2 && (thirdLength == 2 || thirdLength == 4)
                    if iso || dmy, !alnumAt(third) {
                        emit(start, third, .date)
                        return
                    }
                }
                // A range: 2-3, 2.5-3.5.
                j = second
                if j + 1 < n, text[j] == aDot, isDigit(text[j + 1]) { j = digitsEnd(j + 1) }
                isPlainInteger = false
            }
        }

        // What follows the number decides between number, measurement and word.
        if j < n {
            let b = text[j]
            if b == aPercent {
                emit(start, j + 1, .measurement)
                return
            }
            if isAlpha(b) {
                var m = j
                while m < n, isAlnum(text[m]) { m += 1 }
                if table.kind(text, j..<m) == .unit, !(m < n && (text[m] == aHyphen || text[m] == aApostrophe || text[m] >= 0x80) && isWordContinuation(m + 1)) {
                    var end = m
                    if end < n, text[end] == aSlash { end = max(end, slashCompoundEnd(j, end)) }
                    emit(start, end, .measurement)
                    return
                }
                if m == j + 1, text[j] == UInt8(ascii: "s"), !isPlainInteger {
                    // "70-80s", "1.5s" (plural or decade of a range or decimal).
                    emit(start, m, kind)
                    return
                }
                if isPlainInteger {
                    // "2nd", "5FU", "3D", "1990s": one word.
                    var flags: TokenFlags = []
                    let end = wordEnd(from: start, flags: &flags)
                    emit(start, end, .word, flags)
                    return
                }
            } else if b == aHyphen, isWordContinuation(j + 1), !digitAt(j + 1) {
                // "61-year-old", "5-mg", "2-3-day": a hyphenated word.
                var flags: TokenFlags = [.hyphenated]
                let end = wordEnd(from: j + 1, flags: &flags)
                emit(start, end, .word, flags)
                return
            } else if b == 0xC2, j + 2 < n, text[j + 1] == 0xB0, (text[j + 2] | 0x20) == 0x66 || (text[j + 2] | 0x20) == 0x63,
                      !alnumAt(j + 3) {
                // 98.6°F, 37°C
                emit(start, j + 3, .measurement, .nonASCII)
                return
            } else if b >= 0x80, isPlainInteger, isWordContinuation(j) {
                var flags: TokenFlags = []
                let end = wordEnd(from: start, flags: &flags)
                emit(start, end, .word, flags)
                return
            }
        }
        emit(start, j, kind)
    }

    // MARK: Punctuation, symbols, de-identification tags

    mutating func punctuation(from start: Int) {
        let b = text[start]
        if b == aLBracket, let end = bracketTagEnd(start) {
            emit(start, end, .deidTag)
            return
        }
        if b == aStar, let end = starTagEnd(start) {
            emit(start, end, .deidTag)
            return
        }
        var j = start + 1
        while j < n, text[j] == b { j += 1 }
        if b == aUnderscore, j - start == 3 {
            emit(start, j, .deidTag)
            return
        }
        emit(start, j, isASCIIPunctuation(b) ? .punctuation : .symbol)
    }

    /// Index just past the first `pattern` found on the same line within `limit` bytes of `from`.
    func findOnLine(_ pattern: [UInt8], from: Int, limit: Int) -> Int? {
        let last = min(n, from + limit)
        var k = from
        while k + pattern.count <= last {
            let b = text[k]
            if b == 0x0A || b == 0x0D { return nil }
            if b == pattern[0] {
                var ok = true
                for p in 1..<pattern.count where text[k + p] != pattern[p] { ok = false; break }
                if ok { return k + pattern.count }
            }
            k += 1
        }
        return nil
    }

    /// `[**...**]` (MIMIC style) or `[NAME]`, `[PATIENT NAME]` (all caps, at least four letters).
    func bracketTagEnd(_ start: Int) -> Int? {
        if start + 2 < n, text[start + 1] == aStar, text[start + 2] == aStar {
            return findOnLine([aStar, aStar, aRBracket], from: start + 3, limit: 256)
        }
        var k = start + 1
        var letters = 0
        while k < n, k - start <= 40 {
            let c = text[k]
            if isUpper(c) { letters += 1 }
            else if !(c == 0x20 || c == aUnderscore || c == aHyphen || isDigit(c)) { break }
            k += 1
        }
        guard k < n, text[k] == aRBracket, letters >= 4, isUpper(text[start + 1]) else { return nil }
        return k + 1
    }

    /// `**NAME`, `**DATE[Jan 01 2020]`, `**NAME[AAA, BBB M]`.
    func starTagEnd(_ start: Int) -> Int? {
        guard start + 3 < n, text[start + 1] == aStar, isUpper(text[start + 2]), isUpper(text[start + 3]) else { return nil }
        var k = start + 2
        while k < n, isUpper(text[k]) || isDigit(text[k]) || text[k] == aUnderscore || text[k] == aHyphen { k += 1 }
        if k < n, text[k] == aLBracket {
            let last = min(n, k + 120)
            var m = k + 1
            while m < last {
                let c = text[m]
                if c == aRBracket { return m + 1 }
                if c == aLBracket || c == 0x0A || c == 0x0D { break }
                m += 1
            }
        }
        return k
    }

    // MARK: Non-ASCII

    mutating func nonASCII(from start: Int) {
        let (cls, length) = charClass(start)
        switch cls {
        case .letter, .digit:
            word(from: start)
        case .ideographic:
            ideographicRun(from: start)
        case .space, .control:
            i = start + length
            spaceBefore = true
        case .newline:
            i = start + length
            spaceBefore = true
            lineStart = true
        case .punct:
            emit(start, marksEnd(start + length), .punctuation, .nonASCII)
        case .emoji, .mark:
            // An emoji sequence (ZWJ, variation selectors, skin tones, flags) or stray combining marks.
            var j = start + length
            while j < n, text[j] >= 0x80 {
                let (c, l) = charClass(j)
                guard c == .emoji || c == .mark else { break }
                j += l
            }
            emit(start, j, .symbol, .nonASCII)
        case .symbol, .other:
            emit(start, marksEnd(start + length), .symbol, .nonASCII)
        }
    }

    /// Past any combining marks at `j` (so a mark never starts a token of its own after a symbol).
    func marksEnd(_ j: Int) -> Int {
        var k = j
        while k < n, text[k] >= 0x80 {
            let (c, l) = charClass(k)
            guard c == .mark else { break }
            k += l
        }
        return k
    }

    /// Han, kana, Thai, Lao, Khmer, Myanmar: split with ICU's dictionary word breaks.
    mutating func ideographicRun(from start: Int) {
        var j = start
        while j < n, text[j] >= 0x80 {
            let (c, l) = charClass(j)
            guard c == .ideographic || c == .mark else { break }
            j += l
        }
        let breaks = ICU.wordBreaks(UnsafeBufferPointer(rebasing: text[start..<j]))
        var segmentStart = start
        for (end, _) in breaks {
            let e = start + Int(end)
            guard e > segmentStart, e <= j else { continue }
            emit(segmentStart, e, .word, .nonASCII)
            segmentStart = e
        }
        if segmentStart < j { emit(segmentStart, j, .word, .nonASCII) }
        i = j
    }
}
