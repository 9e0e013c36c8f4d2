import Foundation
import NoteMinerModel
import Testing

@Suite struct TrimmingTests {
    /// The native trim treats exactly the scalars Foundation's sets hold as white space, over all of Unicode.
    @Test func spaceSetsEqualFoundations() {
        for v in 0..<0x11_0000 {
            guard let s = Unicode.Scalar(v) else { continue }
            #expect(Substring.isTrimmedSpace(s, newlines: false) == CharacterSet.whitespaces.contains(s), "U+\(String(v, radix: 16))")
            #expect(Substring.isTrimmedSpace(s, newlines: true) == CharacterSet.whitespacesAndNewlines.contains(s), "U+\(String(v, radix: 16))")
        }
    }

    /// Same results as `trimmingCharacters(in:)` on lexicon-like fields, empty and all-space text, inner space
    /// kept, non-ASCII space and text, combining marks next to the trimmed space, and a Substring's own bounds.
    @Test func trimsAsFoundationDoes() {
        let cases = ["", " ", "\t\t", "abc", "  abc  ", "\ta b\tc\t", "\u{00A0}fièvre\u{3000}", " \u{301}x ", "x\u{301} ",
                     "\u{200B}zero width\u{200B}", "line\n", "\r\nline\u{2028}", "\u{85}x\u{85}", "\u{1680}\u{2000}\u{205F}",
                     "emoji 👍🏽 ", " 糖尿病 "]
        for c in cases {
            #expect(c.trimmingWhitespace() == c.trimmingCharacters(in: .whitespaces), "\(c.debugDescription)")
            #expect(c.trimmingWhitespace(newlines: true) == c.trimmingCharacters(in: .whitespacesAndNewlines), "\(c.debugDescription)")
            let padded = "#" + c + "#"
            let inner = padded.dropFirst().dropLast()
            #expect(inner.trimmingWhitespace() == inner.trimmingCharacters(in: .whitespaces), "\(c.debugDescription)")
        }
    }
}
