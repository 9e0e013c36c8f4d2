import Foundation
import NoteMinerModel

/// All concepts of a run: the shipped lexicons plus any the user passes with `--lexicon <path>`, in one
/// indexable array. The schema is documented in `Lexicons/README.md`; user files use the same schema.
///
/// Merging: files are read in order and each may only add concepts; an id defined twice is an error naming
/// both places, because silently letting one definition win would change codes behind the user's back.
public struct ConceptLexicon: Sendable {
    public private(set) var concepts: [Concept]
    private var indexByID: [String: Int]

    /// A surface form to compile into the matcher, pointing back at its concept by index.
    public struct MatchTerm: Sendable, Hashable {
        public var text: String
        public var conceptIndex: Int
        public var kind: LexiconTerm.Kind
        public var isAbbreviation: Bool { kind == .abbreviation }
        public var isAmbiguous: Bool
        public var isCaseSensitive: Bool
        public var preferredSections: [SectionCategory]
    }

    /// File names of the shipped lexicons inside the `Lexicons/` directory, in load order.
    public static let defaultFileNames = ["conditions.tsv", "drugs.tsv", "adverse_effects.tsv"]
    public static let schemaVersion = "1"

    public init(concepts: [Concept]) throws {
        self.concepts = []
        self.indexByID = [:]
        for c in concepts { try add(c) }
    }

    public var count: Int { concepts.count }

    public func index(of id: String) -> Int? { indexByID[id] }

    public subscript(id id: String) -> Concept? { indexByID[id].map { concepts[$0] } }

    /// Every term of every concept, in concept order then term order (deterministic, so the compiled matcher
    /// and therefore tie-breaking are the same on every run).
    public func matchingTerms() -> [MatchTerm] {
        var out: [MatchTerm] = []
        out.reserveCapacity(concepts.count * 6)
        for (i, c) in concepts.enumerated() {
            for t in c.terms {
                out.append(MatchTerm(text: t.text, conceptIndex: i, kind: t.kind, isAmbiguous: t.isAmbiguous,
                                     isCaseSensitive: t.isCaseSensitive, preferredSections: t.preferredSections))
            }
        }
        return out
    }

    /// Paths of the shipped lexicons in `directory`.
    public static func defaultPaths(in directory: String) -> [String] {
        defaultFileNames.map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Loads lexicon files in order. With `codeSet`, every ICD-10-CM code must be in it and gets its display.
    public static func load(paths: [String], codeSet: ICD10CMCodeSet? = nil) throws -> ConceptLexicon {
        var lexicon = try ConceptLexicon(concepts: [])
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DataFileError(file: path, message: "cannot read file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw DataFileError(file: path, message: "file is not valid UTF-8")
            }
            for concept in try LexiconFileParser.parse(text: text, path: path, codeSet: codeSet) {
                try lexicon.add(concept)
            }
        }
        return lexicon
    }

    /// Parses one lexicon file given as text (for tests and for callers that embed lexicons).
    public static func parse(text: String, path: String, codeSet: ICD10CMCodeSet? = nil) throws -> [Concept] {
        try LexiconFileParser.parse(text: text, path: path, codeSet: codeSet)
    }

    private mutating func add(_ concept: Concept) throws {
        if let existing = indexByID[concept.id] {
            let (file, line) = Self.split(concept.source)
            throw DataFileError(file: file, line: line,
                                message: "duplicate concept id '\(concept.id)' (first defined at \(concepts[existing].source))")
        }
        indexByID[concept.id] = concepts.count
        concepts.append(concept)
    }

    private static func split(_ source: String) -> (String, Int?) {
        guard let colon = source.lastIndex(of: ":"), let line = Int(source[source.index(after: colon)...]) else {
            return (source, nil)
        }
        return (String(source[..<colon]), line)
    }
}

/// The three file kinds share one parser; each kind has its own closed column set.
enum LexiconFileParser {
    static let commonColumns: Set<String> = ["id", "preferred_name", "synonyms", "abbreviations", "ambiguous", "note"]

    static func columns(for category: ConceptCategory) -> Set<String> {
        switch category {
        case .condition: return commonColumns.union(["icd10cm", "risk_factor", "polarity"])
        case .adverseEffect: return commonColumns.union(["icd10cm"])
        case .drug: return commonColumns.union(["brands", "id_system", "code", "other_codes", "drug_class"])
        }
    }

    static let required: Set<String> = ["id", "preferred_name"]

    /// The file kind: the `# category:` comment if present, else the file name (conditions…, drugs…,
    /// adverse_effects…), so a user's `my_drugs.tsv` works without the comment.
    static func category(metadata: [String: String], path: String) throws -> ConceptCategory {
        if let declared = metadata["category"] {
            guard let c = ConceptCategory(rawValue: declared) else {
                throw DataFileError(file: path, message: "unknown category '\(declared)'; allowed: \(ConceptCategory.allIDs.joined(separator: ", "))")
            }
            return c
        }
        let name = (path as NSString).lastPathComponent.lowercased()
        if name.contains("adverse") { return .adverseEffect }
        if name.contains("condition") { return .condition }
        if name.contains("drug") { return .drug }
        throw DataFileError(file: path, message: "cannot tell the lexicon kind: add a '# category: condition|drug|adverse_effect' line before the header")
    }

    /// `# key: value` lines before the header (the same rule `TSVFile` applies), read first because the
    /// category decides which columns are allowed.
    static func leadingMetadata(_ text: String) -> [String: String] {
        var metadata: [String: String] = [:]
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let l = line.hasSuffix("\r") ? line.dropLast() : Substring(line)
            if l.trimmingWhitespace().isEmpty { continue }
            guard l.hasPrefix("#") else { break }
            if let colon = l.firstIndex(of: ":") {
                let key = l[l.index(after: l.startIndex)..<colon].trimmingWhitespace()
                if !key.isEmpty, !key.contains(" ") {
                    metadata[key] = l[l.index(after: colon)...].trimmingWhitespace()
                }
            }
        }
        return metadata
    }

    static func list(_ field: String) -> [String] {
        field.split(separator: "|").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    static func parse(text: String, path: String, codeSet: ICD10CMCodeSet?) throws -> [Concept] {
        let metadata = leadingMetadata(text)
        guard let version = metadata["schema_version"] else {
            throw DataFileError(file: path, message: "missing '# schema_version: \(ConceptLexicon.schemaVersion)' line before the header")
        }
        guard version == ConceptLexicon.schemaVersion else {
            throw DataFileError(file: path, message: "unsupported schema_version \(version); this NoteMiner reads \(ConceptLexicon.schemaVersion)")
        }
        let category = try category(metadata: metadata, path: path)
        let file = try TSVFile.parse(text: text, path: path, allowed: columns(for: category), required: required)
        var concepts: [Concept] = []
        concepts.reserveCapacity(file.rows.count)
        for row in file.rows {
            concepts.append(try concept(row: row, category: category, path: path, codeSet: codeSet))
        }
        return concepts
    }

    static func concept(row: TSVFile.Row, category: ConceptCategory, path: String, codeSet: ICD10CMCodeSet?) throws -> Concept {
        func fail(_ message: String) -> DataFileError { DataFileError(file: path, line: row.line, message: message) }
        let id = row["id"]
        if id.contains(where: { $0 == " " || $0 == "|" }) { throw fail("concept id '\(id)' must not contain spaces or '|'") }

        var terms: [LexiconTerm] = []
        var seen: [String: Int] = [:]
        func addTerm(_ text: String, _ kind: LexiconTerm.Kind) throws {
            if text.contains("@") { throw fail("term '\(text)' must not contain '@'") }
            let key = text.lowercased()
            if let i = seen[key] {
                // An abbreviation listed again as a synonym keeps its abbreviation status (it drives case rules).
                if kind == .abbreviation, terms[i].kind != .preferred { terms[i].kind = .abbreviation }
                return
            }
            seen[key] = terms.count
            terms.append(LexiconTerm(text: text, kind: kind))
        }
        try addTerm(row["preferred_name"], .preferred)
        for s in list(row["synonyms"]) { try addTerm(s, .synonym) }
        for s in list(row["brands"]) { try addTerm(s, .brand) }
        for s in list(row["abbreviations"]) { try addTerm(s, .abbreviation) }

        for entry in list(row["ambiguous"]) {
            var termText = entry
            var sections: [SectionCategory] = []
            if let at = entry.firstIndex(of: "@") {
                termText = entry[..<at].trimmingWhitespace()
                for s in entry[entry.index(after: at)...].split(separator: ",") {
                    let sid = s.trimmingWhitespace()
                    guard let sc = SectionCategory(rawValue: sid) else {
                        throw fail("unknown section '\(sid)' in ambiguous entry '\(entry)'; allowed: \(SectionCategory.allIDs.joined(separator: ", "))")
                    }
                    sections.append(sc)
                }
            }
            guard let i = seen[termText.lowercased()] else {
                throw fail("ambiguous term '\(termText)' is not one of the concept's names, synonyms, brands or abbreviations")
            }
            terms[i].isAmbiguous = true
            terms[i].preferredSections = sections
        }

        var codes: [Coding] = []
        func addCode(_ system: CodeSystem, _ code: String) throws {
            if let problem = system.syntaxProblem(code) { throw fail(problem) }
            var display: String? = nil
            if system == .icd10cm, let codeSet {
                guard codeSet.contains(code) else { throw fail("ICD-10-CM code \(code) is not in the code set") }
                display = codeSet.display(code)
            }
            if !codes.contains(where: { $0.system == system.rawValue && $0.code == code }) {
                codes.append(Coding(system: system.rawValue, code: code, display: display))
            }
        }
        func system(_ name: String) throws -> CodeSystem {
            guard let s = CodeSystem(rawValue: name) else {
                throw fail("unknown code system '\(name)'; allowed: \(CodeSystem.allIDs.joined(separator: ", "))")
            }
            return s
        }
        for code in list(row["icd10cm"]) { try addCode(.icd10cm, code) }
        let idSystem = row["id_system"], code = row["code"]
        if idSystem.isEmpty != code.isEmpty { throw fail("id_system and code must be given together") }
        if !code.isEmpty { try addCode(try system(idSystem), code) }
        for entry in list(row["other_codes"]) {
            guard let colon = entry.firstIndex(of: ":") else { throw fail("other_codes entry '\(entry)' must be SYSTEM:code") }
            try addCode(try system(String(entry[..<colon])), String(entry[entry.index(after: colon)...]))
        }

        var risk: RiskFactor? = nil
        let riskText = row["risk_factor"]
        if !riskText.isEmpty {
            guard let r = RiskFactor(rawValue: riskText) else {
                throw fail("unknown risk factor '\(riskText)'; allowed: \(RiskFactor.allIDs.joined(separator: ", "))")
            }
            risk = r
        }
        let drugClass = row["drug_class"]
        var concept = Concept(id: id, preferredName: row["preferred_name"], category: category, terms: terms, codes: codes,
                              riskFactor: risk, drugClass: drugClass.isEmpty ? nil : drugClass, source: "\(path):\(row.line)")
        switch row["polarity"] {
        case "", "affirms": break
        case "denies":
            guard risk != nil else { throw fail("polarity 'denies' needs a risk_factor: it says which risk factor the words deny") }
            concept.deniesRiskFactor = true
        case let other:
            throw fail("unknown polarity '\(other)'; allowed: affirms, denies")
        }
        return concept
    }
}
