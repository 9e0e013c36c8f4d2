import NoteMinerModel
import NoteMinerText

/// The tokenizer alone, with the shipped abbreviation table, on arbitrary (repaired) text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(noteText(data, size).utf8)
    var tokens: [Token] = []
    var norm: [UInt8] = []
    bytes.withUnsafeBufferPointer { shippedAnalyzer.tokenizer.tokenize($0, tokens: &tokens, norm: &norm) }
    checkTokens(bytes, tokens, norm)
    return 0
}
