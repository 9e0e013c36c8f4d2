import NoteMinerModel
import NoteMinerText

/// Builds the text stage from the data files in a lexicon folder.
public enum TextStageLoader {
    public static func load(lexiconDirectory: String) throws -> TextAnalyzer {
        let sections = try SectionHeaderLexicon.load(path: lexiconDirectory + "/sections.tsv")
        let abbreviations = try AbbreviationTable.load(path: lexiconDirectory + "/abbreviations.tsv")
        return TextAnalyzer(tokenizer: Tokenizer(abbreviations: abbreviations),
                            sectionDetector: SectionDetector(lexicon: sections),
                            sentenceSplitter: SentenceSplitter(abbreviations: abbreviations))
    }
}
