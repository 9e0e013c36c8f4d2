import NoteMinerModel
import NoteMinerText

/// The section detector with the shipped header lexicon. It works on raw bytes, so it also gets bytes that
/// are not valid UTF-8 (every other stage sees only repaired text).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSections(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeBufferPointer(start: data, count: size)
    checkSections(size, shippedAnalyzer.sectionDetector.detect(raw))
    let bytes = Array(noteText(data, size).utf8)
    bytes.withUnsafeBufferPointer { checkSections($0.count, shippedAnalyzer.sectionDetector.detect($0)) }
    return 0
}
