import NoteMinerModel

/// The text stage in one call: sections (line-based, from the header lexicon), then tokens, then sentences,
/// which never cross a section boundary. Requires: a `Note`. Adds: tokens, sentences, sections.
public struct TextAnalyzer: Sendable {
    public var tokenizer: Tokenizer
    public var sectionDetector: SectionDetector
    public var sentenceSplitter: SentenceSplitter

    public init(tokenizer: Tokenizer, sectionDetector: SectionDetector, sentenceSplitter: SentenceSplitter) {
        self.tokenizer = tokenizer
        self.sectionDetector = sectionDetector
        self.sentenceSplitter = sentenceSplitter
    }

    public func analyze(_ note: Note, warnings: [NoteWarning] = []) -> Document {
        var doc = Document(note: note, warnings: warnings)
        var tokens: [Token] = []
        var norm: [UInt8] = []
        var sections: [Section] = []
        var sentences: [Sentence] = []
        doc.utf8.withUnsafeBufferPointer { buf in
            sections = sectionDetector.detect(buf)
            tokens.reserveCapacity(buf.count / 4 + 8)
            norm.reserveCapacity(buf.count + 16)
            tokenizer.tokenize(buf, tokens: &tokens, norm: &norm)
            sentences = sentenceSplitter.split(buf, tokens: tokens, sections: sections)
        }
        doc.setTokens(tokens, normStorage: norm)
        doc.sections = sections
        doc.sentences = sentences
        return doc
    }
}
