import NoteMinerModel

/// The assertion attributes ConText decides for each mention. Raw values appear in outputs and rule files.
public enum AssertionAttribute: String, Sendable, CaseIterable, Hashable {
    case negated, possible, historical, hypothetical, family
}

/// What a rule literal is: a trigger for one attribute, a pseudo-trigger (a phrase that contains a trigger
/// but does not assert anything, matched so the trigger inside it is not), or a termination term.
public enum ContextCategory: String, Sendable, CaseIterable, Hashable {
    case negated, possible, historical, hypothetical, family, pseudo, termination

    public var attribute: AssertionAttribute? { AssertionAttribute(rawValue: rawValue) }
}

/// Which way a trigger's scope runs from the trigger, in tokens of its sentence.
public enum ContextDirection: String, Sendable, CaseIterable, Hashable {
    case forward, backward, bidirectional, terminate, pseudo
}

/// One line of `context_rules.jsonl` (schema in Lexicons/README.md).
public struct ContextRule: Sendable, Hashable {
    public var literal: String
    public var category: ContextCategory
    public var direction: ContextDirection
    /// Scope limit in tokens (newlines not counted); nil = to the sentence end or a termination term.
    public var maxScope: Int?
    /// Match the literal's exact case (for short all-caps abbreviations).
    public var caseSensitive: Bool
    /// The trigger counts only when nothing but punctuation follows it before the end of its sentence or
    /// line ("Fever: No"), so the same words mid-sentence ("fever: no chills") do not fire backward.
    public var atBoundary: Bool
    /// For termination terms: the attributes whose scopes it ends (empty = all).
    public var terminates: Set<AssertionAttribute>
    /// Where the rule came from, for error messages and evidence (`file:line`).
    public var source: String

    public init(literal: String, category: ContextCategory, direction: ContextDirection, maxScope: Int? = nil,
                caseSensitive: Bool = false, atBoundary: Bool = false, terminates: Set<AssertionAttribute> = [],
                source: String = "") {
        self.literal = literal
        self.category = category
        self.direction = direction
        self.maxScope = maxScope
        self.caseSensitive = caseSensitive
        self.atBoundary = atBoundary
        self.terminates = terminates
        self.source = source
    }
}

/// What a section implies for the mentions inside it (one line of `section_rules.jsonl`).
public struct SectionRule: Sendable, Hashable {
    public enum Implication: String, Sendable, CaseIterable, Hashable {
        case negated, possible, historical, hypothetical, family
        /// The mention is named as an allergy (e.g. a drug in an ALLERGIES section): evidence, no flag.
        case allergy
    }

    public var section: SectionCategory
    public var implies: Implication?
    /// Phrases that cancel the implication for a sentence that contains one ("you were treated for").
    public var unless: [String]
    /// In this section, a forward negation trigger that ends its line ("Negative for:", "Denies:") scopes
    /// over the list lines that follow, until a line that starts a new "Label:" or the section ends.
    public var listScope: Bool
    public var source: String

    public init(section: SectionCategory, implies: Implication?, unless: [String] = [], listScope: Bool = false, source: String = "") {
        self.section = section
        self.implies = implies
        self.unless = unless
        self.listScope = listScope
        self.source = source
    }
}

/// Loading and checking the two rule files.
public enum ContextRuleFile {
    static let ruleKeys: Set<String> = ["literal", "category", "direction", "max_scope", "case_sensitive",
                                        "at_boundary", "terminates", "note"]
    static let sectionKeys: Set<String> = ["section", "implies", "unless", "list_scope", "note"]

    public static func loadRules(path: String) throws -> [ContextRule] {
        try parseRules(JSONLinesFile.load(path: path, allowedKeys: ruleKeys, requiredKeys: ["literal", "category", "direction"]), path: path)
    }

    public static func parseRules(text: String, path: String) throws -> [ContextRule] {
        try parseRules(JSONLinesFile.parse(text: text, path: path, allowedKeys: ruleKeys, requiredKeys: ["literal", "category", "direction"]), path: path)
    }

    static func parseRules(_ records: [JSONLinesFile.Record], path: String) throws -> [ContextRule] {
        var rules: [ContextRule] = []
        var seen: [String: Int] = [:]
        for r in records {
            func fail(_ m: String) -> DataFileError { DataFileError(file: path, line: r.line, message: m) }
            guard let literal = r.object["literal"] as? String, !literal.trimmingWhitespace().isEmpty else {
                throw fail("'literal' must be a non-empty string")
            }
            guard let c = r.object["category"] as? String, let category = ContextCategory(rawValue: c) else {
                throw fail("unknown category \(String(describing: r.object["category"]!)); allowed: \(ContextCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let d = r.object["direction"] as? String, let direction = ContextDirection(rawValue: d) else {
                throw fail("unknown direction \(String(describing: r.object["direction"]!)); allowed: \(ContextDirection.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            switch (category, direction) {
            case (.termination, .terminate), (.pseudo, .pseudo): break
            case (.termination, _): throw fail("category 'termination' needs direction 'terminate'")
            case (.pseudo, _): throw fail("category 'pseudo' needs direction 'pseudo'")
            case (_, .terminate), (_, .pseudo): throw fail("direction '\(d)' is only for category '\(d == "terminate" ? "termination" : "pseudo")'")
            default: break
            }
            var maxScope: Int? = nil
            if let v = r.object["max_scope"] {
                guard let n = v as? Int, n > 0, !(v is Bool) else { throw fail("'max_scope' must be a positive integer") }
                maxScope = n
            }
            func flag(_ key: String) throws -> Bool {
                guard let v = r.object[key] else { return false }
                guard let b = v as? Bool else { throw fail("'\(key)' must be true or false") }
                return b
            }
            var terminates: Set<AssertionAttribute> = []
            if let v = r.object["terminates"] {
                guard category == .termination else { throw fail("'terminates' is only for termination terms") }
                guard let list = v as? [String] else { throw fail("'terminates' must be a list of attributes") }
                for s in list {
                    guard let a = AssertionAttribute(rawValue: s) else {
                        throw fail("unknown attribute '\(s)' in 'terminates'; allowed: \(AssertionAttribute.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    terminates.insert(a)
                }
            }
            if let n = r.object["note"], !(n is String) { throw fail("'note' must be a string") }
            let key = "\(literal.lowercased())\t\(category.rawValue)\t\(direction.rawValue)"
            if let first = seen[key] { throw fail("duplicate rule (same literal, category and direction as line \(first))") }
            seen[key] = r.line
            rules.append(ContextRule(literal: literal, category: category, direction: direction, maxScope: maxScope,
                                     caseSensitive: try flag("case_sensitive"), atBoundary: try flag("at_boundary"),
                                     terminates: terminates, source: "\(path):\(r.line)"))
        }
        return rules
    }

    public static func loadSectionRules(path: String) throws -> [SectionRule] {
        try parseSectionRules(JSONLinesFile.load(path: path, allowedKeys: sectionKeys, requiredKeys: ["section"]), path: path)
    }

    public static func parseSectionRules(text: String, path: String) throws -> [SectionRule] {
        try parseSectionRules(JSONLinesFile.parse(text: text, path: path, allowedKeys: sectionKeys, requiredKeys: ["section"]), path: path)
    }

    static func parseSectionRules(_ records: [JSONLinesFile.Record], path: String) throws -> [SectionRule] {
        var out: [SectionRule] = []
        var seen: [SectionCategory: Int] = [:]
        for r in records {
            func fail(_ m: String) -> DataFileError { DataFileError(file: path, line: r.line, message: m) }
            guard let s = r.object["section"] as? String, let section = SectionCategory(rawValue: s) else {
                throw fail("unknown section category \(String(describing: r.object["section"]!)); allowed: \(SectionCategory.allIDs.joined(separator: ", "))")
            }
            var implies: SectionRule.Implication? = nil
            if let v = r.object["implies"] {
                guard let i = v as? String, let imp = SectionRule.Implication(rawValue: i) else {
                    throw fail("unknown implication \(String(describing: v)); allowed: \(SectionRule.Implication.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                implies = imp
            }
            var unless: [String] = []
            if let v = r.object["unless"] {
                guard let list = v as? [String], list.allSatisfy({ !$0.isEmpty }) else { throw fail("'unless' must be a list of phrases") }
                unless = list
            }
            var listScope = false
            if let v = r.object["list_scope"] {
                guard let b = v as? Bool else { throw fail("'list_scope' must be true or false") }
                listScope = b
            }
            if implies == nil && !listScope { throw fail("a section rule needs 'implies' or 'list_scope'") }
            if let n = r.object["note"], !(n is String) { throw fail("'note' must be a string") }
            if let first = seen[section] { throw fail("duplicate rule for section '\(s)' (first at line \(first))") }
            seen[section] = r.line
            out.append(SectionRule(section: section, implies: implies, unless: unless, listScope: listScope, source: "\(path):\(r.line)"))
        }
        return out
    }
}
