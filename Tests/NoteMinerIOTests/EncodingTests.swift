import Foundation
import Testing
@testable import NoteMinerIO
import NoteMinerModel
import TestSupport

private func decodeText(_ bytes: [UInt8], _ encoding: TextEncoding = .auto) -> (String, [String])? {
    guard case .text(let t, let w) = NoteTextDecoder.decode(bytes, encoding: encoding) else { return nil }
    return (t, w.map(\.code))
}

@Suite struct EncodingTests {
    // "Café – patient’s fever" in Windows-1252: é = E9, – = 96, ’ = 92.
    let cp1252: [UInt8] = Array("Caf".utf8) + [0xE9] + Array(" ".utf8) + [0x96] + Array(" patient".utf8) + [0x92] + Array("s fever".utf8)

    @Test func windows1252IsDetectedAndReported() throws {
        let (text, codes) = try #require(decodeText(cp1252))
        #expect(text == "Café – patient’s fever")
        #expect(codes == ["decoded_windows_1252"])
    }

    @Test func latin1FileIsDecodedAsWindows1252WhenOnlyLettersAreHigh() throws {
        // "Größe: 12 cm, Rücken" in Latin-1 (identical to Windows-1252 for these letters).
        let bytes: [UInt8] = Array("Gr".utf8) + [0xF6, 0xDF] + Array("e: 12 cm, R".utf8) + [0xFC] + Array("cken".utf8)
        let (text, codes) = try #require(decodeText(bytes))
        #expect(text == "Größe: 12 cm, Rücken")
        #expect(codes == ["decoded_windows_1252"])
    }

    @Test func loneSurrogateInUTF8IsRepairedNotGuessed() throws {
        // CESU-8/WTF-8 lone high surrogate U+D83D: ED A0 BD. UTF-8-shaped, so not Windows-1252.
        let bytes: [UInt8] = Array("pain ".utf8) + [0xED, 0xA0, 0xBD] + Array(" resolved".utf8)
        let (text, codes) = try #require(decodeText(bytes))
        #expect(codes == ["invalid_utf8_repaired"])
        #expect(text.hasPrefix("pain \u{FFFD}") && text.hasSuffix(" resolved"))
        #expect(!text.contains("í"))
    }

    @Test func mixedValidUTF8AndStrayByteIsRepaired() throws {
        // A valid "é" (C3 A9) elsewhere says the file is UTF-8: the stray E9 is damage, not Windows-1252.
        let bytes: [UInt8] = Array("caf".utf8) + [0xC3, 0xA9] + Array(" and caf".utf8) + [0xE9] + Array(" again".utf8)
        let (text, codes) = try #require(decodeText(bytes))
        #expect(codes == ["invalid_utf8_repaired"])
        #expect(text == "café and caf\u{FFFD} again")
    }

    @Test func undefinedWindows1252ByteMeansRepair() throws {
        let bytes: [UInt8] = Array("abc ".utf8) + [0x81] + Array(" def ghi".utf8)
        let (_, codes) = try #require(decodeText(bytes))
        #expect(codes == ["invalid_utf8_repaired"])
    }

    @Test func forcedEncodings() throws {
        let (w, wc) = try #require(decodeText(cp1252, .windows1252))
        #expect(w == "Café – patient’s fever" && wc.isEmpty)
        let (l, _) = try #require(decodeText(cp1252, .latin1))
        #expect(l.unicodeScalars.contains("\u{96}") && l.contains("é"))
        let (u, uc) = try #require(decodeText(cp1252, .utf8))
        #expect(u.hasPrefix("Caf\u{FFFD}") && uc == ["invalid_utf8_repaired"])
        let (x, xc) = try #require(decodeText(Array("abc ".utf8) + [0x8D], .windows1252))
        #expect(x == "abc \u{FFFD}" && xc == ["invalid_windows_1252_repaired"])
    }

    @Test func forcedUTF16WithoutBOM() throws {
        let text = "HPI: cough עברית 😀"
        var le: [UInt8] = [], be: [UInt8] = []
        for u in text.utf16 {
            le += [UInt8(u & 0xFF), UInt8(u >> 8)]
            be += [UInt8(u >> 8), UInt8(u & 0xFF)]
        }
        #expect(decodeText(le)?.0 == nil)  // NUL bytes without a BOM: refused in auto mode
        #expect(decodeText(le, .utf16LE)?.0 == text)
        #expect(decodeText(be, .utf16BE)?.0 == text)
        #expect(decodeText([0xFE, 0xFF] + be)?.0 == text)
        // A lone surrogate in UTF-16 is repaired and reported.
        let (r, rc) = try #require(decodeText([0x41, 0x00, 0x3D, 0xD8, 0x42, 0x00], .utf16LE))
        #expect(r == "A\u{FFFD}B" && rc.contains("invalid_utf16_repaired"))
    }

    @Test func jsonLinesInWindows1252AreDecodedAndReported() throws {
        let dir = try makeTempFolder()
        let line: [UInt8] = Array(#"{"note_id": "w1", "text": "Caf"#.utf8) + [0xE9, 0x93] + Array(#"ok"}"#.utf8)
        let valid = Array(#"{"note_id": "u1", "text": "café"}"#.utf8)
        try write(line + [0x0A] + valid + [0x0A], to: dir + "/n.jsonl")
        let items = Array(try NoteReader(inputs: [dir + "/n.jsonl"]))
        guard items.count == 2, case .note(let w, let warnings, _) = items[0], case .note(let u, let uw, _) = items[1] else {
            Issue.record("\(items)"); return
        }
        #expect(w.text == "Café“ok")
        #expect(warnings.map(\.code) == ["decoded_windows_1252"])
        #expect(u.text == "café" && uw.isEmpty)
        var options = NoteReader.Options()
        options.encoding = .utf16LE
        #expect(throws: InputError.self) { try NoteReader(inputs: [dir + "/n.jsonl"], options: options) }
    }

    @Test func textFileEncodingOptionIsApplied() throws {
        let dir = try makeTempFolder()
        try write(cp1252, to: dir + "/a.txt")
        var options = NoteReader.Options()
        options.encoding = .utf8
        guard case .note(let n, let w, _) = Array(try NoteReader(inputs: [dir], options: options)).first else { Issue.record("refused"); return }
        #expect(n.text.contains("\u{FFFD}") && w.map(\.code) == ["invalid_utf8_repaired"])
    }
}

/// The invalid-sequence count skips ASCII runs a word at a time and parses the rest one sequence at a time; it
/// must count and place exactly what one parser pass over the whole text does.
@Suite struct InvalidUTF8CountTests {
    static func reference(_ bytes: [UInt8]) -> (sequences: Int, first: Int) {
        var count = 0, first = -1, offset = 0
        var it = bytes.makeIterator()
        var parser = UTF8.ForwardParser()
        loop: while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let v): offset += v.count
            case .error(let length):
                if first < 0 { first = offset }
                offset += length
                count += 1
            case .emptyInput: break loop
            }
        }
        return (count, max(first, 0))
    }

    @Test func equalsOneParserPass() {
        var rng = TestSupport.SplitMix64(seed: 11)
        // ASCII runs of every length around the 8-byte step, valid multi-byte scalars, and damaged ones
        // (truncated, overlong, surrogates, stray continuation bytes, bytes never valid).
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("abcdefg".utf8), Array("abcdefghijklmnop".utf8), Array("é".utf8), Array("–".utf8),
            Array("💊".utf8), [0x80], [0xBF], [0xC0, 0xAF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x9F],
            [0xF0, 0x9F, 0x92], [0xE2, 0x80], [0xF5], [0xFF], [0xC3], [0xF4, 0x90, 0x80, 0x80],
        ]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            let got = bytes.withUnsafeBufferPointer { NoteTextDecoder.countInvalidUTF8($0) }
            let want = Self.reference(bytes)
            #expect(got.sequences == want.sequences && got.first == want.first, "\(bytes)")
        }
    }
}
