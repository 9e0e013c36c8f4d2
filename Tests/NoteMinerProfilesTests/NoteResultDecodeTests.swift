import Foundation
import Testing
@testable import NoteMinerProfiles
import TestSupport

/// `NoteResult.decodeLine` must read every line exactly as `JSONDecoder` does, or refuse it (nil), never differ.
@Suite struct NoteResultDecodeTests {
    static let pieces = ["a", "é", "中文", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{7F}", " ", "<b>", "\u{301}", "x\u{0}y"]

    static func text(_ rng: inout SplitMix64) -> String {
        (0..<Int(rng.next() % 6)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    static func record(_ rng: inout SplitMix64, _ k: Int) -> NoteResult {
        var r = NoteResult(noteID: "n\(k)" + text(&rng), patientID: "p" + text(&rng),
                           date: rng.next() % 2 == 0 ? "2024-01-0\(k % 9 + 1)" : nil,
                           noteType: rng.next() % 3 == 0 ? text(&rng) : nil, age: rng.next() % 2 == 0 ? Int(rng.next() % 100) : nil)
        for i in 0..<Int(rng.next() % 6) {
            var m = MentionRecord(begin: i * 7, end: i * 7 + 3, text: text(&rng), conceptID: "c:" + text(&rng), preferredName: text(&rng),
                                  category: ["condition", "drug", "adverse_effect"][i % 3],
                                  codes: (0..<Int(rng.next() % 3)).map { _ in CodingRecord(system: "ICD-10-CM", code: text(&rng)) },
                                  riskFactor: rng.next() % 2 == 0 ? "diabetes" : nil, section: text(&rng), sentence: Int(rng.next() % 50),
                                  negated: rng.next() % 2 == 0, possible: rng.next() % 4 == 0, historical: rng.next() % 3 == 0,
                                  hypothetical: rng.next() % 5 == 0, family: rng.next() % 6 == 0)
            if rng.next() % 3 == 0 { m.evidence = [EvidenceRecord(attribute: "negated", trigger: text(&rng), begin: 1, end: 4)] }
            if rng.next() % 5 == 0 { m.ambiguous = true; m.alternatives = ["c:x", text(&rng)] }
            r.mentions.append(m)
        }
        if rng.next() % 2 == 0 {
            r.adrSentences = [ADRSentenceRecord(sentence: 2, begin: 5, end: 40, text: text(&rng), probability: Double(rng.next() % 10_000) / 10_000,
                                                pairs: [PairRecord(drug: text(&rng), effect: text(&rng))],
                                                explanation: [ContributionRecord(feature: "char:" + text(&rng), contribution: -1.2345)])]
        }
        return r
    }

    static func viaDecoder(_ line: [UInt8]) -> NoteResult? { try? JSONDecoder().decode(NoteResult.self, from: Data(line)) }

    @Test func readsWrittenLinesLikeJSONDecoder() {
        var rng = SplitMix64(seed: 5)
        for k in 0..<400 {
            let line = Self.record(&rng, k).jsonLine()
            let fast = NoteResult.decodeLine(line)
            #expect(fast != nil, "line \(k)")
            #expect(fast == Self.viaDecoder(line), "line \(k)")
        }
    }

    @Test func readsOtherSpellingsOfTheSameRecordLikeJSONDecoder() {
        let lines = [
            #"{"note_id":"a","mentions":[]}"#,
            #" { "mentions" : null , "note_id" : "a\u00e9\ud83d\ude00\/\n" , "patient_id" : null, "age": null, "date": "x" } "#,
            #"{"adr_sentences":[{"explanation":null,"pairs":[],"probability":1e-3,"text":"t","end":2,"begin":-0,"sentence":0}],"note_id":"b","schema_version":1}"#,
            #"{"note_id":"c","mentions":[{"begin":1,"end":2,"text":"t","concept_id":"x","preferred_name":"X","category":"drug","codes":null,"section":null,"sentence":null,"negated":null,"evidence":null,"alternatives":null}]}"#,
            #"{"note_id":"d","mentions":[{"alternatives":["q"],"ambiguous":true,"family":true,"category":"c","preferred_name":"","concept_id":"","text":"","end":0,"begin":0}]}"#,
        ]
        for text in lines {
            let line = Array(text.utf8)
            let fast = NoteResult.decodeLine(line)
            #expect(fast != nil, "\(text)")
            #expect(fast == Self.viaDecoder(line), "\(text)")
        }
    }

    @Test func refusesWhatItCannotReadExactly() {
        let lines = [
            #"{"note_id":"a","error":"bad input"}"#,  // a stream error record
            #"{"note_id":"a","note_id":"b"}"#,
            #"{"note_id":"a","age":62.0}"#,
            #"{"note_id":"a","age":1e2}"#,
            #"{"note_id":"\ud800"}"#,
            "{\"note_id\":\"a\u{1}\"}",
            #"{"note_id":"a"} x"#,
            #"{"note_id":"a",}"#,
            #"{"note_id":null}"#,
            #"{"n\u006fte_id":"a"}"#,
            #"{"note_id":"a","mentions":[{"begin":1}]}"#,
            #"{"note_id":"a","age":99999999999999999999999}"#,
            #"{"note_id":"a","age":01}"#,
            "",
        ]
        for text in lines { #expect(NoteResult.decodeLine(Array(text.utf8)) == nil, "\(text)") }
        #expect(NoteResult.decodeLine([0x7B, 0x22, 0xFF, 0x22, 0x7D]) == nil)  // invalid UTF-8
    }

    /// Random edits of real lines: whatever the fast reader accepts, `JSONDecoder` reads the same.
    @Test func neverDisagreesWithJSONDecoderOnDamagedLines() {
        var rng = SplitMix64(seed: 9)
        let alphabet = Array(#"{}[]",:0123456789.-eE\u"nulltruefalse x"#.utf8) + [0x0A, 0xC3, 0xA9]
        var accepted = 0
        for k in 0..<3000 {
            var line = Self.record(&rng, k).jsonLine()
            for _ in 0..<(1 + Int(rng.next() % 3)) where !line.isEmpty {
                let at = Int(rng.next() % UInt64(line.count))
                switch rng.next() % 3 {
                case 0: line[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: line.remove(at: at)
                default: line.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                }
            }
            guard let fast = NoteResult.decodeLine(line) else { continue }
            accepted += 1
            #expect(fast == Self.viaDecoder(line), "line \(k): \(String(decoding: line, as: UTF8.self))")
        }
        #expect(accepted > 100)
    }
}
