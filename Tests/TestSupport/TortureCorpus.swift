import Foundation

/// Generates, at test time, every broken input a hospital export produces, and says what a run must make of
/// each: a result (possibly with a warning) or a quarantine record with a given reason.
///
/// Layout under `root`:
/// - `notes/` — one `.txt` file per case (plus symbolic links), read as a folder;
/// - `notes.jsonl` — JSON Lines cases (ids, nesting, truncation, duplicates);
/// - `notes.csv` — CSV rows with unbalanced quotes;
/// - `outside/` — the targets of links that lead out of `notes/` (must never be read).
public enum TortureCorpus {
    public enum Expectation: Equatable, Sendable {
        case result
        case resultWithWarning(String)
        case quarantined(String)
    }

    public struct Case: Sendable {
        public var name: String
        public var expectation: Expectation
    }

    public struct Layout: Sendable {
        public var root: URL
        public var folder: URL
        public var jsonLines: URL
        public var csv: URL
        public var outside: URL
        /// Every case of the folder, the JSON Lines file and the CSV file, in input order.
        public var cases: [Case]
        /// The inputs to pass to `noteminer run`, in the order `cases` lists them.
        public var inputs: [String] { [folder.path, jsonLines.path, csv.path] }
        public var expectedResults: Int { cases.filter { if case .quarantined = $0.expectation { false } else { true } }.count }
        public var expectedQuarantined: [String] {
            cases.compactMap { if case .quarantined(let r) = $0.expectation { r } else { nil } }.sorted()
        }
    }

    static let clinical = "HISTORY OF PRESENT ILLNESS: 62 yo man with chest pain. Denies fever. Started lisinopril 10 mg daily; developed cough.\n"

    /// - Parameter bigNoteBytes: size of the single-line note (50 MB by default; over the 10 MB default limit).
    public static func generate(in root: URL, bigNoteBytes: Int = 50 * 1024 * 1024, manyLines: Int = 200_000) throws -> Layout {
        let fm = FileManager.default
        let folder = root.appendingPathComponent("notes")
        let outside = root.appendingPathComponent("outside")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        try fm.createDirectory(at: outside, withIntermediateDirectories: true)
        var folderCases: [(String, Expectation)] = []

        func file(_ name: String, _ bytes: [UInt8], _ expectation: Expectation) throws {
            try Data(bytes).write(to: folder.appendingPathComponent(name + ".txt"))
            folderCases.append((name, expectation))
        }
        func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }
        func utf16(_ s: String, littleEndian: Bool) -> [UInt8] {
            var out: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
            for u in s.utf16 { out += littleEndian ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)] }
            return out
        }

        try file("invalid_utf8", utf8("Chest pain ") + [0xC3, 0x28, 0xA0, 0xA1] + utf8(" since Monday. ") + utf8("Café ") + utf8(clinical),
                 .resultWithWarning("invalid_utf8_repaired"))
        try file("lone_surrogate", utf8("Pain ") + [0xED, 0xA0, 0xBD] + utf8(" and ") + [0xED, 0xB8, 0x80] + utf8(" resolved. ") + utf8(clinical),
                 .resultWithWarning("invalid_utf8_repaired"))
        try file("nul_bytes", utf8("HPI: cough") + [0, 0, 0] + utf8(clinical), .quarantined("nul_bytes"))
        var rng = SplitMix64(seed: 0x5EED)
        try file("binary_junk", (0..<8192).map { _ in UInt8(truncatingIfNeeded: rng.next()) | 0x01 }, .quarantined("binary_content"))
        try file("zero_bytes", [], .result)
        // One line, no newline: "word word word ..." up to the size.
        var big = [UInt8](repeating: 0, count: bigNoteBytes)
        let unit = utf8("fever cough dyspnea lisinopril denies ")
        for i in 0..<bigNoteBytes { big[i] = unit[i % unit.count] }
        try file("big_single_line", big, .quarantined("too_large"))
        big = []
        var lines: [UInt8] = []
        lines.reserveCapacity(manyLines * 12)
        for i in 0..<manyLines { lines += utf8(i % 7 == 0 ? "No fever.\n" : i % 3 == 0 ? "BP 120/80\n" : "cough\n") }
        try file("many_short_lines", lines, .result)
        try file("crlf", utf8(clinical.replacingOccurrences(of: "\n", with: "\r\n") + "PLAN:\r\nrest\r\n"), .result)
        try file("cr_only", utf8(clinical.replacingOccurrences(of: "\n", with: "\r") + "PLAN:\rrest\r"), .result)
        try file("bom_utf8", [0xEF, 0xBB, 0xBF] + utf8(clinical), .result)
        try file("bom_utf16le", utf16("Patient: 😀 " + clinical, littleEndian: true), .resultWithWarning("utf16_decoded"))
        try file("bom_utf16be", utf16("Patient: עברית " + clinical, littleEndian: false), .resultWithWarning("utf16_decoded"))
        // "Größe 12 cm, Rücken" and smart quotes, as single-byte exports.
        try file("latin1", utf8("Gr") + [0xF6, 0xDF] + utf8("e 12 cm, R") + [0xFC] + utf8("cken. ") + utf8(clinical), .resultWithWarning("decoded_windows_1252"))
        try file("windows1252", [0x93] + utf8("No fever") + [0x94] + utf8(" ") + [0x96] + utf8(" patient") + [0x92] + utf8("s report. ") + utf8(clinical),
                 .resultWithWarning("decoded_windows_1252"))
        try file("rtl_and_emoji", utf8("המטופל מדווח על כאבים 🤒 المريض يعاني من الحمى 👨‍👩‍👧 \u{200F}fever\u{200E} 🇺🇸. " + clinical), .result)
        try file("long_word", utf8("Word: " + String(repeating: "x", count: 100_000) + " end. " + clinical), .result)
        try file("repeated_no", utf8("Patient reports " + Array(repeating: "no", count: 5_000).joined(separator: " ") + " chest pain.\n"), .result)

        // Symbolic links: out of the folder (a file and a folder) are refused; inside the folder is read.
        try Data(utf8("SECRET outside note\n")).write(to: outside.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("link_outside.txt").path, withDestinationPath: outside.appendingPathComponent("secret.txt").path)
        folderCases.append(("link_outside", .quarantined("unsafe_path")))
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("link_relative_escape.txt").path, withDestinationPath: "../outside/secret.txt")
        folderCases.append(("link_relative_escape", .quarantined("unsafe_path")))
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("link_inside.txt").path, withDestinationPath: "crlf.txt")
        folderCases.append(("link_inside", .result))
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("link_to_folder.txt").path, withDestinationPath: outside.path)
        folderCases.append(("link_to_folder", .quarantined("unsafe_path")))

        // The folder is read in byte-wise name order.
        folderCases.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        var cases = folderCases.map { Case(name: "notes/" + $0.0, expectation: $0.1) }

        // JSON Lines.
        var jsonl: [UInt8] = []
        func record(_ name: String, _ line: [UInt8], _ expectation: Expectation?) {
            jsonl += line + [0x0A]
            if let expectation { cases.append(Case(name: "jsonl/" + name, expectation: expectation)) }
        }
        func json(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default:
                    if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
                }
            }
            return out + "\""
        }
        let text = json(clinical)
        record("valid", utf8(#"{"note_id": "j-valid", "patient_id": "p1", "text": \#(text)}"#), .result)
        record("dot_dot_id", utf8(#"{"note_id": "../../escape", "patient_id": "../../../tmp/escape", "text": \#(text)}"#), .result)
        record("slash_id", utf8(#"{"note_id": "a/b/c", "patient_id": "/etc/passwd", "text": \#(text)}"#), .result)
        record("nul_id", utf8(#"{"note_id": "nul\u0000id", "patient_id": "p\u0000q", "text": \#(text)}"#), .result)
        record("long_id", utf8(#"{"note_id": "\#(String(repeating: "L", count: 10_000))", "patient_id": "\#(String(repeating: "P", count: 10_000))", "text": \#(text)}"#), .result)
        record("duplicate_first", utf8(#"{"note_id": "j-dup", "text": \#(text)}"#), .result)
        record("duplicate_second", utf8(#"{"note_id": "j-dup", "text": "second"}"#), .quarantined("duplicate_note_id"))
        record("truncated", utf8(#"{"note_id": "j-trunc", "text": "HPI: cou"#), .quarantined("malformed_record"))
        record("deeply_nested", utf8(#"{"note_id": "j-deep", "text": "x", "extra": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"),
               .quarantined("malformed_record"))
        record("nested_unclosed", utf8(String(repeating: #"{"a":"#, count: 50_000)), .quarantined("malformed_record"))
        record("not_an_object", utf8("[1, 2, 3]"), .quarantined("malformed_record"))
        record("no_text", utf8(#"{"note_id": "j-notext"}"#), .quarantined("missing_text"))
        record("no_id", utf8(#"{"text": "HPI: cough"}"#), .quarantined("missing_note_id"))
        record("nul_in_text", utf8(#"{"note_id": "j-nul", "text": "a\u0000b"}"#), .quarantined("nul_bytes"))
        record("invalid_utf8_in_line", utf8(#"{"note_id": "j-bad-utf8", "text": "Pain "#) + [0xED, 0xA0, 0xBD, 0xFF] + utf8(#" today"}"#),
               .resultWithWarning("invalid_utf8_repaired"))
        record("blank", [], nil)  // blank lines are not notes
        record("raw_nul", utf8(#"{"note_id": "j-raw"#) + [0] + utf8(#"nul", "text": "x"}"#), .quarantined("malformed_record"))
        let jsonlURL = root.appendingPathComponent("notes.jsonl")
        try Data(jsonl).write(to: jsonlURL)

        // CSV with an unbalanced quote: the records before it are notes; the record that opens the quote swallows
        // the rest of the file and is refused with the reason.
        let csv = "note_id,text\nc1,\"HPI: cough, \"\"quoted\"\" ok\"\nc2,\"unbalanced quote, never closed\nc3,plain text\n"
        let csvURL = root.appendingPathComponent("notes.csv")
        try Data(utf8(csv)).write(to: csvURL)
        cases.append(Case(name: "csv-ok", expectation: .result))
        cases.append(Case(name: "csv-unbalanced", expectation: .quarantined("malformed_record")))

        return Layout(root: root, folder: folder, jsonLines: jsonlURL, csv: csvURL, outside: outside, cases: cases)
    }
}
