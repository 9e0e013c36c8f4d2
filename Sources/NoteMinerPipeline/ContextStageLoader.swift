import Foundation
import NoteMinerContext
import NoteMinerText

/// Builds the ConText stage from `context_rules.jsonl` and `section_rules.jsonl` in a lexicon folder.
public enum ContextStageLoader {
    public static func load(lexiconDirectory: String, tokenizer: Tokenizer) throws -> ContextEngine {
        let sections = lexiconDirectory + "/section_rules.jsonl"
        return try ContextEngine.load(rulesPath: lexiconDirectory + "/context_rules.jsonl",
                                      sectionRulesPath: FileManager.default.fileExists(atPath: sections) ? sections : nil,
                                      tokenizer: tokenizer)
    }
}
