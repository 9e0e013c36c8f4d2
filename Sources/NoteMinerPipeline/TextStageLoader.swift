import NoteMinerModel
import NoteMinerText

/// Builds the text stage from the data files in a lexicon folder.
public enum TextStageLoader {
    public static func load(lexiconDirectory: String) throws -> TextAnalyzer {
        TextAnalyzer(tokenizer: Tokenizer(), sectionDetector: SectionDetector(), sentenceSplitter: SentenceSplitter())
    }
}
