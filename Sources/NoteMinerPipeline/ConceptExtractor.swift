import Foundation
import NoteMinerContext
import NoteMinerLexicon
import NoteMinerModel
import NoteMinerProfiles
import NoteMinerText

/// A mention as `extract` reports it: the result record plus the ambiguity flag of the match.
public struct ExtractedMention: Sendable, Hashable {
    public var record: MentionRecord
    /// The matched words are ambiguous and the section did not settle them (see `ConceptMatcher`).
    public var ambiguous: Bool
    /// Ids of the other concepts the same words name.
    public var alternatives: [String]
    /// UTF-8 byte range in the note, for later stages that work on the document (ADR pairing).
    public var utf8Begin: Int = 0
    public var utf8End: Int = 0

    /// The record as per-note results carry it, with the ambiguity settled into it.
    public var resultRecord: MentionRecord {
        var r = record
        r.ambiguous = ambiguous
        r.alternatives = ambiguous ? alternatives : []
        return r
    }
}

/// A note's mentions as per-note results carry them (ambiguity settled into each record), with each one's UTF-8
/// byte range in the note beside it: the batch pipeline hands `records` on as they are, where building
/// `ExtractedMention`s and copying their records out again cost a copy of every mention.
public struct ExtractedRecords: Sendable {
    public var records: [MentionRecord] = []
    public var utf8Ranges: [Range<Int>] = []
    public init() {}
}

/// Concept extraction with assertions: text stage → lexicon matching → ConText. Requires: a note. Adds:
/// mentions with codes, section, sentence, the five assertion flags and their evidence.
/// Compiled once per run from the lexicon folder; `Sendable`, so every worker shares one.
public struct ConceptExtractor: Sendable {
    public let text: TextAnalyzer
    public let concepts: ConceptMatcher
    public let context: ContextEngine
    /// Each concept's codes as result records, built once: every mention of a concept then shares one array
    /// instead of allocating its own (a dense note has a mention every ~50 bytes).
    private let codingRecords: [[CodingRecord]]
    /// The concept members of the records this extractor makes, serialized once (see `NoteResult.jsonLine`).
    public let conceptMembers: ConceptMembersJSON

    public init(text: TextAnalyzer, concepts: ConceptMatcher, context: ContextEngine) {
        self.text = text
        self.concepts = concepts
        self.context = context
        let codingRecords = concepts.lexicon.concepts.map { c in c.codes.map { CodingRecord(system: $0.system, code: $0.code) } }
        self.codingRecords = codingRecords
        conceptMembers = ConceptMembersJSON(concepts: zip(concepts.lexicon.concepts, codingRecords).map { c, codes in
            (c.id, c.preferredName, c.category.rawValue, codes, c.riskFactor?.rawValue)
        })
    }

    /// Loads the shipped lexicons found in `lexiconDirectory` (`conditions.tsv`, `drugs.tsv`,
    /// `adverse_effects.tsv`), the ConText
    /// rules, and the user's extra files: a `.jsonl` file adds ConText rules, any other file adds concepts.
    public static func load(lexiconDirectory: String, extraLexicons: [String] = []) throws -> ConceptExtractor {
        let fm = FileManager.default
        let text = try TextStageLoader.load(lexiconDirectory: lexiconDirectory)
        // The ICD-10-CM table (~100k rows) is not loaded per run: reading it costs more than a second, and the
        // shipped lexicons are checked against it by the lexicon tests. Codes are still syntax-checked on load.
        var conceptPaths = ConceptLexicon.defaultPaths(in: lexiconDirectory).filter { fm.fileExists(atPath: $0) }
        var rules = try ContextRuleFile.loadRules(path: lexiconDirectory + "/context_rules.jsonl")
        for path in extraLexicons {
            guard fm.fileExists(atPath: path) else { throw DataFileError(file: path, message: "lexicon file not found") }
            if path.hasSuffix(".jsonl") {
                rules += try ContextRuleFile.loadRules(path: path)
            } else {
                conceptPaths.append(path)
            }
        }
        let lexicon = try ConceptLexicon.load(paths: conceptPaths)
        let sectionsPath = lexiconDirectory + "/section_rules.jsonl"
        let sectionRules = fm.fileExists(atPath: sectionsPath) ? try ContextRuleFile.loadSectionRules(path: sectionsPath) : []
        return ConceptExtractor(text: text, concepts: ConceptMatcher(lexicon: lexicon, tokenizer: text.tokenizer),
                                context: ContextEngine(rules: rules, sectionRules: sectionRules, tokenizer: text.tokenizer))
    }

    /// Mentions of an analyzed document, in text order.
    public func extract(_ doc: Document) -> [ExtractedMention] {
        let found = extractRecords(doc)
        return zip(found.records, found.utf8Ranges).map { r, range in
            var record = r
            record.ambiguous = false
            record.alternatives = []
            return ExtractedMention(record: record, ambiguous: r.ambiguous, alternatives: r.alternatives,
                                    utf8Begin: range.lowerBound, utf8End: range.upperBound)
        }
    }

    /// Mentions of an analyzed document, in text order, as result records (see `ExtractedRecords`).
    public func extractRecords(_ doc: Document) -> ExtractedRecords {
        var buffer = PhraseMatches()
        buffer.reserve(matches: 64, tokens: 256)
        let found = concepts.mentions(in: doc, buffer: &buffer)
        var out = ExtractedRecords()
        if found.isEmpty { return out }
        let lexicon = concepts.lexicon
        out.utf8Ranges.reserveCapacity(found.count)
        // ConText judges each target on its own, so assertions are made and turned into records a block at a time:
        // on a note with a million mentions, holding every assertion at once was a third of the run's peak memory.
        var blockStart = 0
        // One record per mention found, each made in its place in the array: appended, every record was copied
        // into the array and the original then destroyed (its strings and arrays retained and released).
        let blank = MentionRecord(begin: 0, end: 0, text: "", conceptID: "", preferredName: "", category: "")
        out.records = [MentionRecord](unsafeUninitializedCapacity: found.count) { records, initialized in
            // Concepts are read in place: copying one (its strings and arrays retained, then released) per mention
            // was a visible share of building the records.
            lexicon.concepts.withUnsafeBufferPointer { concepts in
                while blockStart < found.count {
                    let block = found[blockStart..<min(found.count, blockStart + max(1, assertionBlock))]
                    blockStart = block.endIndex
                    let assertions = context.assess(doc, targets: block.map { ContextTarget(tokenBegin: $0.tokenBegin, tokenEnd: $0.tokenEnd, sentence: $0.sentence) })
                    for (m, a) in zip(block, assertions) {
                        let concept = concepts.baseAddress! + Int(m.concept)
                        let b = Int(doc.tokens[Int(m.tokenBegin)].utf8Begin), e = Int(doc.tokens[Int(m.tokenEnd) - 1].utf8End)
                        let cp = doc.codePointRange(b..<e)
                        let section = doc.sectionIndex(containing: b).map { doc.sections[$0].category.rawValue } ?? SectionCategory.other.rawValue
                        let evidence = a.evidence.map { ev -> EvidenceRecord in
                            let r = doc.codePointRange(Int(ev.utf8Begin)..<Int(ev.utf8End))
                            return EvidenceRecord(attribute: ev.attribute, trigger: doc.text(Int(ev.utf8Begin)..<Int(ev.utf8End)), begin: r.lowerBound, end: r.upperBound)
                        }
                        // Filled in field by field: the initializer builds a record in a temporary and returns a
                        // copy of it (the compiler does not move it), which retained and released every string.
                        let record = records.baseAddress! + initialized
                        record.initialize(to: blank)
                        initialized += 1
                        record.pointee.begin = cp.lowerBound
                        record.pointee.end = cp.upperBound
                        record.pointee.text = doc.text(b..<e)
                        record.pointee.conceptID = concept.pointee.id
                        record.pointee.preferredName = concept.pointee.preferredName
                        record.pointee.category = concept.pointee.category.rawValue
                        record.pointee.codes = codingRecords[Int(m.concept)]
                        record.pointee.riskFactor = concept.pointee.riskFactor?.rawValue
                        record.pointee.section = section
                        record.pointee.sentence = Int(m.sentence)
                        record.pointee.negated = a.negated
                        record.pointee.possible = a.possible
                        record.pointee.historical = a.historical
                        record.pointee.hypothetical = a.hypothetical
                        record.pointee.family = a.family
                        record.pointee.evidence = evidence
                        if concept.pointee.deniesRiskFactor {
                            // "never smoker": the words deny the risk factor; a negation around them ("not a non-smoker")
                            // undoes it.
                            record.pointee.negated.toggle()
                            record.pointee.evidence.append(EvidenceRecord(attribute: "negated", trigger: record.pointee.text,
                                                                          begin: record.pointee.begin, end: record.pointee.end))
                        }
                        if m.ambiguous {
                            record.pointee.ambiguous = true
                            record.pointee.alternatives = m.alternatives.map { concepts[Int($0)].id }
                        }
                        out.utf8Ranges.append(b..<e)
                    }
                }
            }
        }
        return out
    }

    /// Targets judged per block (see `extract`); any size gives the same mentions.
    var assertionBlock = 4096

    public func process(_ note: Note, warnings: [NoteWarning] = []) -> (Document, [ExtractedMention]) {
        let doc = text.analyze(note, warnings: warnings)
        return (doc, extract(doc))
    }

    public func processRecords(_ note: Note, warnings: [NoteWarning] = []) -> (Document, ExtractedRecords) {
        let doc = text.analyze(note, warnings: warnings)
        return (doc, extractRecords(doc))
    }
}

/// The `extract` output formats.
public enum ExtractOutput {
    /// `{"note_id", "mentions": [...]}` and a newline; keys in the documented order. A mention whose words
    /// were left ambiguous also carries `"ambiguous": true` and `"alternatives": [concept ids]`.
    /// `adrSentences` nil leaves the key out (no ADR model). `concepts` (the extractor's `conceptMembers`) copies
    /// each mention's concept members from bytes serialized once; the line is the same with or without it.
    public static func jsonLine(noteID: String, mentions: [ExtractedMention], adrSentences: [ADRSentenceRecord]? = nil,
                                concepts: ConceptMembersJSON? = nil, into w: inout JSONWriter) {
        w.beginObject()
        w.field("note_id", noteID)
        w.key("mentions")
        NoteResult.writeMentions(mentions.map(\.resultRecord), into: &w, concepts: concepts)
        if let adrSentences {
            w.key("adr_sentences")
            NoteResult.writeADRSentences(adrSentences, into: &w)
        }
        w.endObject()
        w.newline()
    }

    public static let tsvHeader = "note_id\tbegin\tend\ttext\tconcept_id\tpreferred_name\tcategory\tcodes\trisk_factor\tsection\tsentence\tnegated\tpossible\thistorical\thypothetical\tfamily\tevidence\tambiguous\n"

    /// One flat row per mention. Lists are `;`-separated: codes as `system:code`, evidence as
    /// `attribute:trigger@begin-end`; ambiguous holds the alternative concept ids (or `true` when the other
    /// reading is not a concept), empty otherwise. Tabs and line breaks inside text become spaces.
    public static func tsvRows(noteID: String, mentions: [ExtractedMention]) -> String {
        func clean(_ s: String) -> String {
            String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
        }
        var out = ""
        for m in mentions {
            let r = m.record
            let fields: [String] = [
                clean(noteID), String(r.begin), String(r.end), clean(r.text), r.conceptID, clean(r.preferredName), r.category,
                r.codes.map { "\($0.system):\($0.code)" }.joined(separator: ";"), r.riskFactor ?? "", r.section, String(r.sentence),
                String(r.negated), String(r.possible), String(r.historical), String(r.hypothetical), String(r.family),
                r.evidence.map { "\($0.attribute):\(clean($0.trigger))@\($0.begin)-\($0.end)" }.joined(separator: ";"),
                m.ambiguous ? (m.alternatives.isEmpty ? "true" : m.alternatives.joined(separator: ";")) : "",
            ]
            out += fields.joined(separator: "\t") + "\n"
        }
        return out
    }
}
