import Foundation
import NoteMinerModel

extension NoteResult {
    /// Reads a `notes.jsonl` line as `JSONDecoder` reads it, several times faster: resuming a run reads every
    /// cached line back, and with `JSONDecoder` a fully cached 10,000-note rerun took longer than computing it.
    ///
    /// nil when the line is anything but what this reader answers exactly as `JSONDecoder` would: a key it does
    /// not know (an error record, a newer schema), a key twice, a number that is not a plain integer where one is
    /// expected, a value of another type, an escape in a key, a lone surrogate, invalid UTF-8, malformed JSON.
    /// The caller then uses `JSONDecoder`, so errors and odd records behave as before.
    public static func decodeLine(_ line: UnsafeBufferPointer<UInt8>) -> NoteResult? {
        guard JSONStringReader.isValidUTF8(line) else { return nil }
        var r = ResultLineParser(p: line)
        guard let result = r.noteResult() else { return nil }
        r.skipSpace()
        return r.i == line.count ? result : nil
    }

    public static func decodeLine(_ line: [UInt8]) -> NoteResult? { line.withUnsafeBufferPointer { decodeLine($0) } }
}

/// A recursive-descent reader of the records `NoteResult` encodes; every method returns nil on anything it does
/// not read exactly (see `NoteResult.decodeLine`).
private struct ResultLineParser {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    var scratch: [UInt8] = []

    init(p: UnsafeBufferPointer<UInt8>) { self.p = p }

    @inline(__always) mutating func skipSpace() {
        while i < p.count, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
    }

    @inline(__always) mutating func take(_ c: UInt8) -> Bool {
        skipSpace()
        guard i < p.count, p[i] == c else { return false }
        i += 1
        return true
    }

    mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        let n = word.utf8CodeUnitCount
        guard p.count - i >= n else { return false }
        for k in 0..<n where p[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// `null` (consumed): true.
    mutating func null() -> Bool { literal("null") }

    /// An object's members: `body(key)` reads each value (false: give up). Keys are compared as raw bytes, so a
    /// key with an escape is refused; a key seen twice is refused too (`JSONDecoder` would not say which wins).
    mutating func object(keys: [StaticString], _ body: (inout ResultLineParser, Int) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        var seen: UInt64 = 0
        if take(UInt8(ascii: "}")) { return true }
        while true {
            guard take(UInt8(ascii: "\"")) else { return false }
            let start = i
            while i < p.count, p[i] != UInt8(ascii: "\""), p[i] != UInt8(ascii: "\\"), p[i] >= 0x20 { i += 1 }
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { return false }
            let key = UnsafeBufferPointer(rebasing: p[start..<i])
            i += 1
            guard let k = keys.firstIndex(where: { $0.utf8CodeUnitCount == key.count && memcmp($0.utf8Start, key.baseAddress!, key.count) == 0 }),
                  seen & (1 << UInt64(k)) == 0 else { return false }
            seen |= 1 << UInt64(k)
            guard take(UInt8(ascii: ":")), body(&self, k) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// An array of values read by `element` (false: give up).
    mutating func array(_ element: (inout ResultLineParser) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        while true {
            guard element(&self) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]"))
        }
    }

    mutating func string() -> String? {
        skipSpace()
        guard i < p.count, p[i] == UInt8(ascii: "\"") else { return nil }
        // Most strings have no escape: made straight from their bytes.
        var k = i + 1
        while k < p.count, p[k] != UInt8(ascii: "\""), p[k] != UInt8(ascii: "\\"), p[k] >= 0x20 { k += 1 }
        if k < p.count, p[k] == UInt8(ascii: "\"") {
            defer { i = k + 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: p[(i + 1)..<k]), as: UTF8.self)
        }
        scratch.removeAll(keepingCapacity: true)
        guard JSONStringReader.read(p, at: &i, into: &scratch) else { return nil }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// A plain JSON integer (no fraction or exponent; those go to `JSONDecoder`).
    mutating func int() -> Int? {
        skipSpace()
        let start = i
        if i < p.count, p[i] == UInt8(ascii: "-") { i += 1 }
        let digits = i
        var v = 0
        while i < p.count, p[i] >= 0x30, p[i] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(p[i] - 0x30))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        let n = i - digits
        guard n > 0, !(n > 1 && p[digits] == 0x30) else { return nil }
        if i < p.count, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") { return nil }
        return p[start] == UInt8(ascii: "-") ? -v : v
    }

    /// A JSON number as a finite `Double`, converted by the C library like Foundation's parser.
    mutating func double() -> Double? {
        skipSpace()
        let start = i
        if i < p.count, p[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        while i < p.count, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        guard i > intStart, !(i - intStart > 1 && p[intStart] == 0x30) else { return nil }
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            let f = i
            while i < p.count, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
            guard i > f else { return nil }
        }
        if i < p.count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            let f = i
            while i < p.count, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
            guard i > f else { return nil }
        }
        guard let d = Double(String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)), d.isFinite else { return nil }
        return d
    }

    mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// An array of values read by `read`, appended to `out`; null is an absent array (`decodeIfPresent` … `?? []`).
    mutating func list<T>(_ read: (inout ResultLineParser) -> T?, into out: inout [T]) -> Bool {
        if null() { return true }
        return array { r in
            guard let v = read(&r) else { return false }
            out.append(v)
            return true
        }
    }

    /// `decodeIfPresent`: null is absent (nil result, `ok` true).
    mutating func optional<T>(_ read: (inout ResultLineParser) -> T?) -> (value: T?, ok: Bool) {
        if null() { return (nil, true) }
        let v = read(&self)
        return (v, v != nil)
    }

    static let noteKeys: [StaticString] = ["schema_version", "note_id", "patient_id", "date", "note_type", "age", "mentions", "adr_sentences"]
    static let mentionKeys: [StaticString] = [
        "begin", "end", "text", "concept_id", "preferred_name", "category", "codes", "risk_factor", "section", "sentence",
        "negated", "possible", "historical", "hypothetical", "family", "evidence", "ambiguous", "alternatives",
    ]
    static let codeKeys: [StaticString] = ["system", "code"]
    static let evidenceKeys: [StaticString] = ["attribute", "trigger", "begin", "end"]
    static let adrKeys: [StaticString] = ["sentence", "begin", "end", "text", "probability", "pairs", "explanation"]
    static let pairKeys: [StaticString] = ["drug", "effect"]
    static let contributionKeys: [StaticString] = ["feature", "contribution"]

    mutating func noteResult() -> NoteResult? {
        var schema: Int?, noteID: String?, patientID: String?, date: String?, noteType: String?, age: Int?
        var mentions: [MentionRecord] = [], adr: [ADRSentenceRecord] = []
        let ok = object(keys: Self.noteKeys) { r, k in
            switch k {
            case 0: let v = r.optional { $0.int() }; schema = v.value; return v.ok
            case 1: noteID = r.string(); return noteID != nil
            case 2: let v = r.optional { $0.string() }; patientID = v.value; return v.ok
            case 3: let v = r.optional { $0.string() }; date = v.value; return v.ok
            case 4: let v = r.optional { $0.string() }; noteType = v.value; return v.ok
            case 5: let v = r.optional { $0.int() }; age = v.value; return v.ok
            case 6: return r.list({ $0.mention() }, into: &mentions)
            default: return r.list({ $0.adrSentence() }, into: &adr)
            }
        }
        guard ok, let noteID else { return nil }
        var result = NoteResult(noteID: noteID, patientID: patientID ?? noteID, date: date, noteType: noteType, age: age,
                                mentions: mentions, adrSentences: adr)
        result.schemaVersion = schema ?? NoteResult.schemaVersion
        return result
    }

    mutating func mention() -> MentionRecord? {
        var begin: Int?, end: Int?, text: String?, conceptID: String?, preferredName: String?, category: String?
        var codes: [CodingRecord] = [], riskFactor: String?, section = "other", sentence = 0
        var flags = [false, false, false, false, false, false]  // negated … family, ambiguous
        var evidence: [EvidenceRecord] = [], alternatives: [String] = []
        let ok = object(keys: Self.mentionKeys) { r, k in
            switch k {
            case 0: begin = r.int(); return begin != nil
            case 1: end = r.int(); return end != nil
            case 2: text = r.string(); return text != nil
            case 3: conceptID = r.string(); return conceptID != nil
            case 4: preferredName = r.string(); return preferredName != nil
            case 5: category = r.string(); return category != nil
            case 6: return r.list({ $0.coding() }, into: &codes)
            case 7: let v = r.optional { $0.string() }; riskFactor = v.value; return v.ok
            case 8: let v = r.optional { $0.string() }; section = v.value ?? "other"; return v.ok
            case 9: let v = r.optional { $0.int() }; sentence = v.value ?? 0; return v.ok
            case 10, 11, 12, 13, 14, 16:
                let v = r.optional { $0.bool() }
                flags[k == 16 ? 5 : k - 10] = v.value ?? false
                return v.ok
            case 15: return r.list({ $0.evidence() }, into: &evidence)
            default: return r.list({ $0.string() }, into: &alternatives)
            }
        }
        guard ok, let begin, let end, let text, let conceptID, let preferredName, let category else { return nil }
        var m = MentionRecord(begin: begin, end: end, text: text, conceptID: conceptID, preferredName: preferredName,
                              category: category, codes: codes, riskFactor: riskFactor, section: section, sentence: sentence,
                              negated: flags[0], possible: flags[1], historical: flags[2], hypothetical: flags[3],
                              family: flags[4], evidence: evidence)
        m.ambiguous = flags[5]
        m.alternatives = alternatives
        return m
    }

    mutating func adrSentence() -> ADRSentenceRecord? {
        var sentence: Int?, begin: Int?, end: Int?, text: String?, probability: Double?
        var pairs: [PairRecord] = [], explanation: [ContributionRecord] = []
        let ok = object(keys: Self.adrKeys) { r, k in
            switch k {
            case 0: sentence = r.int(); return sentence != nil
            case 1: begin = r.int(); return begin != nil
            case 2: end = r.int(); return end != nil
            case 3: text = r.string(); return text != nil
            case 4: probability = r.double(); return probability != nil
            case 5: return r.list({ $0.pair() }, into: &pairs)
            default: return r.list({ $0.contribution() }, into: &explanation)
            }
        }
        guard ok, let sentence, let begin, let end, let text, let probability else { return nil }
        return ADRSentenceRecord(sentence: sentence, begin: begin, end: end, text: text, probability: probability,
                                 pairs: pairs, explanation: explanation)
    }

    mutating func coding() -> CodingRecord? {
        var system: String?, code: String?
        guard object(keys: Self.codeKeys, { r, k in
            if k == 0 { system = r.string(); return system != nil }
            code = r.string(); return code != nil
        }), let system, let code else { return nil }
        return CodingRecord(system: system, code: code)
    }

    mutating func evidence() -> EvidenceRecord? {
        var attribute: String?, trigger: String?, begin: Int?, end: Int?
        guard object(keys: Self.evidenceKeys, { r, k in
            switch k {
            case 0: attribute = r.string(); return attribute != nil
            case 1: trigger = r.string(); return trigger != nil
            case 2: begin = r.int(); return begin != nil
            default: end = r.int(); return end != nil
            }
        }), let attribute, let trigger, let begin, let end else { return nil }
        return EvidenceRecord(attribute: attribute, trigger: trigger, begin: begin, end: end)
    }

    mutating func pair() -> PairRecord? {
        var drug: String?, effect: String?
        guard object(keys: Self.pairKeys, { r, k in
            if k == 0 { drug = r.string(); return drug != nil }
            effect = r.string(); return effect != nil
        }), let drug, let effect else { return nil }
        return PairRecord(drug: drug, effect: effect)
    }

    mutating func contribution() -> ContributionRecord? {
        var feature: String?, contribution: Double?
        guard object(keys: Self.contributionKeys, { r, k in
            if k == 0 { feature = r.string(); return feature != nil }
            contribution = r.double(); return contribution != nil
        }), let feature, let contribution else { return nil }
        return ContributionRecord(feature: feature, contribution: contribution)
    }
}
