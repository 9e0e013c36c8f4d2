import NoteMinerModel
import NoteMinerProfiles

/// The ConText assertions an annotator can set on a span. Always iterated through `allCases`, so the order in
/// every file is fixed whatever set a span holds.
public enum ContextAttribute: String, CaseIterable, Sendable, Hashable, Codable {
    case negated, possible, historical, hypothetical, family

    /// The brat / BioC spelling (`Negated`, ...), capitalised like brat types.
    public var displayName: String {
        switch self {
        case .negated: return "Negated"
        case .possible: return "Possible"
        case .historical: return "Historical"
        case .hypothetical: return "Hypothetical"
        case .family: return "Family"
        }
    }

    public init?(displayName: String) {
        guard let a = Self.allCases.first(where: { $0.displayName == displayName || $0.rawValue == displayName }) else { return nil }
        self = a
    }
}

/// Entity labels used in every export. Labels read back from a corrected file may be anything the annotator's
/// configuration allows; evaluation compares labels as strings.
public enum EntityLabel {
    public static let condition = "Condition"
    public static let drug = "Drug"
    public static let adverseEffect = "AdverseEffect"
    /// The relation type linking a drug (head, brat Arg1) to its adverse effect (child, brat Arg2).
    public static let adr = "ADR"

    public static func label(forCategory category: String) -> String {
        switch category {
        case "drug": return drug
        case "adverse_effect": return adverseEffect
        case "condition": return condition
        default: return category
        }
    }
}

/// One labelled span. Offsets are Unicode code points into the document text, half-open, the unit brat and
/// spaCy use (Python string indices) and the one NoteMiner outputs everywhere.
public struct AnnotatedSpan: Sendable, Hashable {
    public var begin: Int
    public var end: Int
    public var label: String
    public var attributes: Set<ContextAttribute>
    public var conceptID: String?
    public var preferredName: String?
    /// `SYSTEM:CODE`, e.g. `ICD-10-CM:I50.9`, in the order the lexicon gives them.
    public var codes: [String]

    public init(begin: Int, end: Int, label: String, attributes: Set<ContextAttribute> = [], conceptID: String? = nil,
                preferredName: String? = nil, codes: [String] = []) {
        self.begin = begin
        self.end = end
        self.label = label
        self.attributes = attributes
        self.conceptID = conceptID
        self.preferredName = preferredName
        self.codes = codes
    }

    func overlap(with other: AnnotatedSpan) -> Int { max(0, min(end, other.end) - max(begin, other.begin)) }

    static func canonicalOrder(_ a: AnnotatedSpan, _ b: AnnotatedSpan) -> Bool {
        if a.begin != b.begin { return a.begin < b.begin }
        if a.end != b.end { return a.end < b.end }
        if a.label != b.label { return a.label < b.label }
        if (a.conceptID ?? "") != (b.conceptID ?? "") { return (a.conceptID ?? "") < (b.conceptID ?? "") }
        return a.attributeBits < b.attributeBits
    }

    /// The attributes as bits in `allCases` order, for a cheap total order.
    var attributeBits: Int {
        var bits = 0
        for (i, a) in ContextAttribute.allCases.enumerated() where attributes.contains(a) { bits |= 1 << i }
        return bits
    }
}

/// A directed link between two spans of the same document, by index into `spans`.
public struct AnnotatedRelation: Sendable, Hashable {
    public var label: String
    public var head: Int
    public var child: Int
    public init(label: String, head: Int, child: Int) {
        self.label = label
        self.head = head
        self.child = child
    }
}

/// One note with its labelled spans and relations: what every format reads into and writes from.
///
/// Spans are kept in one canonical order (begin, end, label, concept, attributes) and relations by (head,
/// child, label), so a file written from a document read back from a file NoteMiner wrote is byte-identical.
public struct AnnotatedDocument: Sendable, Hashable {
    public var id: String
    public var text: String
    public private(set) var spans: [AnnotatedSpan]
    public private(set) var relations: [AnnotatedRelation]

    public init(id: String, text: String, spans: [AnnotatedSpan], relations: [AnnotatedRelation] = []) {
        self.id = id
        self.text = text
        let order = spans.indices.sorted { AnnotatedSpan.canonicalOrder(spans[$0], spans[$1]) || (spans[$0] == spans[$1] && $0 < $1) }
        var newIndex = [Int](repeating: 0, count: spans.count)
        for (n, old) in order.enumerated() { newIndex[old] = n }
        self.spans = order.map { spans[$0] }
        var seen = Set<AnnotatedRelation>()
        var rels: [AnnotatedRelation] = []
        for r in relations where spans.indices.contains(r.head) && spans.indices.contains(r.child) {
            let mapped = AnnotatedRelation(label: r.label, head: newIndex[r.head], child: newIndex[r.child])
            if seen.insert(mapped).inserted { rels.append(mapped) }
        }
        self.relations = rels.sorted { ($0.head, $0.child, $0.label) < ($1.head, $1.child, $1.label) }
    }

    /// Pre-annotations from a pipeline result: every mention becomes a span, every ADR drug–effect pair a
    /// relation between the drug and effect mentions of the flagged sentence it names.
    public init(text: String, result: NoteResult) {
        let spans = result.mentions.map { m in
            var attributes = Set<ContextAttribute>()
            if m.negated { attributes.insert(.negated) }
            if m.possible { attributes.insert(.possible) }
            if m.historical { attributes.insert(.historical) }
            if m.hypothetical { attributes.insert(.hypothetical) }
            if m.family { attributes.insert(.family) }
            return AnnotatedSpan(begin: m.begin, end: m.end, label: EntityLabel.label(forCategory: m.category), attributes: attributes,
                                 conceptID: m.conceptID, preferredName: m.preferredName,
                                 codes: m.codes.map { "\($0.system):\($0.code)" })
        }
        var relations: [AnnotatedRelation] = []
        for sentence in result.adrSentences {
            for pair in sentence.pairs {
                // Pairs are strings today; when they carry mention offsets, pass them as `span:` to link exactly.
                guard let drug = ADRPairLinker.mention(named: pair.drug, in: result.mentions, sentence: sentence, categories: ["drug"]),
                      let effect = ADRPairLinker.mention(named: pair.effect, in: result.mentions, sentence: sentence,
                                                         categories: ["adverse_effect", "condition"])
                else { continue }
                relations.append(AnnotatedRelation(label: EntityLabel.adr, head: drug, child: effect))
            }
        }
        self.init(id: result.noteID, text: text, spans: spans, relations: relations)
    }

    /// The text of a span, sliced by code points.
    public func text(of span: AnnotatedSpan) -> String {
        Self.slice(Array(text.unicodeScalars), span.begin, span.end)
    }

    static func slice(_ scalars: [Unicode.Scalar], _ begin: Int, _ end: Int) -> String {
        var s = String.UnicodeScalarView()
        let lo = max(0, min(begin, scalars.count)), hi = max(lo, min(end, scalars.count))
        s.append(contentsOf: scalars[lo..<hi])
        return String(s)
    }
}

/// Ties an ADR pair to mentions of the flagged sentence. When the pair carries the code point span of its
/// drug or effect, the mention with exactly that span wins, then the mention overlapping it most. Otherwise
/// (pairs as strings, from the classifier's own extractor rather than the lexicon matcher) the link is by
/// text: exact, case-insensitive; then preferred name; then one containing the other. First match by position.
enum ADRPairLinker {
    static func mention(named name: String, span: Range<Int>? = nil, in mentions: [MentionRecord], sentence: ADRSentenceRecord,
                        categories: Set<String>) -> Int? {
        let candidates = mentions.indices.filter {
            let m = mentions[$0]
            return categories.contains(m.category) && m.begin >= sentence.begin && m.end <= sentence.end
        }
        if let span {
            if let exact = candidates.first(where: { mentions[$0].begin == span.lowerBound && mentions[$0].end == span.upperBound }) { return exact }
            let overlapping = candidates.map { ($0, min(mentions[$0].end, span.upperBound) - max(mentions[$0].begin, span.lowerBound)) }
                .filter { $0.1 > 0 }
            if let best = overlapping.max(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 > $1.0) }) { return best.0 }
        }
        let wanted = name.lowercased()
        let tests: [(MentionRecord) -> Bool] = [
            { $0.text.lowercased() == wanted },
            { $0.preferredName.lowercased() == wanted },
            { $0.text.lowercased().contains(wanted) || wanted.contains($0.text.lowercased()) },
        ]
        for test in tests {
            if let i = candidates.first(where: { test(mentions[$0]) }) { return i }
        }
        return nil
    }
}

/// A problem in an annotation file: the file, the line when known, and the reason.
public struct AnnotationError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var reason: String
    public init(file: String, line: Int? = nil, _ reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}
