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
}

/// Turns the bytes of a note into text, or says why it will not.
///
/// Never guesses silently: invalid UTF-8 is repaired with U+FFFD and reported as a warning; UTF-16 with a byte
/// order mark is decoded; a NUL byte or mostly non-text bytes refuse the note, because tokenizing binary junk
/// produces garbage findings a coder could be handed.
public enum NoteTextDecoder {
    public enum Outcome: Sendable {
        case text(String, [NoteWarning])
        case refused(RefusalReason, String)
    }

    public static func decode(_ bytes: [UInt8]) -> Outcome {
        if bytes.isEmpty { return .text("", []) }
        // UTF-16 with BOM.
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return decodeUTF16(bytes, littleEndian: bytes[0] == 0xFF)
        }
        var start = 0
        var warnings: [NoteWarning] = []
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            start = 3
            warnings.append(NoteWarning(code: "bom_removed", message: "UTF-8 byte order mark removed"))
        }
        var controls = 0
        var firstNUL: Int? = nil
        for i in start..<bytes.count {
            let b = bytes[i]
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D, b != 0x0C {
                if b == 0, firstNUL == nil { firstNUL = i }
                controls += 1
            }
        }
        if let nul = firstNUL {
            return .refused(.nulBytes, "contains NUL bytes (first at byte \(nul)); binary or UTF-16 without a byte order mark")
        }
        let body = bytes[start...]
        let invalid = countInvalidUTF8(body)
        let n = bytes.count - start
        // Mostly non-text: many control characters, or invalid sequences in a large share of the bytes.
        if n >= 16, controls * 10 > n || invalid.sequences * 4 > n {
            return .refused(.binary, "mostly non-text bytes (\(controls) control characters, \(invalid.sequences) invalid UTF-8 sequences in \(n) bytes)")
        }
        if invalid.sequences > 0 {
            warnings.append(NoteWarning(
                code: "invalid_utf8_repaired",
                message: "invalid UTF-8 repaired: \(invalid.sequences) sequence(s) replaced with U+FFFD (first at byte \(invalid.first + start))"))
        }
        return .text(String(decoding: body, as: UTF8.self), warnings)
    }

    private static func decodeUTF16(_ bytes: [UInt8], littleEndian: Bool) -> Outcome {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(littleEndian ? (a | b << 8) : (a << 8 | b))
            i += 2
        }
        var warnings = [NoteWarning(code: "utf16_decoded", message: "decoded from UTF-16 (\(littleEndian ? "LE" : "BE")) with byte order mark")]
        if bytes.count % 2 == 1 {
            warnings.append(NoteWarning(code: "truncated_utf16", message: "odd number of bytes in UTF-16 text; last byte dropped"))
        }
        var repaired = 0
        var scalars = String.UnicodeScalarView()
        var it = units.makeIterator()
        var parser = UTF16.ForwardParser()
        loop: while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let v): scalars.append(UTF16.decode(v))
            case .error: scalars.append("\u{FFFD}"); repaired += 1
            case .emptyInput: break loop
            }
        }
        if repaired > 0 {
            warnings.append(NoteWarning(code: "invalid_utf16_repaired", message: "\(repaired) unpaired surrogate(s) replaced with U+FFFD"))
        }
        let text = String(scalars)
        if text.unicodeScalars.contains("\u{0}") {
            return .refused(.nulBytes, "contains NUL characters after UTF-16 decoding")
        }
        return .text(text, warnings)
    }

    /// Counts maximal invalid UTF-8 subsequences the way `String(decoding:as:)` replaces them.
    static func countInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> (sequences: Int, first: Int) {
        var count = 0
        var first = -1
        var it = bytes.makeIterator()
        var parser = UTF8.ForwardParser()
        var offset = 0
        loop: while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let v):
                offset += v.count
            case .error(let length):
                if first < 0 { first = offset }
                offset += length
                count += 1
            case .emptyInput: break loop
            }
        }
        return (count, max(first, 0))
    }
}
