import Foundation
import Mustache
import NoteMinerModel
import NoteMinerProfiles

/// `report.html`: one self-contained page (inline CSS and JS, nothing fetched) rendered from
/// `Reports/report.mustache`.
///
/// Every value from a note goes through Mustache's escaped `{{ }}` (`<`, `>`, `&`, `"`, `'`), except the
/// highlighted evidence, `{{{highlighted}}}`: a `SafeHTML` value, which can only be made from highlight runs,
/// whose text it escapes, and its own `<mark>` tags. The loader refuses a template that prints anything else
/// unescaped or changes the tag delimiters (`HTMLEscaping.template`), so note text can never become markup, in
/// this template or a user's. Writing the marks in code rather than as Mustache sections per run (four tag lookups
/// each, ~70,000 runs on a big run's page) took the page's thread from 0.93 to 0.53 CPU-s for 10,000 notes.
///
/// The escaping is this module's (`HTMLEscaping`, put in force by a pragma in front of whatever template is
/// loaded), not the library's: the library compares whole characters, so a quote or `<` followed by a combining
/// mark (`"\u{301}`) is one character that matches nothing and went out unescaped, which let a patient id close
/// the attribute it sits in. Escaping bytes also made rendering the page several times cheaper.
///
/// Evidence sentences: result records carry mention and ConText trigger offsets (code points into the note) but
/// not the sentence text. When the caller passes `noteText` (note id → original text), a snippet is cut around the
/// concept and its triggers, widened to the nearest sentence end (`.`, `!`, `?` before a space, or a line break)
/// up to 160 code points each way, and the concept and triggers are highlighted inside it. Without texts (or
/// when redacting), the page shows only the matched words themselves: the concept span and each trigger word with
/// its ConText attribute. ADR sentences carry their own text, so they are always shown, with the drug and effect
/// mentions that fall inside them highlighted.
///
/// Large runs: at most `maxPatientCards` profile cards and `maxADRRows` ADR rows are rendered (the page says how
/// many were left out); all of them are in `profiles.jsonl` and `results.sqlite`.
public struct HTMLReportWriter: Sendable {
    public var template: MustacheTemplate
    public var maxPatientCards = 200
    public var maxADRRows = 2000
    /// Evidence snippets shown per finding in a card.
    public var evidencePerFinding = 2

    public init(template: MustacheTemplate) { self.template = template }

    /// Loads `report.mustache` from `directory` (see `ReportTemplate.locate`).
    public init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("report.mustache")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError(path: path, reason: "cannot read the report template")
        }
        do {
            self.template = try HTMLEscaping.template(String(decoding: data, as: UTF8.self))
        } catch {
            throw ReportError(path: path, reason: "bad template: \(error)")
        }
    }

    public func render(notes: [NoteResult], profiles: [PatientProfile], run: RunInfo,
                       noteText: (@Sendable (String) -> String?)? = nil) -> String {
        let ctx = ReportContext(writer: self, notes: notes, profiles: profiles, run: run, noteText: noteText)
        return template.render(ctx.build())
    }
}

/// One object of the template's context: names and values in the order given, looked up by a linear scan.
///
/// swift-mustache resolves every `{{name}}` through `MustacheParent`. A `[String: Any]` hashed the name and
/// went through a generic conditional conformance on each of the ~500,000 lookups a big run's page makes; these
/// objects hold at most a dozen short names, which compare faster than they hash.
struct ReportNode: MustacheParent {
    private var names: [String]
    private var values: [Any]

    init(_ pairs: KeyValuePairs<String, Any>) {
        names = pairs.map(\.key)
        values = pairs.map(\.value)
    }

    subscript(name: String) -> Any? { names.firstIndex(of: name).map { values[$0] } }

    /// Sets `name` (replacing its value, or adding it at the end).
    mutating func set(_ name: String, _ value: Any) {
        if let i = names.firstIndex(of: name) {
            values[i] = value
        } else {
            names.append(name)
            values.append(value)
        }
    }

    func child(named name: String) -> Any? { self[name] }
}

/// Turns records into the `ReportNode`s and arrays the template walks. Every key a section reads is set on
/// every item (Mustache looks a missing key up in enclosing contexts, which would leak a parent's value).
private struct ReportContext {
    let writer: HTMLReportWriter
    let notes: [NoteResult]
    let profiles: [PatientProfile]
    let run: RunInfo
    let noteText: (@Sendable (String) -> String?)?
    var notesByID: [String: NoteResult] = [:]
    let cache = Cache()

    /// Per-note lookups built on first use, so a snippet costs its own size rather than its note's: decoding a
    /// 50 MB note's scalars or scanning its 100,000 mentions once per evidence item made reports quadratic.
    final class Cache {
        var noteBytes: [String: NoteBytes] = [:]
        /// Mention indices ordered by (begin, index): exact spans and the mentions inside a sentence.
        var mentionsByBegin: [String: [Int]] = [:]
        /// The first ADR sentence starting at each offset.
        var adrByBegin: [String: [Int: Int]] = [:]
    }

    /// Note `noteID` and its mention indices ordered by (begin, index), positioned at the first mention that
    /// begins at or after `begin` (binary search): scanning every mention of the note for each evidence item and
    /// each of up to 2,000 ADR rows took 50 s for one 50 MB note.
    private func mentions(of noteID: String, from begin: Int) -> (note: NoteResult, order: [Int], start: Int)? {
        guard let note = notesByID[noteID] else { return nil }
        let order: [Int]
        if let o = cache.mentionsByBegin[noteID] {
            order = o
        } else {
            order = note.mentions.indices.sorted { (note.mentions[$0].begin, $0) < (note.mentions[$1].begin, $1) }
            cache.mentionsByBegin[noteID] = order
        }
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if note.mentions[order[mid]].begin < begin { lo = mid + 1 } else { hi = mid }
        }
        return (note, order, lo)
    }

    /// Drug and adverse-effect mentions of note `noteID` inside [begin, end).
    func mentions(_ noteID: String, inside begin: Int, _ end: Int) -> [MentionRecord] {
        guard let (note, order, start) = mentions(of: noteID, from: begin) else { return [] }
        var out: [MentionRecord] = []
        var i = start
        while i < order.count, note.mentions[order[i]].begin < end {
            let m = note.mentions[order[i]]
            if m.end <= end, m.category == "drug" || m.category == "adverse_effect" { out.append(m) }
            i += 1
        }
        return out
    }

    func adrSentence(_ noteID: String, begin: Int) -> ADRSentenceRecord? {
        guard let note = notesByID[noteID] else { return nil }
        if cache.adrByBegin[noteID] == nil {
            var index: [Int: Int] = [:]
            for (k, a) in note.adrSentences.enumerated() where index[a.begin] == nil { index[a.begin] = k }
            cache.adrByBegin[noteID] = index
        }
        return cache.adrByBegin[noteID]?[begin].map { note.adrSentences[$0] }
    }

    /// The code points of note `noteID` around `spans` (code point offsets), enough for every snippet cut
    /// `HTMLHighlighter.highlight` can make around them, and the offset of the first one. Decoding only the
    /// window keeps a 50 MB note from costing 200 MB of scalars while its report is written.
    func scalarWindow(of noteID: String, _ text: String, around spans: [(Int, Int, Int)]) -> (scalars: [Unicode.Scalar], offset: Int) {
        let note: NoteBytes
        if let n = cache.noteBytes[noteID] {
            note = n
        } else {
            note = NoteBytes(utf8: Array(text.utf8))
            cache.noteBytes[noteID] = note
        }
        return HTMLHighlighter.window(of: note, around: spans)
    }


    /// The first mention of note `noteID` with exactly this span.
    func mention(_ noteID: String, begin: Int, end: Int) -> MentionRecord? {
        guard let (note, order, start) = mentions(of: noteID, from: begin) else { return nil }
        var i = start
        while i < order.count, note.mentions[order[i]].begin == begin {
            if note.mentions[order[i]].end == end { return note.mentions[order[i]] }
            i += 1
        }
        return nil
    }

    init(writer: HTMLReportWriter, notes: [NoteResult], profiles: [PatientProfile], run: RunInfo,
         noteText: (@Sendable (String) -> String?)?) {
        self.writer = writer
        self.notes = notes
        self.profiles = profiles
        self.run = run
        self.noteText = noteText
        for n in notes where notesByID[n.noteID] == nil { notesByID[n.noteID] = n }
    }

    static func label(_ id: String) -> String {
        switch id {
        case "copd": return "COPD"
        case "obstructive_sleep_apnea": return "Obstructive sleep apnea"
        default:
            let s = id.replacingOccurrences(of: "_", with: " ")
            return s.prefix(1).uppercased() + s.dropFirst()
        }
    }

    /// Element id of a patient's card: ids from input files are not valid or unique HTML ids as they are.
    static func anchor(_ patientID: String) -> String { "p-" + String(SHA256.hex(patientID).prefix(12)) }

    static func percent(_ n: Int, of total: Int) -> String {
        total == 0 ? "0" : JSONWriter.format(Double(n) * 100 / Double(total), digits: 1)
    }

    func build() -> ReportNode {
        let patientCount = profiles.count
        var prevalence: [ReportNode] = []
        for id in RiskFactorID.allCases {
            var counts: [FindingStatus: Int] = [:]
            // Profiles read in place: `for p in profiles` copied each one (its strings and arrays retained and
            // released) for every risk factor.
            profiles.withUnsafeBufferPointer { ps in
                for k in ps.indices { counts[ps[k].status(of: id), default: 0] += 1 }
            }
            let c = { (s: FindingStatus) in counts[s] ?? 0 }
            prevalence.append(ReportNode([
                "id": id.rawValue, "label": Self.label(id.rawValue),
                "present": c(.present), "possible": c(.possible), "absent": c(.absent), "family": c(.familyOnly),
                "presentPct": Self.percent(c(.present), of: patientCount),
                "possiblePct": Self.percent(c(.possible), of: patientCount),
                "absentPct": Self.percent(c(.absent), of: patientCount),
                "familyPct": Self.percent(c(.familyOnly), of: patientCount),
            ]))
        }
        let shownProfiles = profiles.prefix(writer.maxPatientCards)
        // Only the rows shown are gathered (every event of a big run, copied, was most of them unused).
        let adrCount = profiles.reduce(0) { $0 + $1.adverseEvents.count }
        var adrShown: [(String, PatientProfile.AdverseEvent)] = []
        adrShown.reserveCapacity(min(adrCount, writer.maxADRRows))
        for p in profiles {
            if adrShown.count >= writer.maxADRRows { break }
            for e in p.adverseEvents.prefix(writer.maxADRRows - adrShown.count) { adrShown.append((p.patientID, e)) }
        }
        let withCards = Set(shownProfiles.map(\.patientID))
        let adrRows = adrShown.map { row -> ReportNode in
            var r = adrRow(patientID: row.0, event: row.1)
            r.set("hasCard", withCards.contains(row.0))
            r.set("anchor", Self.anchor(row.0))
            return r
        }
        let mentionCount = notes.reduce(0) { $0 + $1.mentions.count }
        let adrSentenceCount = notes.reduce(0) { $0 + $1.adrSentences.count }
        return ReportNode([
            "toolVersion": run.toolVersion,
            "hasStartedAt": run.startedAt != nil, "startedAt": run.startedAt ?? "",
            "lexiconFingerprint": String(run.lexiconFingerprint.prefix(16)),
            "modelFingerprint": String(run.modelFingerprint.prefix(16)),
            "inputs": run.inputs.joined(separator: ", "), "hasInputs": !run.inputs.isEmpty,
            "nNotes": notesByID.count, "nPatients": patientCount, "nMentions": mentionCount,
            "nADRSentences": adrSentenceCount, "nAdverseEvents": adrCount, "nQuarantined": run.quarantined,
            "hasQuarantined": run.quarantined > 0,
            "prevalence": prevalence,
            "patients": shownProfiles.map(card),
            "nPatientCards": shownProfiles.count,
            "patientsTruncated": profiles.count > shownProfiles.count,
            "hasADR": !adrRows.isEmpty,
            "adr": adrRows, "nADRRows": adrRows.count, "adrTruncated": adrCount > adrRows.count,
            "snippetsFromText": noteText != nil,
        ])
    }

    func card(_ p: PatientProfile) -> ReportNode {
        let mentioned = p.riskFactors.filter { $0.finding.status != .notMentioned }
        let notMentioned = p.riskFactors.filter { $0.finding.status == .notMentioned }.map { Self.label($0.id.rawValue) }
        let risk: [ReportNode] = mentioned.map { rf in
            finding(label: Self.label(rf.id.rawValue), codes: "", finding: rf.finding)
        }
        func coded(_ list: [PatientProfile.CodedFinding]) -> [ReportNode] {
            list.map { c in
                finding(label: c.preferredName.isEmpty ? c.conceptID : c.preferredName,
                        codes: c.codes.map { "\($0.system) \($0.code)" }.joined(separator: ", "), finding: c.finding)
            }
        }
        let components = p.charlson.components.keys.sorted().map { k -> ReportNode in
            ReportNode(["name": Self.label(k), "points": p.charlson.components[k]!])
        }
        return ReportNode([
            "patientID": p.patientID,
            "anchor": Self.anchor(p.patientID),
            "nNotes": p.notes.count,
            "noteIDs": p.notes.map(\.noteID).joined(separator: ", "),
            "hasAge": p.age != nil, "age": p.age.map(String.init) ?? "",
            "charlson": p.charlson.index, "charlsonAgePoints": p.charlson.agePoints,
            "charlsonComponents": components, "hasCharlsonComponents": !components.isEmpty,
            "riskFactors": risk, "hasRiskFactors": !risk.isEmpty,
            "notMentioned": notMentioned.joined(separator: ", "), "hasNotMentioned": !notMentioned.isEmpty,
            "conditions": coded(p.conditions), "hasConditions": !p.conditions.isEmpty,
            "medications": coded(p.medications), "hasMedications": !p.medications.isEmpty,
            "nAdverseEvents": p.adverseEvents.count,
        ])
    }

    func finding(label: String, codes: String, finding f: PatientProfile.Finding) -> ReportNode {
        let dates: String
        switch (f.firstDate, f.lastDate) {
        case let (a?, b?) where a != b: dates = "\(a) – \(b)"
        case let (a?, _): dates = a
        default: dates = ""
        }
        let ev = f.evidence.prefix(writer.evidencePerFinding).map { snippet(for: $0) }
        return ReportNode([
            "label": label, "codes": codes, "hasCodes": !codes.isEmpty,
            "status": f.status.rawValue, "statusLabel": f.status.rawValue.replacingOccurrences(of: "_", with: " "),
            "mentions": f.mentions, "dates": dates, "hasDates": !dates.isEmpty,
            "evidence": Array(ev), "hasEvidence": !ev.isEmpty,
        ])
    }

    /// A highlighted snippet for one evidence item (see the type comment for what is shown).
    func snippet(for e: PatientProfile.Evidence) -> ReportNode {
        let mention = self.mention(e.noteID, begin: e.begin, end: e.end)
        let triggers = mention?.evidence ?? []
        let triggerNote = triggers.map { "\($0.attribute): \u{201C}\($0.trigger)\u{201D}" }.joined(separator: "; ")
        var runs: [HighlightRun]
        if let text = noteText?(e.noteID) {
            var spans: [(Int, Int, Int)] = triggers.map { ($0.begin, $0.end, 1) }
            spans.append((e.begin, e.end, 2))
            let window = scalarWindow(of: e.noteID, text, around: spans)
            let shifted = spans.map { ($0.0 - window.offset, $0.1 - window.offset, $0.2) }
            runs = HTMLHighlighter.highlight(text: window.scalars, spans: shifted, windowFrom: shifted)
        } else {
            runs = [HighlightRun(e.text, .concept)]
            for t in triggers {
                runs.append(HighlightRun("  \(t.attribute): ", .plain))
                runs.append(HighlightRun(t.trigger, .trigger))
            }
        }
        return ReportNode([
            "noteID": e.noteID, "section": e.section, "date": e.date ?? "", "hasDate": e.date != nil,
            "highlighted": SafeHTML(runs), "triggers": triggerNote, "hasTriggers": !triggerNote.isEmpty,
        ])
    }

    func adrRow(patientID: String, event e: PatientProfile.AdverseEvent) -> ReportNode {
        // Drug and effect mentions inside the sentence, relative to the sentence text.
        let inside = mentions(e.noteID, inside: e.begin, e.end)
        let spans = inside.map { ($0.begin - e.begin, $0.end - e.begin, $0.category == "drug" ? 2 : 1) }
        let sentence = Array(e.text.unicodeScalars)
        let runs = HTMLHighlighter.highlight(text: sentence, spans: spans, windowFrom: [(0, sentence.count, 0)], maxContext: Int.max)
        let explanation = adrSentence(e.noteID, begin: e.begin)?.explanation ?? []
        let why = explanation.prefix(4).map { "\($0.feature) (\(JSONWriter.format($0.contribution, digits: 2)))" }
        return ReportNode([
            "patientID": patientID, "noteID": e.noteID, "date": e.date ?? "",
            "drug": e.drug, "effect": e.effect,
            "probability": JSONWriter.format(e.probability, digits: 3),
            "highlighted": SafeHTML(runs), "why": why.joined(separator: ", "),
        ])
    }
}

/// HTML escaping of every `{{ }}` value, byte by byte: `<`, `>`, `&`, `"` and `'` become entities wherever they
/// occur, whatever follows them (see `HTMLReportWriter`).
enum HTMLEscaping {
    static let contentTypeName = "NOTEMINER_HTML"

    struct ContentType: MustacheContentType {
        func escapeText(_ text: String) -> String { HTMLEscaping.escape(text) }
    }

    /// The only names a template may print unescaped (`{{{name}}}` or `{{& name}}`): values of type `SafeHTML`.
    static let unescapedNames: Set<String> = ["highlighted"]

    /// Checks the template's unescaped tags (see `unescapedNames`; a delimiter change, which could hide one, and a
    /// pragma, which could switch the escaping off, are refused too), registers the content type (once per process) and parses `text` with it in force from the
    /// first byte: the pragma renders as nothing, so the page is the template's own.
    static func template(_ text: String) throws -> MustacheTemplate {
        try checkUnescapedTags(text)
        _ = registered
        return try MustacheTemplate(string: "{{% CONTENT_TYPE: \(contentTypeName) }}" + text)
    }

    struct TemplateRuleError: Error, CustomStringConvertible {
        var description: String
    }

    static func checkUnescapedTags(_ text: String) throws {
        let bytes = Array(text.utf8)
        func find(_ needle: String, from: Int) -> Int? {
            let n = Array(needle.utf8)
            guard bytes.count >= n.count, from <= bytes.count - n.count else { return nil }
            for i in from...(bytes.count - n.count) where bytes[i] == n[0] && bytes[i..<(i + n.count)].elementsEqual(n) { return i }
            return nil
        }
        func line(_ at: Int) -> Int { 1 + bytes[..<at].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        var i = 0
        while let open = find("{{", from: i) {
            var p = open + 2
            let kind = p < bytes.count ? bytes[p] : 0
            let close: String
            switch kind {
            case UInt8(ascii: "{"): close = "}}}"; p += 1
            case UInt8(ascii: "&"): close = "}}"; p += 1
            case UInt8(ascii: "="):
                throw TemplateRuleError(description: "line \(line(open)): the template may not change the tag delimiters")
            case UInt8(ascii: "%"):
                // A content-type pragma would replace NoteMiner's escaping for the rest of the template.
                throw TemplateRuleError(description: "line \(line(open)): the template may not set a pragma")
            default:
                i = (find("}}", from: p) ?? bytes.count) + 2
                continue
            }
            guard let end = find(close, from: p) else {
                throw TemplateRuleError(description: "line \(line(open)): unclosed tag")
            }
            let name = String(decoding: bytes[p..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard unescapedNames.contains(name) else {
                throw TemplateRuleError(description: "line \(line(open)): `\(name)` is printed unescaped; only \(unescapedNames.sorted().joined(separator: ", ")) (markup NoteMiner builds from escaped text) may be — use {{\(name)}}")
            }
            i = end + close.utf8.count
        }
    }

    private static let registered: Void = MustacheContentTypes.register(ContentType(), named: contentTypeName)

    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { src -> String? in
            guard let first = src.firstIndex(where: needsEscape) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(src.count + 32)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: src[..<first]))
            for b in src[first...] {
                switch b {
                case UInt8(ascii: "<"): out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
                case UInt8(ascii: ">"): out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
                case UInt8(ascii: "&"): out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
                case UInt8(ascii: "\""): out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
                case UInt8(ascii: "'"): out.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])  // &#39;
                default: out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    @inline(__always)
    private static func needsEscape(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "&") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
    }
}

/// A note's bytes with a code point index over the same storage.
struct NoteBytes {
    let utf8: [UInt8]
    let index: CodePointIndex
    init(utf8: [UInt8]) {
        self.utf8 = utf8
        index = CodePointIndex(utf8: utf8)
    }
}

/// A stretch of a snippet and how it is marked.
struct HighlightRun: Equatable {
    enum Kind: Int { case plain = 0, trigger = 1, concept = 2 }
    var text: String
    var kind: Kind
    init(_ text: String, _ kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

/// Markup the template prints unescaped (`{{{highlighted}}}`): its only initializer escapes the text of every run
/// and wraps trigger and concept runs in `<mark class="trigger">` / `<mark class="concept">`.
struct SafeHTML: MustacheCustomRenderable {
    let renderText: String
    var isNull: Bool { false }

    init(_ runs: [HighlightRun]) {
        var out = ""
        for run in runs {
            switch run.kind {
            case .plain: out += HTMLEscaping.escape(run.text)
            case .trigger: out += "<mark class=\"trigger\">" + HTMLEscaping.escape(run.text) + "</mark>"
            case .concept: out += "<mark class=\"concept\">" + HTMLEscaping.escape(run.text) + "</mark>"
            }
        }
        renderText = out
    }
}

/// Snippet cutting and highlight runs, shared by evidence and ADR rows.
enum HTMLHighlighter {
    /// Cuts a window of `text` (code points) covering `windowFrom`, widened to sentence ends within `maxContext`
    /// code points, and splits it into runs labelled plain (0), trigger (1) or concept (2; wins over trigger).
    /// Code points of context a snippet may show on each side of what it highlights.
    static let maxContext = 160

    /// The code points of `note` around `spans` that `highlight` can look at, and the offset of the first.
    static func window(of note: NoteBytes, around spans: [(Int, Int, Int)]) -> (scalars: [Unicode.Scalar], offset: Int) {
        let bytes = note.utf8
        let first = spans.map(\.0).min() ?? 0, last = spans.map(\.1).max() ?? 0
        // The highlighter looks at most `maxContext` code points beyond the spans, one more for a sentence end, and
        // then across runs of spaces (backwards) or spaces and digits (forwards): widen until such a run ends.
        let margin = maxContext + 64
        var b = note.index.utf8Offset(codePoint: max(0, first - margin))
        var e = note.index.utf8Offset(codePoint: max(0, last + margin))
        func isContinuation(_ i: Int) -> Bool { bytes[i] & 0xC0 == 0x80 }
        while b > 0, bytes[b] == 0x20 || bytes[b] == 0x09 || bytes[b] == 0x0D {
            b -= 1
            while b > 0, isContinuation(b) { b -= 1 }
        }
        while e < bytes.count {
            var start = e - 1
            while start > b, isContinuation(start) { start -= 1 }
            guard start >= b, let scalar = decodeScalars(bytes[start..<e]).first,
                  scalar == " " || scalar == "\t" || scalar == "\r" || isNumeric(scalar) else { break }
            e += 1
            while e < bytes.count, isContinuation(e) { e += 1 }
        }
        return (decodeScalars(bytes[b..<e]), note.index.codePointOffset(utf8: b))
    }

    /// The scalars of UTF-8 bytes cut at scalar boundaries of a String's bytes, without building a String first.
    /// The bytes are valid (they come from a String), so no repair happens; an invalid sequence would still come out
    /// as U+FFFD rather than trap.
    static func decodeScalars(_ bytes: ArraySlice<UInt8>) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(bytes.count)
        var input = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&input) {
            case .scalarValue(let s): out.append(s)
            case .emptyInput: break loop
            case .error: out.append("\u{FFFD}")
            }
        }
        return out
    }

    /// `properties.numericType != nil` and `properties.isWhitespace`, answered without the property tables for
    /// ASCII (nearly every scalar a snippet's edges are searched over).
    @inline(__always)
    static func isNumeric(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x80 ? (c.value >= 0x30 && c.value <= 0x39) : c.properties.numericType != nil
    }

    @inline(__always)
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x80 ? (c.value == 0x20 || (c.value >= 0x09 && c.value <= 0x0D)) : c.properties.isWhitespace
    }

    /// The String of `scalars`, encoded straight into its storage: appending them to a `String.UnicodeScalarView`
    /// allocated for every scalar (a third of the allocations of writing a big run's page).
    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        let length = scalars.reduce(0) { $0 + UTF8.width($1) }
        return String(unsafeUninitializedCapacity: length) { out in
            var o = 0
            for c in scalars {
                UTF8.encode(c) { out[o] = $0; o += 1 }
            }
            return o
        }
    }

    static func highlight(text: [Unicode.Scalar], spans: [(Int, Int, Int)], windowFrom: [(Int, Int, Int)],
                          maxContext: Int = maxContext) -> [HighlightRun] {
        let n = text.count
        let clamp = { (x: Int) in min(max(x, 0), n) }
        var lo = clamp(windowFrom.map(\.0).min() ?? 0), hi = clamp(windowFrom.map(\.1).max() ?? 0)
        if hi < lo { hi = lo }
        var cutLeft = false, cutRight = false
        if maxContext != Int.max {
            func isEnd(_ i: Int) -> Bool {
                let c = text[i]
                if c == "\n" || c == "\r" { return isHardBreak(i) }
                if c == "." || c == "!" || c == "?" { return i + 1 >= n || text[i + 1] == " " || text[i + 1] == "\n" }
                return false
            }
            /// Notes are often hard-wrapped mid-sentence; a line break ends a snippet only after a blank line, a
            /// line ending in `.:;!?`, or before a line starting with a list marker.
            func isHardBreak(_ i: Int) -> Bool {
                var p = i - 1
                while p >= 0, text[p] == " " || text[p] == "\t" || text[p] == "\r" { p -= 1 }
                if p < 0 { return true }
                switch text[p] {
                case "\n", ".", ":", ";", "!", "?": return true
                default: break
                }
                var q = i + 1
                while q < n, text[q] == " " || text[q] == "\t" || text[q] == "\r" { q += 1 }
                guard q < n else { return true }
                let f = text[q]
                if f == "\n" || f == "*" || f == "-" || f == "\u{2022}" || f == "#" { return true }
                if isNumeric(f) {
                    var r = q
                    while r < n, isNumeric(text[r]) { r += 1 }
                    return r < n && (text[r] == "." || text[r] == ")")
                }
                return false
            }
            var i = lo
            while i > 0, lo - i < maxContext, !isEnd(i - 1) { i -= 1 }
            cutLeft = i > 0 && !isEnd(i - 1)
            lo = i
            var j = hi
            while j < n, j - hi < maxContext, !isEnd(j) { j += 1 }
            if j < n {
                if !isEnd(j) { cutRight = true } else if text[j] != "\n" && text[j] != "\r" { j += 1 }
            }
            hi = j
            while lo < hi, isWhitespace(text[lo]) { lo += 1 }
            while hi > lo, isWhitespace(text[hi - 1]) { hi -= 1 }
        }
        var kinds = [Int](repeating: 0, count: hi - lo)
        for (b, e, k) in spans {
            let b = max(clamp(b), lo), e = min(clamp(e), hi)
            guard b < e else { continue }
            for i in b..<e where kinds[i - lo] < k { kinds[i - lo] = k }
        }
        var out: [HighlightRun] = []
        if cutLeft { out.append(HighlightRun("\u{2026}", .plain)) }
        var start = lo
        while start < hi {
            var end = start + 1
            while end < hi, kinds[end - lo] == kinds[start - lo] { end += 1 }
            out.append(HighlightRun(string(text[start..<end]), HighlightRun.Kind(rawValue: kinds[start - lo]) ?? .plain))
            start = end
        }
        if cutRight { out.append(HighlightRun("\u{2026}", .plain)) }
        return out
    }
}

/// Finds the `Reports/` folder holding `report.mustache`, the way the Lexicons folder is found: an explicit path,
/// then `$NOTEMINER_REPORTS`, then a `Reports` folder next to the executable or one of its parents (a checkout's
/// `.build/release/noteminer` finds the checkout's), then `share/noteminer/Reports` beside an installed binary,
/// then `./Reports`.
public enum ReportTemplate {
    public static func locate(explicit: String? = nil) throws -> String {
        let fm = FileManager.default
        func hasTemplate(_ dir: String) -> Bool { fm.fileExists(atPath: (dir as NSString).appendingPathComponent("report.mustache")) }
        if let explicit {
            guard hasTemplate(explicit) else { throw ReportError(path: explicit, reason: "no report.mustache in this folder") }
            return explicit
        }
        if let env = ProcessInfo.processInfo.environment["NOTEMINER_REPORTS"], !env.isEmpty {
            guard hasTemplate(env) else { throw ReportError(path: env, reason: "NOTEMINER_REPORTS has no report.mustache") }
            return env
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("Reports").path
            if hasTemplate(candidate) { return candidate }
            let shared = dir.appendingPathComponent("share/noteminer/Reports").path
            if hasTemplate(shared) { return shared }
            dir = dir.deletingLastPathComponent()
        }
        if hasTemplate("Reports") { return "Reports" }
        throw ReportError(path: "Reports", reason: "cannot find the report template folder: pass it explicitly or set NOTEMINER_REPORTS")
    }
}
