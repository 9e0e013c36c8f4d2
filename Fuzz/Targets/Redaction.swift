import NoteMinerModel
@testable import NoteMinerIO

/// The redaction scanner on arbitrary text: spans in order, not overlapping, on scalar boundaries; snippet
/// redaction through the whole-note map at any offset.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedaction(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = noteText(data, size)
    let bytes = Array(text.utf8)
    let redactor = Redactor()
    let spans = redactor.spans(in: text)
    var last = 0
    for s in spans {
        check(s.utf8Begin >= last && s.utf8End > s.utf8Begin && s.utf8End <= bytes.count, "span \(s.utf8Begin)..<\(s.utf8End) after \(last)")
        check(bytes[s.utf8Begin] & 0xC0 != 0x80 && (s.utf8End == bytes.count || bytes[s.utf8End] & 0xC0 != 0x80), "span splits a scalar")
        last = s.utf8End
    }
    let redacted = redactor.redact(text)
    check(spans.isEmpty == (redacted == text), "redaction changed text without spans, or not at all with spans")
    // A snippet: the middle third of the note, at its code point offset.
    let scalars = Array(text.unicodeScalars)
    let b = scalars.count / 3, e = 2 * scalars.count / 3
    let snippet = String(String.UnicodeScalarView(scalars[b..<e]))
    _ = redactor.map(note: text).redact(snippet, begin: b)
    return 0
}
