import Foundation
import Testing
@testable import NoteMinerIO
import TestSupport

/// The JSON Lines fast path must read every record it accepts exactly as JSONSerialization does, and hand
/// everything else to it.
@Suite struct FlatJSONObjectTests {
    /// Asserts the fast path's reading equals JSONSerialization's, field by field.
    func expectSameAsFoundation(_ line: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let flat = FlatJSONObject.parse(line) else {
            Issue.record("fast path refused \(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
            return
        }
        guard let dict = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            Issue.record("fast path accepted what Foundation refuses: \(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
            return
        }
        #expect(flat.fields.count == dict.count, sourceLocation: sourceLocation)
        for (key, value) in flat.fields {
            let k = String(decoding: key, as: UTF8.self)
            switch value {
            case .null:
                #expect(dict[k] is NSNull, "\(k)", sourceLocation: sourceLocation)
            case .string(let bytes):
                let s = dict[k] as? String
                #expect(s.map { Array($0.utf8) } == bytes, "\(k): \(String(describing: s))", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func readsRecordsLikeFoundation() {
        let lines = [
            #"{"note_id":"n1","patient_id":"p1","date":"2024-01-02","note_type":null,"text":"Pt denies chest pain."}"#,
            #"  { "note_id" : "n2" , "text" : "a\nb\tc\"d\\e\/f\bg\fh\ri" }  "#,
            #"{"note_id":"n3","text":"caf\u00e9 \u00B5g \u2013 \ud83d\ude00 \u0000 end"}"#,
            "{\"note_id\":\"n4\",\"text\":\"raw UTF-8: café µg – 😀\"}",
            #"{}"#,
            #"{"text":""}"#,
            #"{"note_id":"","text":"empty id"}"#,
        ]
        for line in lines { expectSameAsFoundation(Array(line.utf8)) }
    }

    @Test func leavesEverythingElseToFoundation() {
        let refused: [[UInt8]] = [
            #"{"note_id":1,"text":"a number id"}"#,
            #"{"note_id":"n","text":"x","meta":{"a":"b"}}"#,
            #"{"note_id":"n","text":"x","tags":["a"]}"#,
            #"{"note_id":"n","text":"x","flag":true}"#,
            #"{"note_id":"n","note_id":"m","text":"duplicate key"}"#,
            #"{"note_id":"n","text":"lone \udc00 surrogate"}"#,
            #"{"note_id":"n","text":"high \ud83d alone"}"#,
            #"{"note_id":"n","text":"bad \x escape"}"#,
            #"{"note_id":"n","text":"short \u12"}"#,
            #"{"note_id":"n","text":"unterminated}"#,
            #"{"note_id":"n","text":"x",}"#,
            #"{"note_id":"n","text":"x"} trailing"#,
            #"["not","an","object"]"#,
            #""just a string""#,
            "{\"note_id\":\"n\",\"text\":\"raw\ttab\"}",
            "\u{FEFF}{\"note_id\":\"n\",\"text\":\"bom\"}",
            #"{"note_id":"n","text":nul}"#,
        ].map { Array($0.utf8) } + [
            Array(#"{"note_id":"n","text":""#.utf8) + [0xE9, 0x20, 0x74] + Array(#""}"#.utf8),  // Windows-1252 é
            Array(#"{"note_id":"n","text":""#.utf8) + [0xC3] + Array(#""}"#.utf8),  // truncated sequence
        ]
        for line in refused {
            #expect(FlatJSONObject.parse(line) == nil, "\(String(decoding: line, as: UTF8.self))")
        }
    }

    /// One difference, on purpose: Foundation's parser drops a U+FEFF that directly follows an escape sequence
    /// (it decodes each run between escapes as a separate UTF-8 string, which strips a leading byte order mark).
    /// The fast path keeps the note text as written.
    @Test func keepsZeroWidthNoBreakSpaceAfterAnEscape() throws {
        let line = Array("{\"note_id\":\"n\",\"text\":\"a\\n\u{FEFF}b\"}".utf8)
        let flat = try #require(FlatJSONObject.parse(line))
        #expect(flat["text"] == .string(Array("a\n\u{FEFF}b".utf8)))
    }

    /// Random records of strings and nulls, written by JSONSerialization and by a writer that escapes every
    /// non-ASCII character, read back by both parsers.
    @Test func randomRecordsAgree() throws {
        var rng = SplitMix64(seed: 7)
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{08}", "\u{0C}", "\u{01}",
                                          "\u{1F}", "é", "µ", "–", "“", "😀", "\u{10FFFF}", "\u{0}"]
        for _ in 0..<500 {
            var record: [String: Any] = [:]
            for k in 0..<Int(rng.next() % 6) {
                if rng.next() % 5 == 0 { record["k\(k)"] = NSNull(); continue }
                var s = String.UnicodeScalarView()
                for _ in 0..<Int(rng.next() % 40) { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
                record["k\(k)"] = String(s)
            }
            let foundation = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
            expectSameAsFoundation([UInt8](foundation))
            expectSameAsFoundation(Array(Self.asciiJSON(record).utf8))
        }
    }

    static func asciiJSON(_ record: [String: Any]) -> String {
        func quote(_ s: String) -> String {
            var out = "\""
            for u in s.utf16 {
                switch u {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(u)))
                default: out += String(format: "\\u%04x", u)
                }
            }
            return out + "\""
        }
        let body = record.keys.sorted().map { k in
            quote(k) + ": " + ((record[k] as? String).map(quote) ?? "null")
        }
        return "{ " + body.joined(separator: ", ") + " }"
    }
}
