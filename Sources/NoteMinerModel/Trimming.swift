/// Trimming of white space as Foundation's `trimmingCharacters(in: .whitespaces)` and
/// `(in: .whitespacesAndNewlines)` do it, without their round trip through `NSString`: that round trip was a fifth
/// of the start-up of every command, which trims each field of every lexicon row.
extension Substring {
    /// The characters `CharacterSet.whitespaces` holds (tab and Unicode's space separators, U+200B included, as in
    /// Foundation), and with `newlines` also those `.whitespacesAndNewlines` adds (U+000A–U+000D, U+0085, U+2028,
    /// U+2029). A test compares both with Foundation's sets over every scalar.
    @inline(__always)
    public static func isTrimmedSpace(_ s: Unicode.Scalar, newlines: Bool) -> Bool {
        switch s.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return newlines
        default: return false
        }
    }

    /// This text without leading and trailing white space (see `isTrimmedSpace`).
    public func trimmingWhitespace(newlines: Bool = false) -> String {
        let scalars = unicodeScalars
        var lo = scalars.startIndex, hi = scalars.endIndex
        while lo < hi, Self.isTrimmedSpace(scalars[lo], newlines: newlines) { lo = scalars.index(after: lo) }
        while lo < hi {
            let last = scalars.index(before: hi)
            if !Self.isTrimmedSpace(scalars[last], newlines: newlines) { break }
            hi = last
        }
        return String(Substring(scalars[lo..<hi]))
    }
}

extension String {
    /// See `Substring.trimmingWhitespace(newlines:)`.
    public func trimmingWhitespace(newlines: Bool = false) -> String { self[...].trimmingWhitespace(newlines: newlines) }
}
