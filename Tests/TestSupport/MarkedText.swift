/// Text with expected spans marked inside it, so a test reads like the clinical phrase it is about:
///
///     let m = MarkedText("Take [[b.i.d.]] with [[500mg|measurement]]")
///     m.text                    // "Take b.i.d. with 500mg"
///     m.spans[1].utf8           // 17..<22 (UTF-8 byte offsets into m.text)
///     m.spans[1].label          // "measurement"
///
/// A span is `open text close`, optionally ending in `|label` where the label is letters, digits, `_` or `-`
/// (so a `|` inside the text itself is kept when what follows it is not a plain label). Spans may nest;
/// `spans` is ordered by where each span opens. Pick other delimiters when the text itself contains `[[`
/// or `]]` — de-identification tags such as `[**2019-01-01**]` do: `MarkedText("on ⟦[**2019-01-01**]⟧", open: "⟦", close: "⟧")`.
///
/// Marking errors (unbalanced delimiters) are programmer errors in a test and stop the test with a message
/// naming the source, rather than silently producing wrong expectations.
public struct MarkedText: Sendable {
    public struct Span: Sendable, Hashable, CustomStringConvertible {
        /// The marked text, without delimiters or label.
        public var text: String
        public var label: String?
        /// Half-open UTF-8 byte offsets into `MarkedText.text` (the unit NoteMiner uses internally).
        public var utf8: Range<Int>
        /// Half-open Unicode code point offsets into `MarkedText.text` (the unit NoteMiner reports).
        public var codePoints: Range<Int>

        public init(text: String, label: String?, utf8: Range<Int>, codePoints: Range<Int>) {
            self.text = text
            self.label = label
            self.utf8 = utf8
            self.codePoints = codePoints
        }

        public var description: String {
            "\(utf8.lowerBound)..<\(utf8.upperBound) \"\(text)\"" + (label.map { " |\($0)" } ?? "")
        }
    }

    /// The input with all markers and labels removed.
    public let text: String
    public let spans: [Span]

    public init(_ source: String, open: String = "[[", close: String = "]]") {
        precondition(!open.isEmpty && !close.isEmpty && open != close, "MarkedText: bad delimiters")
        let src = Array(source.utf8)
        let openBytes = Array(open.utf8), closeBytes = Array(close.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(src.count)
        // Each open span: index into `found`, start byte in `out`.
        var stack: [(slot: Int, start: Int)] = []
        var found: [(start: Int, end: Int, label: String?)] = []

        func matches(_ pattern: [UInt8], at i: Int) -> Bool {
            i + pattern.count <= src.count && src[i..<(i + pattern.count)].elementsEqual(pattern)
        }

        var i = 0
        while i < src.count {
            if matches(openBytes, at: i) {
                stack.append((found.count, out.count))
                found.append((out.count, out.count, nil))
                i += openBytes.count
            } else if matches(closeBytes, at: i) {
                guard let top = stack.popLast() else {
                    preconditionFailure("MarkedText: '\(close)' without '\(open)' at byte \(i) in: \(source)")
                }
                var end = out.count
                var label: String? = nil
                // A trailing `|label` inside the span (written after any nested spans closed).
                if let bar = out[top.start..<end].lastIndex(of: UInt8(ascii: "|")),
                   bar + 1 < end,
                   out[(bar + 1)..<end].allSatisfy({ Self.isLabelByte($0) }),
                   found[(top.slot + 1)...].allSatisfy({ $0.end <= bar })
                {
                    label = String(decoding: out[(bar + 1)..<end], as: UTF8.self)
                    out.removeSubrange(bar..<end)
                    end = bar
                }
                found[top.slot] = (top.start, end, label)
                i += closeBytes.count
            } else {
                out.append(src[i])
                i += 1
            }
        }
        precondition(stack.isEmpty, "MarkedText: '\(open)' without '\(close)' in: \(source)")

        text = String(decoding: out, as: UTF8.self)
        // Code point offsets: count bytes that are not UTF-8 continuation bytes.
        var cpAt = [Int](repeating: 0, count: out.count + 1)
        var cp = 0
        for (k, b) in out.enumerated() {
            cpAt[k] = cp
            if b & 0xC0 != 0x80 { cp += 1 }
        }
        // Span bounds never fall inside a scalar (markers are whole scalars), so only lead bytes are looked up.
        cpAt[out.count] = cp
        spans = found.map { f in
            Span(text: String(decoding: out[f.start..<f.end], as: UTF8.self), label: f.label,
                 utf8: f.start..<f.end, codePoints: cpAt[f.start]..<cpAt[f.end])
        }
    }

    private static func isLabelByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    /// The UTF-8 bytes of `text`, for calling byte-level APIs.
    public var utf8: [UInt8] { Array(text.utf8) }
}
