import NoteMinerModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds section headers line by line with a header lexicon, and cuts the note into sections at them.
///
/// A line is a header when, after optional indentation and decoration (markdown `#`, `**bold**`, `__`, `=`,
/// bullets `•` `-` `*` `+`, numbering `1.` `2)` `IV.` `A.`), it starts with a lexicon header and then
/// - ends (own line), with or without a colon, as the header's `bare` rule allows without one; or
/// - has a colon and text after it (inline: "HPI: 45 yo man ..."), unless the line is a bullet item —
///   "• Plan: ..." inside an assessment is a sub-item, not a new section — or, when the header is not in
///   ALL CAPS, the current section has its category or one its row's `within` names ("Labs: ..." inside
///   results and "Vitals: ..." inside a physical exam are labels; "VITALS: ..." is written as a section header
///   and starts one).
/// On a list item (bullet or number) a header must be ALL CAPS or alone on its line with a colon, so "2. Allergies"
/// in a problem list stays in the plan. A line ending in `.` is never a header ("Allergies." is a problem title in an assessment list). A trailing
/// parenthetical is ignored when the whole candidate is not a header ("Labs (03/05/2019):").
///
/// Unknown headers: an ALL-CAPS line of at most six words ending in a colon, alone on its line after a blank
/// line (or at the start), that is not a lexicon subheading, starts an `other` section — so that a family
/// history does not run on into "LABS:" or "ADDENDUM:" when the lexicon lacks them.
///
/// Sections tile the note: each starts at the first byte of its header line (decoration included), the text
/// before the first header is an `other` section with an empty header, and an empty text has no sections.
/// The header range runs from the first header letter through the colon when there is one.
///
/// Cost: one `memchr` per line plus at most `SectionHeaderLexicon.maxKeyLength` bytes examined and one hash
/// lookup per line that starts with a letter; no allocation except the result.
public struct SectionDetector: Sendable {
    public var lexicon: SectionHeaderLexicon

    public init(lexicon: SectionHeaderLexicon) {
        self.lexicon = lexicon
    }

    /// A detector over `SectionHeaderLexicon.minimal` (canonical header names only).
    public init() {
        self.lexicon = .minimal
    }

    /// Sections tiling `text` (UTF-8), in order.
    public func detect(_ text: UnsafeBufferPointer<UInt8>) -> [Section] {
        let count = text.count
        guard count > 0, let base = text.baseAddress else { return [] }
        var sections: [Section] = []
        let capacity = SectionHeaderLexicon.maxKeyLength + 8
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch in
            let key = scratch.baseAddress!
            var lineStart = 0
            var previousBlank = true
            // Lines end at LF, CRLF or a lone CR (old Mac exports). The next LF and CR positions are cached
            // and searched again only once passed, so a note with one kind of break stays linear.
            var nextLF = -1
            var nextCR = -1
            func find(_ byte: Int32, from start: Int) -> Int {
                guard let p = memchr(base + start, byte, count - start) else { return count }
                return UnsafePointer(p.assumingMemoryBound(to: UInt8.self)) - base
            }
            while lineStart < count {
                if nextLF < lineStart { nextLF = find(0x0A, from: lineStart) }
                if nextCR < lineStart { nextCR = find(0x0D, from: lineStart) }
                let lineEnd: Int
                let nextStart: Int
                if nextCR < nextLF {
                    lineEnd = nextCR
                    nextStart = nextCR + 1 == nextLF ? nextLF + 1 : nextCR + 1
                } else {
                    lineEnd = nextLF
                    nextStart = nextLF + 1
                }
                let result = examine(text, lineStart, lineEnd, previousBlank: previousBlank, current: sections.last?.category ?? .other, key: key, capacity: capacity)
                switch result {
                case .blank:
                    previousBlank = true
                case .text:
                    previousBlank = false
                case .header(let hb, let he, let category):
                    previousBlank = false
                    if sections.isEmpty, lineStart > 0 {
                        sections.append(Section(utf8Begin: 0, utf8End: Int32(lineStart), headerBegin: 0, headerEnd: 0, category: .other))
                    }
                    if !sections.isEmpty { sections[sections.count - 1].utf8End = Int32(lineStart) }
                    sections.append(Section(utf8Begin: Int32(lineStart), utf8End: Int32(count), headerBegin: Int32(hb), headerEnd: Int32(he), category: category))
                }
                lineStart = nextStart
            }
        }
        if sections.isEmpty {
            sections.append(Section(utf8Begin: 0, utf8End: Int32(count), headerBegin: 0, headerEnd: 0, category: .other))
        }
        return sections
    }

    enum LineKind: Equatable {
        case blank
        case text
        case header(begin: Int, end: Int, category: SectionCategory)
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0C || b == 0x0B }
    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) private static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) private static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    /// Trailing decoration around a header: `*` `_` `#` `=` `-`.
    @inline(__always) private static func isDecoration(_ b: UInt8) -> Bool { b == 0x2A || b == 0x5F || b == 0x23 || b == 0x3D || b == 0x2D }

    /// Classifies one line `[start, end)` (no newline).
    func examine(_ t: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, previousBlank: Bool, current: SectionCategory, key: UnsafeMutablePointer<UInt8>, capacity: Int) -> LineKind {
        var p = start
        while p < end, Self.isSpace(t[p]) { p += 1 }
        if p == end { return .blank }

        // Leading decoration: markdown, bullets, numbering; a few rounds for "1. **HPI:**" or "- ## Plan".
        var bullet = false
        var numbered = false
        var rounds = 0
        while p < end, rounds < 4 {
            rounds += 1
            let b = t[p]
            var q = p
            if b == 0x23 || b == 0x3D || b == 0x5F || b == 0x3E {  // '#', '=', '_', '>' runs
                while q < end, t[q] == b { q += 1 }
            } else if b == 0x2A {  // '*': "* " is a bullet, "**" is bold
                while q < end, t[q] == 0x2A { q += 1 }
                if q - p == 1 { bullet = true }
            } else if b == 0x2D || b == 0x2B {  // "- " / "+ " bullets; "-- Plan --" is decoration
                while q < end, t[q] == b { q += 1 }
                if q - p == 1 { bullet = true }
            } else if b == 0xE2, p + 2 < end, t[p + 1] == 0x80, t[p + 2] == 0xA2 {  // '•'
                q = p + 3
                bullet = true
            } else if Self.isDigit(b) {  // "1." "12)"
                while q < end, Self.isDigit(t[q]), q - p < 3 { q += 1 }
                guard q < end, t[q] == 0x2E || t[q] == 0x29 else { return .text }
                q += 1
                guard q < end, Self.isSpace(t[q]) else { return .text }
                numbered = true
            } else if Self.isUpper(b) {  // "A." "IV." "B)" followed by a space
                var r = p
                while r < end, r - p < 4, t[r] == 0x49 || t[r] == 0x56 || t[r] == 0x58 { r += 1 }  // I V X
                if r == p { r = p + 1 }
                guard r < end, t[r] == 0x2E || t[r] == 0x29, r + 1 < end, Self.isSpace(t[r + 1]) else { break }
                q = r + 1
                numbered = true
            } else {
                break
            }
            p = q
            while p < end, Self.isSpace(t[p]) { p += 1 }
        }
        guard p < end, SectionHeaderKey.isASCIILetter(t[p]) else { return .text }
        let hb = p

        // The candidate runs to a colon or the line end, within the longest key (plus decoration slack).
        let limit = min(end, hb + SectionHeaderLexicon.maxKeyLength + 8)
        var q = hb
        while q < limit, t[q] != 0x3A { q += 1 }
        let hasColon = q < limit && t[q] == 0x3A
        if !hasColon && limit < end {
            // Longer than any header and no colon: prose, unless only spaces follow (rare; check cheaply).
            var r = limit
            while r < end, Self.isSpace(t[r]) { r += 1 }
            if r < end { return .text }
        }
        var candEnd = hasColon ? q : limit
        var ownLine = true
        if hasColon {
            var r = q + 1
            while r < end, Self.isSpace(t[r]) || Self.isDecoration(t[r]) { r += 1 }
            ownLine = r == end
        }
        while candEnd > hb, Self.isSpace(t[candEnd - 1]) || Self.isDecoration(t[candEnd - 1]) { candEnd -= 1 }
        if candEnd == hb || t[candEnd - 1] == 0x2E { return .text }
        if !ownLine && bullet { return .text }
        // A list item ("2. Allergies", "3. Allergies: seasonal, continue Flonase") is a problem in a list unless
        // it is written as a header: ALL CAPS, or alone on its line with a colon.
        let listItem = bullet || numbered
        if listItem, !(ownLine && hasColon), !Self.isAllCaps(t, hb, candEnd) { return .text }

        let headerEnd = hasColon ? q + 1 : candEnd
        var n = SectionHeaderKey.normalize(t, hb, candEnd, into: key, capacity: capacity)
        var found = n > 0 && n <= SectionHeaderLexicon.maxKeyLength ? lexicon.lookup(key, length: n) : nil
        if found == nil, t[candEnd - 1] == 0x29 {
            // "Labs (03/05/2019):", "Medications (reviewed)": try again without the trailing parenthetical.
            var open = candEnd - 1
            while open > hb, t[open] != 0x28 { open -= 1 }
            var e = open
            while e > hb, Self.isSpace(t[e - 1]) { e -= 1 }
            if t[open] == 0x28, e > hb {
                candEnd = e
                n = SectionHeaderKey.normalize(t, hb, candEnd, into: key, capacity: capacity)
                found = n > 0 && n <= SectionHeaderLexicon.maxKeyLength ? lexicon.lookup(key, length: n) : nil
            }
        }
        if let entry = found {
            if entry.role == .subheading { return .text }
            if !ownLine, entry.category == current || entry.isLabel(inside: current), !Self.isAllCaps(t, hb, candEnd) {
                return .text
            }
            if !hasColon {
                switch entry.bare {
                case .any: break
                case .capitalized: if !Self.isUpper(t[hb]) { return .text }
                case .caps: if !Self.isAllCaps(t, hb, candEnd) { return .text }
                case .no: return .text
                }
            }
            return .header(begin: hb, end: headerEnd, category: entry.category)
        }
        if hasColon, ownLine, previousBlank, Self.looksLikeUnknownHeader(t, hb, candEnd) {
            return .header(begin: hb, end: headerEnd, category: .other)
        }
        return .text
    }

    /// No lower-case ASCII letter and at least one upper-case one.
    private static func isAllCaps(_ t: UnsafeBufferPointer<UInt8>, _ b: Int, _ e: Int) -> Bool {
        var upper = false
        for i in b..<e {
            let c = t[i]
            if isLower(c) { return false }
            if isUpper(c) { upper = true }
        }
        return upper
    }

    /// ALL-CAPS words only (letters, spaces, `&`, `/`, `'`, `-`), at least two letters, at most six words.
    private static func looksLikeUnknownHeader(_ t: UnsafeBufferPointer<UInt8>, _ b: Int, _ e: Int) -> Bool {
        var letters = 0
        var words = 0
        var inWord = false
        for i in b..<e {
            let c = t[i]
            if isUpper(c) {
                letters += 1
                if !inWord {
                    words += 1
                    inWord = true
                }
            } else if c == 0x20 || c == 0x09 {
                inWord = false
            } else if c == 0x26 || c == 0x2F || c == 0x27 || c == 0x2D {
                continue
            } else {
                return false
            }
        }
        return letters >= 2 && words <= 6
    }
}
