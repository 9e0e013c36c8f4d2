/// What a redacted span was, and the placeholder that replaces it.
public enum PHIKind: String, Sendable, CaseIterable {
    case date, phone, email, id, name
    /// A de-identification tag whose type could not be told (`[**Hospital 12**]`).
    case other

    public var placeholder: String {
        switch self {
        case .date: "[DATE]"
        case .phone: "[PHONE]"
        case .email: "[EMAIL]"
        case .id: "[ID]"
        case .name: "[NAME]"
        case .other: "[REDACTED]"
        }
    }
}

/// A span to redact: UTF-8 byte offsets into the text it was found in, half-open.
public struct RedactionSpan: Sendable, Hashable {
    public var utf8Begin: Int
    public var utf8End: Int
    public var kind: PHIKind
}

/// Replaces PHI-like tokens in evidence text with typed placeholders, for `--redact`.
///
/// Rules (one left-to-right pass over the UTF-8 bytes; every lookahead either consumes what it reads or is
/// bounded by a small constant, so time is linear in the text — no regular expressions, no backtracking):
/// - **dates**: `3/14/2021`, `03-14-21`, `2021-03-14`, `03/2021`, month names with a day and/or year
///   (`March 14, 2021`, `14 Mar 2021`, `Mar 2021`, `March 14th`). A bare year or a `3/14` without a year is kept
///   (years are not identifying under HIPAA Safe Harbor; `1/2` is more often a fraction than a date).
/// - **phones**: `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `555 123 4567`, `+1 555 123 4567`, `555-1234`.
/// - **emails**: `local@domain.tld`.
/// - **ids**: SSNs (`123-45-6789`); any number of 6 or more digits (MRNs, account numbers), alone or with letters
///   (`A1234567`), unless followed by a unit (`2400000 units`, `250000 /uL`) or written with a decimal point;
///   any token with a digit after an id label (`MRN`, `MR#`, `SSN`, `acct`, `account`, `ID`, `member`, `policy`,
///   `record`).
/// - **names**: up to three capitalized words after a title (`Dr.`, `Mr.`, `Mrs.`, `Ms.`, `Miss`, `Prof.`), and
///   the capitalized words after a `Patient:`, `Patient name:`, `Pt:` or `Name:` label at the start of a line.
/// - **de-identification tags** (`[**2019-01-01**]`, `[**Known lastname 123**]`, `**NAME[AAA, BBB M]`,
///   `**ID-NUM`): replaced whole, typed from their content.
///
/// Doses and vitals (`500 mg`, `120/80`, `98.6`, `1,000,000 units`) are kept. This is a safety net for sharing
/// evidence snippets, not a certified de-identifier: names without a title or label, addresses, ages over 89
/// and free-text identifiers are not found.
public struct Redactor: Sendable {
    public init() {}

    /// `text` with every PHI-like span replaced by its placeholder.
    public func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        let spans = bytes.withUnsafeBufferPointer { Self.scan($0) }
        if spans.isEmpty { return text }
        bytes = Self.apply(spans, to: bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// PHI-like spans of `text`, in order, not overlapping.
    public func spans(in text: String) -> [RedactionSpan] {
        Array(text.utf8).withUnsafeBufferPointer { Self.scan($0) }
    }

    /// Scans a whole note once, so that snippets cut from it are redacted with their context ("Dr." before a
    /// mention, a date running across a snippet's end).
    public func map(note text: String) -> RedactionMap {
        let bytes = Array(text.utf8)
        let spans = bytes.withUnsafeBufferPointer { Self.scan($0) }
        // Byte offsets → code point offsets, in one pass (spans are sorted).
        var out: [RedactionMap.Span] = []
        out.reserveCapacity(spans.count)
        var cp = 0
        var byte = 0
        func advance(to target: Int) {
            while byte < target {
                if bytes[byte] & 0xC0 != 0x80 { cp += 1 }
                byte += 1
            }
        }
        for s in spans {
            advance(to: s.utf8Begin)
            let b = cp
            advance(to: s.utf8End)
            out.append(RedactionMap.Span(begin: b, end: cp, kind: s.kind))
        }
        return RedactionMap(spans: out, redactor: self)
    }

    static func scan(_ text: UnsafeBufferPointer<UInt8>) -> [RedactionSpan] {
        var scanner = Scanner(text: text)
        return scanner.scan()
    }

    static func apply(_ spans: [RedactionSpan], to bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        for s in spans {
            out += bytes[last..<s.utf8Begin]
            out += s.kind.placeholder.utf8
            last = s.utf8End
        }
        out += bytes[last...]
        return out
    }
}

/// The PHI-like spans of one note, in Unicode code point offsets, for redacting snippets of it.
public struct RedactionMap: Sendable {
    public struct Span: Sendable, Hashable {
        public var begin: Int
        public var end: Int
        public var kind: PHIKind
    }

    public let spans: [Span]
    let redactor: Redactor

    /// The redacted form of `snippet`, the note's text at code point offsets `[begin, begin + snippet's length)`.
    /// Every part of the snippet inside a note-level span becomes that span's placeholder (once per span); the
    /// result is then scanned on its own as well, so a snippet that does not match the note is still redacted.
    /// Offsets of the snippet are unchanged: only its text is.
    public func redact(_ snippet: String, begin: Int) -> String {
        let scalars = Array(snippet.unicodeScalars)
        let end = begin + scalars.count
        // First span that ends after `begin` (binary search).
        var lo = 0, hi = spans.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if spans[mid].end <= begin { lo = mid + 1 } else { hi = mid }
        }
        var out = String.UnicodeScalarView()
        var position = begin
        var k = lo
        while k < spans.count, spans[k].begin < end {
            let s = spans[k]
            if s.begin > position { out.append(contentsOf: scalars[(position - begin)..<(s.begin - begin)]) }
            out.append(contentsOf: s.kind.placeholder.unicodeScalars)
            position = min(max(position, s.end), end)
            k += 1
        }
        if position < end { out.append(contentsOf: scalars[(position - begin)...]) }
        return redactor.redact(String(out))
    }
}

/// The byte scanner behind `Redactor`. Offsets are UTF-8 byte offsets.
struct Scanner {
    let t: UnsafeBufferPointer<UInt8>
    let n: Int
    var spans: [RedactionSpan] = []
    /// Start positions below this are inside a run already scanned for an e-mail local part without an '@'.
    var noEmailUntil = 0

    init(text: UnsafeBufferPointer<UInt8>) {
        t = text
        n = text.count
    }

    @inline(__always) func byte(_ i: Int) -> UInt8 { i < n && i >= 0 ? t[i] : 0 }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
    /// A byte of a name word: an ASCII letter or any byte of a non-ASCII scalar (accented and other scripts).
    @inline(__always) static func isNameByte(_ b: UInt8) -> Bool { isAlpha(b) || b >= 0x80 }
    @inline(__always) static func isLocalPart(_ b: UInt8) -> Bool {
        isAlnum(b) || b == 0x2E || b == 0x5F || b == 0x25 || b == 0x2B || b == 0x2D
    }
    @inline(__always) static func isDomain(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x2E || b == 0x2D }

    mutating func add(_ b: Int, _ e: Int, _ kind: PHIKind) {
        if let last = spans.last, b < last.utf8End { return }
        spans.append(RedactionSpan(utf8Begin: b, utf8End: e, kind: kind))
    }

    mutating func scan() -> [RedactionSpan] {
        var i = 0
        var lineStart = true
        while i < n {
            let b = t[i]
            if b == 0x0A || b == 0x0D { lineStart = true; i += 1; continue }
            if b == 0x20 || b == 0x09 { i += 1; continue }
            let atLineStart = lineStart
            lineStart = false
            let previous = byte(i - 1)
            let boundary = i == 0 || !(Self.isAlnum(previous) || previous >= 0x80)
            if b == 0x5B, byte(i + 1) == 0x2A, byte(i + 2) == 0x2A, let e = bracketTag(i) { i = e; continue }
            if b == 0x2A, byte(i + 1) == 0x2A, Self.isUpper(byte(i + 2)), let e = starTag(i) { i = e; continue }
            if boundary, i >= noEmailUntil, Self.isLocalPart(b), let e = email(i) { i = e; continue }
            if boundary, b == 0x28 || b == 0x2B, let e = phone(i) { i = e; continue }
            if boundary, Self.isDigit(b) { i = number(i); continue }
            if boundary, Self.isAlpha(b) { i = word(i, atLineStart: atLineStart); continue }
            i += 1
        }
        return spans
    }

    // MARK: de-identification tags

    /// `[** ... **]`, closed within 200 bytes.
    mutating func bracketTag(_ start: Int) -> Int? {
        var j = start + 3
        let limit = min(n, start + 200)
        while j < limit {
            if t[j] == 0x2A, byte(j + 1) == 0x2A, byte(j + 2) == 0x5D {
                add(start, j + 3, Self.tagKind(t, start + 3, j))
                return j + 3
            }
            if t[j] == 0x0A { break }
            j += 1
        }
        return nil
    }

    /// `**NAME[...]`, `**DATE[...]`, `**ID-NUM`: an upper-case type word, optionally with a bracketed value.
    mutating func starTag(_ start: Int) -> Int? {
        var j = start + 2
        while j < n, Self.isUpper(t[j]) || t[j] == 0x2D || t[j] == 0x5F || Self.isDigit(t[j]), j - start < 40 { j += 1 }
        let typeEnd = j
        if j < n, t[j] == 0x5B {
            var k = j + 1
            while k < n, k - j < 200, t[k] != 0x5D, t[k] != 0x0A { k += 1 }
            if k < n, t[k] == 0x5D { j = k + 1 }
        }
        add(start, j, Self.tagKind(t, start + 2, typeEnd))
        return j
    }

    static func tagKind(_ t: UnsafeBufferPointer<UInt8>, _ b: Int, _ e: Int) -> PHIKind {
        var lower: [UInt8] = []
        var digits = 0
        for i in b..<e {
            let c = t[i]
            lower.append(isUpper(c) ? c | 0x20 : c)
            if isDigit(c) { digits += 1 }
        }
        func has(_ s: String) -> Bool {
            let p = Array(s.utf8)
            guard lower.count >= p.count else { return false }
            for i in 0...(lower.count - p.count) where lower[i] == p[0] && Array(lower[i..<(i + p.count)]) == p { return true }
            return false
        }
        if has("phone") || has("fax") { return .phone }
        if has("email") || has("e-mail") { return .email }
        if has("name") { return .name }
        if has("date") || has("month") || has("year") || has("day") || digits >= 4 && (lower.contains(0x2D) || lower.contains(0x2F)) { return .date }
        if has("id") || has("number") || has("mrn") || has("ssn") || has("record") || digits > 0 { return .id }
        return .other
    }

    // MARK: e-mail

    mutating func email(_ start: Int) -> Int? {
        var j = start
        while j < n, Self.isLocalPart(t[j]) { j += 1 }
        guard j < n, t[j] == 0x40, j > start else {
            noEmailUntil = j
            return nil
        }
        var k = j + 1
        var lastDot = -1
        while k < n, Self.isDomain(t[k]) {
            if t[k] == 0x2E { lastDot = k }
            k += 1
        }
        // Trailing dots belong to the sentence.
        var end = k
        while end > j + 1, t[end - 1] == 0x2E || t[end - 1] == 0x2D { end -= 1 }
        if lastDot >= end { lastDot = -1; for m in (j + 1)..<end where t[m] == 0x2E { lastDot = m } }
        guard lastDot > j + 1, end - lastDot - 1 >= 2 else {
            noEmailUntil = j
            return nil
        }
        for m in (lastDot + 1)..<end where !Self.isAlpha(t[m]) { noEmailUntil = j; return nil }
        add(start, end, .email)
        return end
    }

    // MARK: numbers: phones, dates, ids

    /// Reads `count` digits exactly at `i`; nil unless there are exactly that many (not more).
    func digits(_ i: Int, _ count: Int) -> Int? {
        for k in 0..<count where !Self.isDigit(byte(i + k)) { return nil }
        return Self.isDigit(byte(i + count)) ? nil : i + count
    }

    /// Phone shapes with parentheses, a leading `+`/`1`, or spaces between the groups; bounded lookahead.
    mutating func phone(_ start: Int) -> Int? {
        var i = start
        if t[i] == 0x2B {  // "+1 "
            i += 1
            guard byte(i) == 0x31 else { return nil }
            i += 1
            if byte(i) == 0x20 || byte(i) == 0x2D || byte(i) == 0x2E { i += 1 }
        } else if t[i] == 0x31, byte(i + 1) == 0x20 || byte(i + 1) == 0x2D, Self.isDigit(byte(i + 2)) || byte(i + 2) == 0x28 {
            i += 2  // "1 555 ..." / "1-555-..."
        }
        var areaEnd: Int
        if byte(i) == 0x28 {
            guard let e = digits(i + 1, 3), byte(e) == 0x29 else { return nil }
            areaEnd = e + 1
            if byte(areaEnd) == 0x20 || byte(areaEnd) == 0x2D { areaEnd += 1 }
        } else {
            guard let e = digits(i, 3) else { return nil }
            let sep = byte(e)
            guard sep == 0x20 || sep == 0x2D || sep == 0x2E else { return nil }
            areaEnd = e + 1
        }
        guard let mid = digits(areaEnd, 3) else { return nil }
        let sep = byte(mid)
        guard sep == 0x20 || sep == 0x2D || sep == 0x2E, let end = digits(mid + 1, 4), !Self.isAlnum(byte(end)) else { return nil }
        add(start, end, .phone)
        return end
    }

    /// A number at a token start: a phone, a date, an SSN or a long id, else an ordinary number (skipped).
    mutating func number(_ start: Int) -> Int {
        if let e = phone(start) { return e }
        // Digit groups joined by single '-', '/' or '.' (each followed by a digit).
        var groups: [(Int, Int)] = []
        var seps: [UInt8] = []
        var j = start
        var totalDigits = 0
        while true {
            let g = j
            while j < n, Self.isDigit(t[j]) { j += 1 }
            if groups.count < 8 { groups.append((g, j)) }
            totalDigits += j - g
            let s = byte(j)
            if (s == 0x2D || s == 0x2F || s == 0x2E), Self.isDigit(byte(j + 1)) {
                if seps.count < 8 { seps.append(s) }
                j += 1
                continue
            }
            break
        }
        let end = j
        // Day before a month name: "14 March 2021", "14th of March", "14-Mar-2021".
        if groups.count == 1, end - start <= 2, let e = dayMonth(start, end) { add(start, e, .date); return e }
        // Letters glued on ("A1c", "12345678AB"): an alphanumeric token.
        if Self.isAlpha(byte(end)) || byte(end) >= 0x80 {
            var k = end
            var letters = false
            while k < n, Self.isAlnum(t[k]) { if Self.isAlpha(t[k]) { letters = true }; k += 1 }
            var d = 0
            for m in start..<k where Self.isDigit(t[m]) { d += 1 }
            if letters, d >= 6 { add(start, k, .id) }
            return k
        }
        let lengths = groups.map { $0.1 - $0.0 }
        func value(_ g: Int) -> Int {
            var v = 0
            for m in groups[g].0..<groups[g].1 { v = v * 10 + Int(t[m] - 0x30) }
            return v
        }
        if groups.count == 3, seps.count == 2, seps[0] == seps[1] {
            let s = seps[0]
            if lengths[0] <= 2, lengths[1] <= 2, lengths[2] == 2 || lengths[2] == 4, s != 0x2E || lengths[2] == 4,
               (value(0) <= 12 && value(1) <= 31) || (value(0) <= 31 && value(1) <= 12), value(0) > 0, value(1) > 0 {
                add(start, end, .date); return end
            }
            if lengths[0] == 4, lengths[1] <= 2, lengths[2] <= 2, value(1) <= 12, value(2) <= 31 {
                add(start, end, .date); return end
            }
            if s == 0x2D, lengths == [3, 2, 4] { add(start, end, .id); return end }
            if s != 0x2F, lengths == [3, 3, 4] { add(start, end, .phone); return end }
        }
        if groups.count == 4, seps.count == 3, lengths == [1, 3, 3, 4], seps.allSatisfy({ $0 == 0x2D }) {
            add(start, end, .phone); return end
        }
        if groups.count == 2, seps.count == 1 {
            if seps[0] == 0x2F, lengths[0] <= 2, lengths[1] == 4, value(0) >= 1, value(0) <= 12 { add(start, end, .date); return end }
            if seps[0] == 0x2D, lengths == [3, 4] { add(start, end, .phone); return end }
        }
        let decimal = seps.contains(0x2E) && groups.count == 2
        let longest = lengths.max() ?? 0
        if !decimal, totalDigits >= 6, longest >= 3 || groups.count == 1, !followedByUnit(end), !(start > 0 && t[start - 1] == 0x2C) {
            add(start, end, .id)
        }
        return end
    }

    /// Whether a unit follows `i` (after at most one space): doses, lab counts and vitals are not ids.
    func followedByUnit(_ i: Int) -> Bool {
        var j = i
        if byte(j) == 0x20 { j += 1 }
        if byte(j) == 0x2F || byte(j) == 0x25 { return true }  // "/uL", "%"
        if byte(j) == 0xC2, byte(j + 1) == 0xB5 { return true }  // "µg"
        var word: [UInt8] = []
        while j < n, Self.isAlpha(t[j]), word.count < 12 { word.append(t[j] | 0x20); j += 1 }
        return Self.units.contains(word)
    }

    static let units: Set<[UInt8]> = Set([
        "mg", "mcg", "ug", "g", "gm", "kg", "ml", "l", "dl", "unit", "units", "u", "iu", "meq", "mmol", "mol", "cells", "copies",
        "k", "mm", "cm", "mmhg", "bpm", "x", "tablets", "tabs", "doses", "per", "cfu", "ng", "pg", "mosm", "mu", "mius",
    ].map { Array($0.utf8) })

    // MARK: words: titles, labels, month names, alphanumeric ids

    static let months: [[UInt8]] = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                                    "october", "november", "december"].map { Array($0.utf8) }

    /// Index 0–11 when `w` (lower case) is a month name or its abbreviation ("sept" too); "may" only when written "May".
    static func month(_ w: [UInt8], capitalized: Bool) -> Int? {
        guard w.count >= 3 else { return nil }
        for (k, m) in months.enumerated() {
            if w == m || (w.count == 3 && Array(m.prefix(3)) == w) || (k == 8 && w == Array("sept".utf8)) {
                if k == 4 || k == 2 { return capitalized ? k : nil }  // "may", "march" are also ordinary words
                return k
            }
        }
        return nil
    }

    static let titles: Set<[UInt8]> = Set(["dr", "mr", "mrs", "ms", "miss", "prof", "mx"].map { Array($0.utf8) })
    static let idLabels: Set<[UInt8]> = Set(["mrn", "mr", "ssn", "acct", "account", "id", "member", "policy", "record", "medicaid",
                                             "medicare", "insurance", "fin", "csn", "encounter", "accession"].map { Array($0.utf8) })
    static let nameStopWords: Set<[UInt8]> = Set([
        "the", "a", "an", "he", "she", "his", "her", "they", "this", "that", "no", "not", "is", "was", "has", "had", "denies",
        "reports", "presents", "in", "on", "at", "with", "and", "or", "of", "for", "to", "patient", "pt", "none", "unknown",
        "dr", "mr", "mrs", "ms", "miss", "prof",
    ].map { Array($0.utf8) })

    mutating func word(_ start: Int, atLineStart: Bool) -> Int {
        var j = start
        while j < n, Self.isAlpha(t[j]) { j += 1 }
        // Letters then digits: an alphanumeric token ("A1234567", "MRN12345678").
        if Self.isDigit(byte(j)) {
            var k = j
            while k < n, Self.isAlnum(t[k]) { k += 1 }
            var d = 0
            for m in j..<k where Self.isDigit(t[m]) { d += 1 }
            let prefix = lowercased(start, j)
            if d >= 6 || (Self.idLabels.contains(prefix) && d >= 3) { add(start, k, .id) }
            return k
        }
        let w = lowercased(start, j)
        let capitalized = Self.isUpper(t[start])
        // Titles in title case only: "MS Contin" is a drug, "MR" a valve finding.
        if Self.titles.contains(w), capitalized, j - start == 1 || Self.isLower(t[start + 1]) {
            var k = j
            if byte(k) == 0x2E { k += 1 }
            if byte(k) == 0x20 {
                k += 1
                if let e = nameRun(k, maxWords: 3, allowComma: false) { add(k, e, .name); return e }
            }
            return j
        }
        if atLineStart, let e = patientLabel(start, w) { return e }
        if Self.idLabels.contains(w), let e = labelledID(j) { return e }
        if let _ = Self.month(w, capitalized: capitalized), let e = monthDate(start, j) { add(start, e, .date); return e }
        return j
    }

    func lowercased(_ b: Int, _ e: Int) -> [UInt8] {
        var w: [UInt8] = []
        w.reserveCapacity(min(e - b, 16))
        for m in b..<min(e, b + 16) { w.append(t[m] | 0x20) }
        if e - b > 16 { w.append(0) }  // too long to be a keyword
        return w
    }

    /// After an id label: optional `#`, `:`, `no.`, `number`, `num` and spaces (bounded), then a token with a digit.
    mutating func labelledID(_ labelEnd: Int) -> Int? {
        var j = labelEnd
        var steps = 0
        while j < n, steps < 6 {
            let c = t[j]
            if c == 0x20 || c == 0x23 || c == 0x3A || c == 0x2E || c == 0x2D || c == 0x09 { j += 1; steps += 1; continue }
            if Self.isAlpha(c) {
                var k = j
                while k < n, Self.isAlpha(t[k]), k - j < 8 { k += 1 }
                let w = lowercased(j, k)
                if w == Array("no".utf8) || w == Array("number".utf8) || w == Array("num".utf8) || w == Array("nbr".utf8) {
                    j = k; steps += 1; continue
                }
            }
            break
        }
        guard j < n, Self.isAlnum(t[j]) else { return nil }
        var k = j
        var d = 0
        while k < n, Self.isAlnum(t[k]) || (t[k] == 0x2D && Self.isAlnum(byte(k + 1))) {
            if Self.isDigit(t[k]) { d += 1 }
            k += 1
        }
        guard d >= 3 || (d >= 1 && k - j >= 4) else { return nil }
        add(j, k, .id)
        return k
    }

    /// "Patient:", "Patient name:", "Pt:", "Name:" at the start of a line, then the name.
    mutating func patientLabel(_ start: Int, _ first: [UInt8]) -> Int? {
        guard first == Array("patient".utf8) || first == Array("pt".utf8) || first == Array("name".utf8) else { return nil }
        var j = start + first.count
        if first != Array("name".utf8) {
            if byte(j) == 0x27, byte(j + 1) | 0x20 == 0x73 { j += 2 }  // "patient's"
            if byte(j) == 0x20, byte(j + 1) | 0x20 == 0x6E, byte(j + 2) | 0x20 == 0x61, byte(j + 3) | 0x20 == 0x6D, byte(j + 4) | 0x20 == 0x65 {
                j += 5
            }
        }
        guard byte(j) == 0x3A else { return nil }
        j += 1
        var spaces = 0
        while byte(j) == 0x20 || byte(j) == 0x09, spaces < 8 { j += 1; spaces += 1 }
        guard let e = nameRun(j, maxWords: 4, allowComma: true) else { return j }
        add(j, e, .name)
        return e
    }

    /// Capitalized words (or initials "J.") separated by single spaces (and ", " when allowed), at most
    /// `maxWords`; nil when the first word is not a name. Each word's length is consumed once.
    func nameRun(_ start: Int, maxWords: Int, allowComma: Bool) -> Int? {
        var j = start
        var end = -1
        var words = 0
        while words < maxWords, j < n {
            let c = t[j]
            guard Self.isUpper(c) || c >= 0xC0 else { break }
            var k = j + 1
            while k < n, Self.isNameByte(t[k]) || ((t[k] == 0x27 || t[k] == 0x2D) && Self.isNameByte(byte(k + 1))) { k += 1 }
            if words == 0, Self.nameStopWords.contains(lowercased(j, k)) { return nil }
            if byte(k) == 0x3A { break }  // the next label ("DOB:")
            if k == j + 1, byte(k) == 0x2E { k += 1 }  // initial "J."
            end = k
            words += 1
            if byte(k) == 0x20 { j = k + 1 } else if allowComma, byte(k) == 0x2C, byte(k + 1) == 0x20 { j = k + 2 } else { break }
        }
        return end > start ? end : nil
    }

    /// From a month name: a day and/or a year ("March 14, 2021", "Mar 14th", "March 2021", "Mar. 14").
    func monthDate(_ start: Int, _ wordEnd: Int) -> Int? {
        var j = wordEnd
        if byte(j) == 0x2E { j += 1 }
        guard byte(j) == 0x20 else { return nil }
        j += 1
        if byte(j) == 0x31 || byte(j) == 0x32, let e = digits(j, 4) { return e }  // "March 2021"
        guard let d = digits(j, 2) ?? digits(j, 1) else { return nil }
        var e = d
        if let s = ordinalSuffix(e) { e = s }
        // ", 2021" / " 2021"
        var k = e
        if byte(k) == 0x2C { k += 1 }
        if byte(k) == 0x20, let y = digits(k + 1, 4) { return y }
        return e
    }

    func ordinalSuffix(_ i: Int) -> Int? {
        let a = byte(i) | 0x20, b = byte(i + 1) | 0x20
        if (a == 0x73 && b == 0x74) || (a == 0x6E && b == 0x64) || (a == 0x72 && b == 0x64) || (a == 0x74 && b == 0x68),
           !Self.isAlpha(byte(i + 2)) { return i + 2 }
        return nil
    }

    /// "14 March 2021", "14th of March", "14-Mar-2021" after a one- or two-digit day ending at `dayEnd`.
    func dayMonth(_ start: Int, _ dayEnd: Int) -> Int? {
        var j = dayEnd
        if let s = ordinalSuffix(j) { j = s }
        guard byte(j) == 0x20 || byte(j) == 0x2D else { return nil }
        let sep = byte(j)
        j += 1
        if sep == 0x20, byte(j) == 0x6F, byte(j + 1) == 0x66, byte(j + 2) == 0x20 { j += 3 }  // "of "
        var k = j
        while k < n, Self.isAlpha(t[k]), k - j < 10 { k += 1 }
        guard k > j, !Self.isAlpha(byte(k)), Self.month(lowercased(j, k), capitalized: Self.isUpper(byte(j))) != nil else { return nil }
        var e = k
        if byte(e) == 0x2E, k - j <= 4 { e += 1 }  // "Mar." but not the full stop after "March"
        if byte(e) == 0x20 || byte(e) == 0x2D || byte(e) == 0x2C {
            var y = e + 1
            if byte(e) == 0x2C, byte(y) == 0x20 { y += 1 }
            if let end = digits(y, 4) { return end }
            if sep == 0x2D, let end = digits(y, 2) { return end }
        }
        return e
    }
}
