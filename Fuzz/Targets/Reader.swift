import Foundation
import NoteMinerModel
@testable import NoteMinerIO

/// The input readers: byte decoding under every `--encoding`, and the JSON Lines reader end to end (the input
/// is written to a file and read back through `NoteReader`, as a run would).
private let scratch = NSTemporaryDirectory() + "noteminer-fuzz-reader-\(getpid())"
private let encodings = TextEncoding.allCases

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = Int(data[0])
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let encoding = encodings[selector % encodings.count]
    switch NoteTextDecoder.decode(body, encoding: encoding) {
    case .text(let text, let warnings):
        check(!text.unicodeScalars.contains("\u{0}"), "NUL in decoded text")
        // Plain valid UTF-8 without a BOM decodes to itself with no warning, whatever the auto rules.
        if encoding == .auto || encoding == .utf8, warnings.isEmpty {
            check(Array(text.utf8) == Array(body), "valid UTF-8 changed by decoding")
        }
        if encoding == .auto, NoteTextDecoder.countInvalidUTF8(body).sequences > 0 {
            check(!warnings.isEmpty, "invalid UTF-8 decoded silently")
        }
    case .refused(_, let message):
        check(!message.isEmpty, "refusal without a message")
    }
    if selector & 0x80 != 0 {
        // JSON Lines reading: every non-blank line yields exactly one item.
        let path = scratch + ".jsonl"
        _ = FileManager.default.createFile(atPath: path, contents: Data(body))
        var options = NoteReader.Options()
        options.yieldBlankLines = true
        options.maxNoteBytes = 4096
        options.encoding = encoding.isByteOriented ? encoding : .auto
        guard let reader = try? NoteReader(inputs: [path], options: options) else { check(false, "reader refused a file"); return 0 }
        var items = 0
        for item in reader {
            items += 1
            if case .refused(let r) = item { check(r.source.line != nil && !r.message.isEmpty, "refusal without line or message") }
        }
        var lines = body.isEmpty ? 0 : body.split(separator: 0x0A, omittingEmptySubsequences: false).count
        if body.last == 0x0A { lines -= 1 }
        check(items == lines, "\(items) items for \(lines) lines")
    }
    return 0
}
