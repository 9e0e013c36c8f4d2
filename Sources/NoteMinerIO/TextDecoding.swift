import NoteMinerModel

/// Why a note was refused rather than processed. Codes are stable: they appear in quarantine records.
public enum RefusalReason: String, Sendable, CaseIterable {
    case binary = "binary_content"
    case nulBytes = "nul_bytes"
    case unreadable = "unreadable"
    case malformedRecord = "malformed_record"
    case missingText = "missing_text"
    case missingID = "missing_note_id"
    case duplicateID = "duplicate_note_id"
    case tooLarge = "too_large"
    case unsafePath = "unsafe_path"
    /// An input file in a format NoteMiner does not read (CSV, TSV): refused whole rather than read as one note.
    case unsupportedFormat = "unsupported_format"
}

/// The character encoding of note files (`--encoding`). `auto` reads UTF-8, honours byte order marks, and
/// falls back to Windows-1252 only when the bytes clearly are Windows-1252 (see `NoteTextDecoder`).
public enum TextEncoding: String, Sendable, CaseIterable {
    case auto
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
    case latin1 = "latin-1"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"

    /// Encodings whose text can be split into lines at byte 0x0A (JSON Lines inputs).
    public var isByteOriented: Bool { self != .utf16LE && self != .utf16BE }
}

/// Turns the bytes of a note into text, or says why it will not.
///
/// Never guesses silently: every decision other than plain UTF-8 is reported as a warning on the note.
/// - UTF-16 with a byte order mark is decoded; a UTF-8 byte order mark is removed.
/// - Bytes that are not valid UTF-8 are decoded as Windows-1252 when they clearly are: no well-formed or
///   UTF-8-shaped multi-byte sequence anywhere (a lead byte followed by its continuation bytes — this catches
///   lone surrogates, overlong forms and mojibake, which are broken UTF-8, not Windows-1252) and every byte
///   ≥ 0x80 is a character Windows-1252 defines (þ and ÿ excepted: FE/FF are more often junk). A Latin-1/Windows-1252 export of "café" or “smart quotes”
///   passes; anything else is repaired with U+FFFD per maximal invalid subsequence (the Unicode/WHATWG rule
///   `String(decoding:as:)` follows).
/// - A NUL byte or mostly non-text bytes refuse the note, because tokenizing binary junk produces garbage
///   findings a coder could be handed.
///
/// Cost: two or three linear passes over the bytes; no allocation besides the resulting string.
public enum NoteTextDecoder {
    public enum Outcome: Sendable {
        case text(String, [NoteWarning])
        case refused(RefusalReason, String)
    }

    public static func decode(_ bytes: [UInt8], encoding: TextEncoding = .auto) -> Outcome {
        bytes.withUnsafeBufferPointer { decode($0, encoding: encoding) }
    }

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, encoding: TextEncoding = .auto) -> Outcome {
        if bytes.isEmpty { return .text("", []) }
        switch encoding {
        case .utf16LE, .utf16BE:
            return decodeUTF16(bytes, littleEndian: encoding == .utf16LE, forced: true)
        case .auto:
            if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
                return decodeUTF16(bytes, littleEndian: bytes[0] == 0xFF, forced: false)
            }
        case .utf8, .windows1252, .latin1:
            break
        }
        var start = 0
        var warnings: [NoteWarning] = []
        if encoding == .auto || encoding == .utf8, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            start = 3
            warnings.append(NoteWarning(code: "bom_removed", message: "UTF-8 byte order mark removed"))
        }
        let body = UnsafeBufferPointer(rebasing: bytes[start...])
        let n = body.count
        var controls = 0
        var firstNUL: Int? = nil
        for i in 0..<n {
            let b = body[i]
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D, b != 0x0C {
                if b == 0, firstNUL == nil { firstNUL = i + start }
                controls += 1
            }
        }
        if let nul = firstNUL {
            return .refused(.nulBytes, "contains NUL bytes (first at byte \(nul)); binary or UTF-16 without a byte order mark (see --encoding)")
        }
        if n >= 16, controls * 10 > n {
            return .refused(.binary, "mostly non-text bytes (\(controls) control characters in \(n) bytes)")
        }
        switch encoding {
        case .windows1252, .latin1:
            return .text(decodeSingleByte(body, windows1252: encoding == .windows1252, warnings: &warnings), warnings)
        default:
            break
        }
        let invalid = countInvalidUTF8(body)
        if invalid.sequences == 0 {
            return .text(String(decoding: body, as: UTF8.self), warnings)
        }
        if encoding == .auto, let high = windows1252Evidence(body) {
            warnings.append(NoteWarning(
                code: "decoded_windows_1252",
                message: "not valid UTF-8; decoded as Windows-1252 (\(high.count) byte(s) ≥ 0x80, first at byte \(high.first + start)); use --encoding to choose another"))
            var ignored: [NoteWarning] = []
            return .text(decodeSingleByte(body, windows1252: true, warnings: &ignored), warnings)
        }
        // Mostly invalid sequences: binary, not text with a few bad bytes.
        if encoding == .auto, n >= 16, invalid.sequences * 4 > n {
            return .refused(.binary, "mostly non-text bytes (\(invalid.sequences) invalid UTF-8 sequences in \(n) bytes)")
        }
        warnings.append(NoteWarning(
            code: "invalid_utf8_repaired",
            message: "invalid UTF-8 repaired: \(invalid.sequences) sequence(s) replaced with U+FFFD (first at byte \(invalid.first + start))"))
        return .text(String(decoding: body, as: UTF8.self), warnings)
    }

    /// Windows-1252 bytes 0x80–0x9F (0 = undefined in Windows-1252).
    static let windows1252High: [UInt16] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// When `bytes` (already known not to be valid UTF-8) clearly are Windows-1252: the number of high bytes and
    /// the offset of the first; nil when any multi-byte sequence is UTF-8-shaped or a byte is undefined.
    static func windows1252Evidence(_ bytes: UnsafeBufferPointer<UInt8>) -> (count: Int, first: Int)? {
        let n = bytes.count
        var count = 0
        var first = -1
        var i = 0
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            if b <= 0x9F, windows1252High[Int(b - 0x80)] == 0 { return nil }
            // þ and ÿ are rare in notes, and FE/FF are the bytes of a byte order mark or of binary junk.
            if b >= 0xFE { return nil }
            let continuations = b >= 0xF0 && b <= 0xF7 ? 3 : b >= 0xE0 && b <= 0xEF ? 2 : b >= 0xC0 && b <= 0xDF ? 1 : 0
            if continuations > 0, i + continuations < n {
                var shaped = true
                for k in 1...continuations where bytes[i + k] & 0xC0 != 0x80 { shaped = false; break }
                if shaped { return nil }
            }
            if first < 0 { first = i }
            count += 1
            i += 1
        }
        return count > 0 ? (count, first) : nil
    }

    /// Latin-1 maps every byte to the code point of the same value; Windows-1252 differs in 0x80–0x9F, where
    /// its five undefined bytes become U+FFFD (reported).
    static func decodeSingleByte(_ bytes: UnsafeBufferPointer<UInt8>, windows1252: Bool, warnings: inout [NoteWarning]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var undefined = 0
        for b in bytes {
            if b < 0x80 { out.append(b); continue }
            var scalar = UInt32(b)
            if windows1252, b <= 0x9F {
                let mapped = windows1252High[Int(b - 0x80)]
                if mapped == 0 { undefined += 1; scalar = 0xFFFD } else { scalar = UInt32(mapped) }
            }
            appendUTF8(scalar, to: &out)
        }
        if undefined > 0 {
            warnings.append(NoteWarning(code: "invalid_windows_1252_repaired", message: "\(undefined) byte(s) undefined in Windows-1252 replaced with U+FFFD"))
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        if v < 0x80 {
            out.append(UInt8(v))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
        } else {
            out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    private static func decodeUTF16(_ bytes: UnsafeBufferPointer<UInt8>, littleEndian: Bool, forced: Bool) -> Outcome {
        var i = 0
        var warnings: [NoteWarning] = []
        let bom: (UInt8, UInt8) = littleEndian ? (0xFF, 0xFE) : (0xFE, 0xFF)
        if bytes.count >= 2, bytes[0] == bom.0, bytes[1] == bom.1 {
            i = 2
            warnings.append(NoteWarning(code: "utf16_decoded", message: "decoded from UTF-16 (\(littleEndian ? "LE" : "BE"))\(forced ? "" : " with byte order mark")"))
        } else {
            warnings.append(NoteWarning(code: "utf16_decoded", message: "decoded from UTF-16 (\(littleEndian ? "LE" : "BE")) as requested"))
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(littleEndian ? (a | b << 8) : (a << 8 | b))
            i += 2
        }
        if bytes.count % 2 == 1 {
            warnings.append(NoteWarning(code: "truncated_utf16", message: "odd number of bytes in UTF-16 text; last byte dropped"))
        }
        var repaired = 0
        var scalars = String.UnicodeScalarView()
        var it = units.makeIterator()
        var parser = UTF16.ForwardParser()
        loop: while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let v):
                let s = UTF16.decode(v)
                if s.value == 0 { return .refused(.nulBytes, "contains NUL characters after UTF-16 decoding") }
                scalars.append(s)
            case .error: scalars.append("\u{FFFD}"); repaired += 1
            case .emptyInput: break loop
            }
        }
        if repaired > 0 {
            warnings.append(NoteWarning(code: "invalid_utf16_repaired", message: "\(repaired) unpaired surrogate(s) replaced with U+FFFD"))
        }
        return .text(String(scalars), warnings)
    }

    /// Counts maximal invalid UTF-8 subsequences the way `String(decoding:as:)` replaces them. Surrogate code
    /// points encoded in UTF-8 (ED A0 80 … ED BF BF, as CESU-8 and WTF-8 write them) are invalid.
    static func countInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> (sequences: Int, first: Int) {
        var count = 0
        var first = -1
        var offset = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return (0, 0) }
        while offset < n {
            // ASCII runs (most of any note) eight bytes at a time; an ASCII byte always ends a sequence, so the
            // parser can start afresh at the next byte above it and reads the same as one pass over everything.
            while offset + 8 <= n, UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                offset += 8
            }
            while offset < n, base[offset] < 0x80 { offset += 1 }
            if offset == n { break }
            // One sequence from here: at most 4 bytes decide it (a valid scalar, or the maximal invalid subpart).
            var it = UnsafeBufferPointer(start: base + offset, count: min(4, n - offset)).makeIterator()
            var parser = UTF8.ForwardParser()
            switch parser.parseScalar(from: &it) {
            case .valid(let v):
                offset += v.count
            case .error(let length):
                if first < 0 { first = offset }
                offset += length
                count += 1
            case .emptyInput:
                offset = n
            }
        }
        return (count, max(first, 0))
    }

    static func countInvalidUTF8(_ bytes: [UInt8]) -> (sequences: Int, first: Int) {
        bytes.withUnsafeBufferPointer { countInvalidUTF8($0) }
    }
}
