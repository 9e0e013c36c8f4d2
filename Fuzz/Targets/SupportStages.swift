import Foundation
import NoteMinerADR
import NoteMinerContext
import NoteMinerLexicon
import NoteMinerModel
import NoteMinerText

/// The later stages as a run builds them (see `ConceptExtractor.load` and `ADRStage` in NoteMinerPipeline, which
/// the fuzz build does not compile: it would drag in the report and SQLite packages). Loaded on first use, so
/// targets that never touch them pay nothing.
let shippedConcepts: ConceptMatcher = {
    let paths = ConceptLexicon.defaultPaths(in: lexiconDirectory).filter { FileManager.default.fileExists(atPath: $0) }
    do {
        return ConceptMatcher(lexicon: try ConceptLexicon.load(paths: paths), tokenizer: shippedAnalyzer.tokenizer)
    } catch {
        FileHandle.standardError.write(Data("cannot load concept lexicons from \(lexiconDirectory): \(error)\n".utf8))
        exit(1)
    }
}()

let shippedContext: ContextEngine = {
    let sections = lexiconDirectory + "/section_rules.jsonl"
    do {
        return try ContextEngine.load(rulesPath: lexiconDirectory + "/context_rules.jsonl",
                                      sectionRulesPath: FileManager.default.fileExists(atPath: sections) ? sections : nil,
                                      tokenizer: shippedAnalyzer.tokenizer)
    } catch {
        FileHandle.standardError.write(Data("cannot load ConText rules from \(lexiconDirectory): \(error)\n".utf8))
        exit(1)
    }
}()

let shippedADRModel: ADRModel = {
    do {
        return try ADRModel.load(path: lexiconDirectory + "/models/adr.json")
    } catch {
        FileHandle.standardError.write(Data("cannot load the ADR model from \(lexiconDirectory)/models: \(error)\n".utf8))
        exit(1)
    }
}()

/// Matcher then ConText over an analyzed document, as `ConceptExtractor.extract` runs them.
func mentionsAndAssertions(_ doc: Document) -> ([ConceptMention], [Assertion]) {
    var buffer = PhraseMatches()
    let found = shippedConcepts.mentions(in: doc, buffer: &buffer)
    let assertions = shippedContext.assess(doc, targets: found.map { ContextTarget(tokenBegin: $0.tokenBegin, tokenEnd: $0.tokenEnd, sentence: $0.sentence) })
    return (found, assertions)
}
