import NoteMinerModel

/// Finds section headers line by line. (Interim: one `other` section; the header-lexicon detector replaces it.)
public struct SectionDetector: Sendable {
    public init() {}

    /// Sections tiling `text` (UTF-8). Text before the first header is an `other` section with an empty header.
    public func detect(_ text: UnsafeBufferPointer<UInt8>) -> [Section] {
        [Section(utf8Begin: 0, utf8End: Int32(text.count), headerBegin: 0, headerEnd: 0, category: .other)]
    }
}
