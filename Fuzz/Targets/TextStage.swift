import NoteMinerModel
import NoteMinerText

/// The whole text stage (sections → tokens → sentences) and the code point conversion used for every output.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextStage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = noteText(data, size)
    let doc = shippedAnalyzer.analyze(Note(noteID: "fuzz", text: text))
    checkSections(doc.utf8.count, doc.sections)
    checkTokens(doc.utf8, doc.tokens, doc.normStorage)
    checkSentences(doc)
    check(doc.codePoints.codePointOffset(utf8: doc.utf8.count) == text.unicodeScalars.count, "code point count")
    for t in doc.tokens {
        let r = doc.codePointRange(t.utf8Range)
        check(r.lowerBound < r.upperBound, "empty code point range for a token")
    }
    return 0
}
