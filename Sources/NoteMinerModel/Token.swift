/// What a token is, as far as later stages care. Raw values are stable: they appear in outputs.
public enum TokenKind: UInt8, Sendable, CaseIterable {
    case word
    case number
    /// A number with a unit written straight after it, a percentage or a two-part slash form: "500mg", "98.6F",
    /// "10mg/kg", "60-65%", "120/80". With a space the unit is its own word: "2.5 mL" is a number and a word.
    case measurement
    case date
    case time
    case punctuation
    case symbol
    /// A word with inner periods or a known period-final abbreviation: "b.i.d.", "q.4h.", "Dr.", "e.g.".
    case abbreviation
    /// A de-identification placeholder such as `**NAME[AAA, BBB M]` or `[**2019-01-01**]`, kept as one token.
    case deidTag
    /// A line break. The clinical tokenizer does not emit these: line structure is in `TokenFlags.lineStart` and
    /// in the gaps between tokens, so every token is content a matcher or classifier may look at.
    case newline

    public var name: String {
        switch self {
        case .word: "word"
        case .number: "number"
        case .measurement: "measurement"
        case .date: "date"
        case .time: "time"
        case .punctuation: "punctuation"
        case .symbol: "symbol"
        case .abbreviation: "abbreviation"
        case .deidTag: "deid"
        case .newline: "newline"
        }
    }
}

/// Cheap facts about a token that rules ask for often.
public struct TokenFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Contains a hyphen between letters or digits ("post-operative"); matchers also see the parts.
    public static let hyphenated = TokenFlags(rawValue: 1 << 0)
    /// Has at least two letters and all of them upper case.
    public static let allCaps = TokenFlags(rawValue: 1 << 1)
    /// First letter upper case, not all caps.
    public static let capitalized = TokenFlags(rawValue: 1 << 2)
    /// First token on its line.
    public static let lineStart = TokenFlags(rawValue: 1 << 3)
    /// Whitespace (or start of text) precedes the token.
    public static let spaceBefore = TokenFlags(rawValue: 1 << 4)
    /// Contains a character outside ASCII.
    public static let nonASCII = TokenFlags(rawValue: 1 << 5)
}

/// A token: a half-open range of UTF-8 byte offsets into the note text, and a range into the document's
/// shared normalized-text storage. Plain integers keep tokens small and the hot loops allocation-free.
public struct Token: Sendable, Hashable {
    public var utf8Begin: Int32
    public var utf8End: Int32
    /// Range of the NFKC-casefolded form inside `Document.normStorage`.
    public var normBegin: Int32
    public var normEnd: Int32
    public var kind: TokenKind
    public var flags: TokenFlags

    public init(utf8Begin: Int32, utf8End: Int32, normBegin: Int32, normEnd: Int32, kind: TokenKind, flags: TokenFlags) {
        self.utf8Begin = utf8Begin
        self.utf8End = utf8End
        self.normBegin = normBegin
        self.normEnd = normEnd
        self.kind = kind
        self.flags = flags
    }

    public var utf8Range: Range<Int> { Int(utf8Begin)..<Int(utf8End) }
    public var normRange: Range<Int> { Int(normBegin)..<Int(normEnd) }
}

/// A sentence: UTF-8 byte range into the note and the half-open range of token indices it holds.
public struct Sentence: Sendable, Hashable {
    public var utf8Begin: Int32
    public var utf8End: Int32
    public var tokenBegin: Int32
    public var tokenEnd: Int32

    public init(utf8Begin: Int32, utf8End: Int32, tokenBegin: Int32, tokenEnd: Int32) {
        self.utf8Begin = utf8Begin
        self.utf8End = utf8End
        self.tokenBegin = tokenBegin
        self.tokenEnd = tokenEnd
    }

    public var utf8Range: Range<Int> { Int(utf8Begin)..<Int(utf8End) }
    public var tokenRange: Range<Int> { Int(tokenBegin)..<Int(tokenEnd) }
}
