import NoteMinerModel

/// Flag tests on the raw bits. `TokenFlags`' static members live in the model module and are reached through
/// an accessor call per use, which shows up in the tokenizer's and splitter's per-token loops.
extension Token {
    @inline(__always) var isLineStart: Bool { flags.rawValue & (1 << 3) != 0 }
    @inline(__always) var hasSpaceBefore: Bool { flags.rawValue & (1 << 4) != 0 }
    @inline(__always) var isAllCaps: Bool { flags.rawValue & (1 << 1) != 0 }
    @inline(__always) var isNonASCII: Bool { flags.rawValue & (1 << 5) != 0 }
    /// Capitalized or all caps.
    @inline(__always) var startsUpper: Bool { flags.rawValue & ((1 << 1) | (1 << 2)) != 0 }
    @inline(__always) var length: Int { Int(utf8End - utf8Begin) }
}
