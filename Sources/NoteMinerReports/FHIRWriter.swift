import Foundation
import NoteMinerModel
import NoteMinerProfiles

/// `fhir/<patient>.json`: one FHIR R4 Bundle (type `collection`) per patient profile.
///
/// Entries: the Patient; a Condition per coded condition the patient has (`present` → verificationStatus
/// `confirmed` and clinicalStatus `active`; `possible` → `provisional` (a child of `unconfirmed`) and `active`;
/// `absent` → `refuted` with no clinicalStatus, since a refuted condition has no clinical course); a
/// FamilyMemberHistory per condition mentioned only for relatives (relationship `FAMMEMB`, as the mention does not
/// say which relative); a MedicationStatement per medication (`present` → `active`, `absent` → `not-taken`,
/// `possible` → `unknown`); an AdverseEvent per ADR finding (actuality `actual`, the effect as `event.text`, the
/// drug as a contained Medication referenced from `suspectEntity`, the classifier probability in
/// `causality.productRelatedness`).
///
/// Every finding carries its evidence twice: as a readable `note` (where the resource has one) and as the complex
/// extension `urn:noteminer:fhir:evidence` with sub-extensions `noteId`, `begin`, `end` (code points, half-open),
/// `section` and `text`, so a consumer can trace each value to the note it came from.
///
/// Ids are deterministic: each resource's id is a UUID-shaped digest (version nibble 8, "custom") of the SHA-256
/// of the patient id and the finding's key, and `fullUrl` is `urn:uuid:<id>`; references point at those URNs.
/// Dates are emitted only when they are valid FHIR dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`; a longer timestamp
/// contributes its date part).
public enum FHIRWriter {
    private static var K: FHIRKeys { FHIRKeys.shared }
    static let icd10cm = "http://hl7.org/fhir/sid/icd-10-cm"
    static let evidenceExtension = "urn:noteminer:fhir:evidence"
    static let patientIdentifierSystem = "urn:noteminer:patient-id"

    static func system(for name: String) -> String {
        if name == "ICD-10-CM" { return icd10cm }  // nearly every code: skip lower-casing it
        // Every drug code names its system ("DrugBank", "MedlinePlus"): answered from a cache instead of lower-casing,
        // slugging and concatenating strings for each one.
        if let known = systemCacheLock.withLock({ systemCache[name] }) { return known }
        let url = systemURL(for: name)
        systemCacheLock.withLock { if systemCache.count < 256 { systemCache[name] = url } }
        return url
    }

    /// System URLs by name, shared by the threads writing bundles (guarded by the lock).
    private static let systemCacheLock = NSLock()
    nonisolated(unsafe) private static var systemCache: [String: String] = [:]

    private static func systemURL(for name: String) -> String {
        switch name.lowercased() {
        case "icd-10-cm", "icd10cm", "icd10", "icd-10": return icd10cm
        case "rxnorm": return "http://www.nlm.nih.gov/research/umls/rxnorm"
        case "snomed", "snomed ct", "snomed-ct", "snomedct", "sct": return "http://snomed.info/sct"
        case "umls", "cui": return "http://www.nlm.nih.gov/research/umls"
        default:
            return "urn:noteminer:codesystem:" + slug(name)
        }
    }

    /// Lower-cased, anything but letters, digits and "-" as "-". Every drug code names its system ("DrugBank"),
    /// so an ASCII name is done byte by byte: asking `CharacterSet` per scalar cost more than the rest of a
    /// MedicationStatement.
    static func slug(_ name: String) -> String {
        let lower = name.lowercased()
        if lower.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = lower.utf8.map { c -> UInt8 in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) ? c : UInt8(ascii: "-")
            }
            return bytes.isEmpty ? "unknown" : String(decoding: bytes, as: UTF8.self)
        }
        let s = lower.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? String($0) : "-" }.joined()
        return s.isEmpty ? "unknown" : s
    }

    /// A UUID-shaped id from SHA-256 of `parts` joined by NUL (RFC 9562 version 8 layout). A bundle has an id per
    /// resource, so the message and digest live on the stack and the id's bytes are written straight into it.
    static func uuid(_ parts: String...) -> String { uuid(count: parts.count) { parts[$0] } }

    /// The common arities without the array a variadic call builds (a bundle makes an id for every resource).
    static func uuid(_ a: String, _ b: String) -> String { uuid(count: 2) { $0 == 0 ? a : b } }
    static func uuid(_ a: String, _ b: String, _ c: String) -> String { uuid(count: 3) { $0 == 0 ? a : $0 == 1 ? b : c } }

    private static func uuid(count: Int, _ part: (Int) -> String) -> String {
        var length = count - 1
        for i in 0..<count { length += part(i).utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(length, 1) + 32) { buffer in
            var o = 0
            for i in 0..<count {
                if i > 0 { buffer[o] = 0; o += 1 }
                var part = part(i)
                part.withUTF8 { for b in $0 { buffer[o] = b; o += 1 } }
            }
            let digest = buffer.baseAddress! + max(length, 1)
            SHA256.digest(UnsafeBufferPointer(start: buffer.baseAddress!, count: length), into: digest)
            digest[6] = (digest[6] & 0x0F) | 0x80
            digest[8] = (digest[8] & 0x3F) | 0x80
            // 8-4-4-4-12 lower-case hex digits.
            return String(unsafeUninitializedCapacity: 36) { out in
                let hex: StaticString = "0123456789abcdef"
                var o = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = hex.utf8Start[Int(digest[i] >> 4)]
                    out[o + 1] = hex.utf8Start[Int(digest[i] & 0xF)]
                    o += 2
                }
                return o
            }
        }
    }

    /// The date part of `s` when it is a valid FHIR date, else nil.
    static func fhirDate(_ s: String?) -> String? {
        guard var s else { return nil }
        // Checked on the string's own bytes (a byte array per date was an allocation for every resource).
        let length: Int? = s.withUTF8 { fhirDateLength($0) }
        guard let length else { return nil }
        return length == s.utf8.count ? s : String(decoding: s.utf8.prefix(length), as: UTF8.self)
    }

    /// The length of the valid FHIR date at the start of `u` when `u` is one (or a timestamp starting with one).
    private static func fhirDateLength(_ u: UnsafeBufferPointer<UInt8>) -> Int? {
        func digits(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= u.count else { return nil }
            var v = 0
            for i in r {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard let year = digits(0..<4), year >= 1 else { return nil }
        if u.count == 4 { return 4 }
        guard u.count >= 7, u[4] == UInt8(ascii: "-"), let month = digits(5..<7), (1...12).contains(month) else { return nil }
        if u.count == 7 { return 7 }
        guard u.count >= 10, u[7] == UInt8(ascii: "-"), let day = digits(8..<10), (1...31).contains(day) else { return nil }
        if u.count == 10 || u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " ") { return 10 }
        return nil
    }

    /// The bundle for one patient, as compact JSON with keys in a fixed order.
    public static func bundle(for p: PatientProfile) -> [UInt8] {
        var out: [UInt8] = []
        writeBundle(for: p) { out += $0 }
        return out
    }

    /// Bytes handed to `sink` whenever a resource ends and about this much is buffered: one patient with
    /// hundreds of thousands of mentions must not need the whole bundle (and its growth copies) in memory.
    static let defaultFlushBytes = 1 << 20

    /// The bundle for one patient in pieces, in order; the pieces joined are `bundle(for:)`.
    static func writeBundle(for p: PatientProfile, flushBytes: Int = defaultFlushBytes, sink: ([UInt8]) throws -> Void) rethrows {
        let pid = p.patientID
        let patientID = uuid(pid, "Patient")
        let patientRef = "urn:uuid:" + patientID
        var w = JSONWriter(reserving: 4096)
        w.beginObject()
        w.field(K.resourceType, "Bundle")
        w.field(K.id, uuid(pid, "Bundle"))
        w.field(K.type, "collection")
        w.key(K.entry); w.beginArray()

        entry(&w, id: patientID) { w in
            w.field(K.resourceType, "Patient")
            w.field(K.id, patientID)
            w.key(K.identifier); w.beginArray(); w.beginObject()
            w.field(K.system, patientIdentifierSystem); w.field(K.value, fhirString(pid)); w.endObject(); w.endArray()
        }

        for c in p.conditions where c.finding.status != .familyOnly && c.finding.status != .notMentioned {
            let id = uuid(pid, "Condition", c.conceptID)
            entry(&w, id: id) { w in
                w.field(K.resourceType, "Condition")
                w.field(K.id, id)
                evidenceExtensions(&w, c.finding.evidence)
                if c.finding.status != .absent {
                    w.key(K.clinicalStatus)
                    codeableConcept(&w, system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "active", display: "Active")
                }
                let (code, display) = switch c.finding.status {
                case .present: ("confirmed", "Confirmed")
                case .possible: ("provisional", "Provisional")
                default: ("refuted", "Refuted")
                }
                w.key(K.verificationStatus)
                codeableConcept(&w, system: "http://terminology.hl7.org/CodeSystem/condition-ver-status", code: code, display: display)
                w.key(K.code); concept(&w, c)
                reference(&w, "subject", patientRef)
                if let d = fhirDate(c.finding.firstDate) { w.field(K.recordedDate, d) }
                notes(&w, c.finding, status: c.finding.status)
            }
            if w.count >= flushBytes { try sink(w.takeBytes()) }
        }

        for c in p.conditions where c.finding.status == .familyOnly {
            let id = uuid(pid, "FamilyMemberHistory", c.conceptID)
            entry(&w, id: id) { w in
                w.field(K.resourceType, "FamilyMemberHistory")
                w.field(K.id, id)
                evidenceExtensions(&w, c.finding.evidence)
                w.field(K.status, "partial")
                reference(&w, "patient", patientRef)
                if let d = fhirDate(c.finding.lastDate) { w.field(K.date, d) }
                w.key(K.relationship)
                codeableConcept(&w, system: "http://terminology.hl7.org/CodeSystem/v3-RoleCode", code: "FAMMEMB", display: "family member")
                w.key(K.condition); w.beginArray(); w.beginObject()
                w.key(K.code); concept(&w, c)
                notes(&w, c.finding, status: c.finding.status)
                w.endObject(); w.endArray()
            }
            if w.count >= flushBytes { try sink(w.takeBytes()) }
        }

        for m in p.medications where m.finding.status != .familyOnly && m.finding.status != .notMentioned {
            let id = uuid(pid, "MedicationStatement", m.conceptID)
            entry(&w, id: id) { w in
                w.field(K.resourceType, "MedicationStatement")
                w.field(K.id, id)
                evidenceExtensions(&w, m.finding.evidence)
                w.field(K.status, m.finding.status == .present ? "active" : m.finding.status == .absent ? "not-taken" : "unknown")
                w.key(K.medicationCodeableConcept); concept(&w, m)
                reference(&w, "subject", patientRef)
                if let d = fhirDate(m.finding.lastDate) { w.field(K.dateAsserted, d) }
                notes(&w, m.finding, status: m.finding.status)
            }
            if w.count >= flushBytes { try sink(w.takeBytes()) }
        }

        for (i, e) in p.adverseEvents.enumerated() {
            let id = uuid(pid, "AdverseEvent", e.noteID, String(e.begin), e.drug, e.effect, String(i))
            entry(&w, id: id) { w in
                w.field(K.resourceType, "AdverseEvent")
                w.field(K.id, id)
                w.key(K.contained); w.beginArray(); w.beginObject()
                w.field(K.resourceType, "Medication"); w.field(K.id, "suspect-drug")
                w.key(K.code); w.beginObject(); w.field(K.text, fhirString(e.drug)); w.endObject()
                w.endObject(); w.endArray()
                w.key(K.extension); w.beginArray()
                evidenceExtension(&w, noteID: e.noteID, begin: e.begin, end: e.end, section: nil, text: e.text)
                w.endArray()
                w.field(K.actuality, "actual")
                w.key(K.event); w.beginObject(); w.field(K.text, fhirString(e.effect)); w.endObject()
                reference(&w, "subject", patientRef)
                if let d = fhirDate(e.date) { w.field(K.date, d) }
                w.key(K.suspectEntity); w.beginArray(); w.beginObject()
                w.key(K.instance); w.beginObject(); w.field(K.reference, "#suspect-drug"); w.field(K.display, fhirString(e.drug)); w.endObject()
                w.key(K.causality); w.beginArray(); w.beginObject()
                w.key(K.productRelatedness)
                w.beginString()
                w.stringPiece("ADR sentence classifier probability "); w.stringPiece(JSONWriter.format(e.probability, digits: 4))
                w.endString()
                w.endObject(); w.endArray()
                w.endObject(); w.endArray()
            }
            if w.count >= flushBytes { try sink(w.takeBytes()) }
        }

        w.endArray()
        w.endObject()
        w.newline()
        try sink(w.bytes)
    }

    /// Writes one bundle per profile into `folder` (created if needed) plus `index.jsonl` (`patient_id`, `file`),
    /// and removes `*.json` files there that this write did not produce (a previous run's patients) and leftovers of
    /// an interrupted write, so the folder always matches the profiles. Returns the file names in profile order.
    @discardableResult
    public static func write(_ profiles: [PatientProfile], to folder: URL) throws -> [String] {
        let out = try Folder(profiles, folder: folder)
        // Bundles are independent, so every core builds and writes them; each file's bytes do not depend on the
        // split, and the first error (by profile order) is the one reported.
        let errors = Parallel.map(count: profiles.count) { i -> (any Error)? in
            do { try out.writeBundle(profiles[i], at: i) } catch { return error }
            return nil
        }
        if let error = errors.lazy.compactMap({ $0 }).first { throw error }
        try out.finish(profiles)
        return out.names
    }

    /// One run's `fhir/` folder: file names assigned up front, bundles written in any order (from any thread),
    /// then `finish` writes the index and removes what this run did not write.
    struct Folder: Sendable {
        let url: URL
        let names: [String]
        /// Creating a file and renaming one both lock the folder in the kernel; on ext4 a create can hold that lock
        /// for a while (it searches the inode bitmaps, slowly after many recent deletions), and a second thread's
        /// rename then spun on it: 7% of a 10,000-note run's CPU went to that spinning. Taken here instead, the
        /// waiting thread sleeps and leaves the core to the other report writers.
        private let directoryLock = NSLock()

        init(_ profiles: [PatientProfile], folder: URL) throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            url = folder
            names = SafeFileName.assign(profiles.map(\.patientID)).map { $0 + ".json" }
            // Belt and braces: names never contain a separator and never are "." or "..", so they stay in `folder`.
            for name in names where name.contains("/") || name.hasPrefix(".") || name.utf8.contains(0) {
                throw ReportError(path: folder.path + "/" + name, reason: "patient file name escapes the fhir folder")
            }
        }

        func writeBundle(_ profile: PatientProfile, at i: Int) throws {
            let file = try directoryLock.withLock { try AtomicFile.Writer(path: url.path + "/" + names[i]) }
            try FHIRWriter.writeBundle(for: profile) { try file.write($0) }
            try directoryLock.withLock { try file.commit() }
        }

        func finish(_ profiles: [PatientProfile]) throws {
            var index: [UInt8] = []
            for (p, name) in zip(profiles, names) {
                var line = JSONWriter(reserving: 128)
                line.beginObject(); line.field(K.patientId, p.patientID); line.field(K.file, name); line.endObject()
                line.newline()
                index += line.bytes
            }
            try AtomicFile.write(index, to: url.appendingPathComponent("index.jsonl").path)
            let keep = Set(names)
            let fm = FileManager.default
            for f in try fm.contentsOfDirectory(atPath: url.path)
            where (f.hasSuffix(".json") && !keep.contains(f)) || f.hasSuffix(".json" + AtomicFile.partialSuffix) {
                try fm.removeItem(at: url.appendingPathComponent(f))
            }
        }
    }

    // MARK: - pieces

    private static func entry(_ w: inout JSONWriter, id: String, _ body: (inout JSONWriter) -> Void) {
        w.beginObject()
        w.key(K.fullUrl)
        w.beginString(); w.stringPiece("urn:uuid:"); w.stringPiece(id); w.endString()
        w.key(K.resource); w.beginObject()
        body(&w)
        w.endObject()
        w.endObject()
    }

    private static func reference(_ w: inout JSONWriter, _ key: String, _ ref: String) {
        w.key(key); w.beginObject(); w.field(K.reference, ref); w.endObject()
    }

    private static func codeableConcept(_ w: inout JSONWriter, system: String, code: String, display: String) {
        w.beginObject(); w.key(K.coding); w.beginArray(); w.beginObject()
        w.field(K.system, system); w.field(K.code, code); w.field(K.display, display)
        w.endObject(); w.endArray(); w.endObject()
    }

    private static func concept(_ w: inout JSONWriter, _ c: PatientProfile.CodedFinding) {
        w.beginObject()
        let codes = c.codes.contains { $0.code.isEmpty } ? c.codes.filter { !$0.code.isEmpty } : c.codes
        if !codes.isEmpty {
            w.key(K.coding); w.beginArray()
            for (i, code) in codes.enumerated() {
                w.beginObject(); w.field(K.system, system(for: code.system)); w.field(K.code, fhirString(code.code))
                if i == 0 { w.field(K.display, fhirString(c.preferredName)) }
                w.endObject()
            }
            w.endArray()
        }
        w.field(K.text, fhirString(c.preferredName.isEmpty ? c.conceptID : c.preferredName))
        w.endObject()
    }

    private static func notes(_ w: inout JSONWriter, _ f: PatientProfile.Finding, status: FindingStatus) {
        guard !f.evidence.isEmpty else { return }
        w.key(K.note); w.beginArray()
        for e in f.evidence {
            // "NoteMiner <status> (<n> mention(s)): note <id> [<begin>, <end>) in section <section>: “<text>”",
            // written in pieces: interpolating it per evidence item was a visible share of writing the bundles.
            w.beginObject()
            w.key(K.text)
            w.beginString()
            w.stringPiece("NoteMiner "); w.stringPiece(status.rawValue); w.stringPiece(" ("); w.stringPiece(f.mentions)
            w.stringPiece(f.mentions == 1 ? " mention): note " : " mentions): note "); w.stringPiece(e.noteID)
            w.stringPiece(" ["); w.stringPiece(e.begin); w.stringPiece(", "); w.stringPiece(e.end)
            w.stringPiece(") in section "); w.stringPiece(e.section); w.stringPiece(": \u{201C}"); w.stringPiece(e.text)
            w.stringPiece("\u{201D}")
            w.endString()
            w.endObject()
        }
        w.endArray()
    }

    private static func evidenceExtensions(_ w: inout JSONWriter, _ evidence: [PatientProfile.Evidence]) {
        guard !evidence.isEmpty else { return }
        w.key(K.extension); w.beginArray()
        for e in evidence { evidenceExtension(&w, noteID: e.noteID, begin: e.begin, end: e.end, section: e.section, text: e.text) }
        w.endArray()
    }

    private static func evidenceExtension(_ w: inout JSONWriter, noteID: String, begin: Int, end: Int, section: String?, text: String) {
        // The urls are the same in every evidence item (a bundle can hold thousands): serialized once.
        w.beginObject()
        w.members(K.evidenceURL)
        w.key(K.extension); w.beginArray()
        w.beginObject(); w.members(K.noteIdURL); w.field(K.valueString, fhirString(noteID)); w.endObject()
        w.beginObject(); w.members(K.beginURL); w.field(K.valueInteger, begin); w.endObject()
        w.beginObject(); w.members(K.endURL); w.field(K.valueInteger, end); w.endObject()
        if let section, !section.isEmpty { w.beginObject(); w.members(K.sectionURL); w.field(K.valueString, section); w.endObject() }
        w.beginObject(); w.members(K.textURL); w.field(K.valueString, fhirString(text)); w.endObject()
        w.endArray()
        w.endObject()
    }

    /// FHIR strings must not be empty; an empty source value becomes a visible placeholder rather than invalid JSON.
    private static func fhirString(_ s: String) -> String { s.isEmpty ? "(empty)" : s }
}

public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

/// The keys this file writes, escaped once (a 10,000-note run writes millions of them).
private final class FHIRKeys: Sendable {
    static let shared = FHIRKeys()
    /// `"url": …` members of the evidence extension and its parts.
    let evidenceURL = JSONWriter.Members { $0.field("url", FHIRWriter.evidenceExtension) }
    let noteIdURL = JSONWriter.Members { $0.field("url", "noteId") }
    let beginURL = JSONWriter.Members { $0.field("url", "begin") }
    let endURL = JSONWriter.Members { $0.field("url", "end") }
    let sectionURL = JSONWriter.Members { $0.field("url", "section") }
    let textURL = JSONWriter.Members { $0.field("url", "text") }
    let actuality = JSONWriter.Key("actuality")
    let causality = JSONWriter.Key("causality")
    let clinicalStatus = JSONWriter.Key("clinicalStatus")
    let code = JSONWriter.Key("code")
    let coding = JSONWriter.Key("coding")
    let condition = JSONWriter.Key("condition")
    let contained = JSONWriter.Key("contained")
    let date = JSONWriter.Key("date")
    let dateAsserted = JSONWriter.Key("dateAsserted")
    let display = JSONWriter.Key("display")
    let entry = JSONWriter.Key("entry")
    let event = JSONWriter.Key("event")
    let `extension` = JSONWriter.Key("extension")
    let file = JSONWriter.Key("file")
    let fullUrl = JSONWriter.Key("fullUrl")
    let id = JSONWriter.Key("id")
    let identifier = JSONWriter.Key("identifier")
    let instance = JSONWriter.Key("instance")
    let medicationCodeableConcept = JSONWriter.Key("medicationCodeableConcept")
    let note = JSONWriter.Key("note")
    let patientId = JSONWriter.Key("patient_id")
    let productRelatedness = JSONWriter.Key("productRelatedness")
    let recordedDate = JSONWriter.Key("recordedDate")
    let reference = JSONWriter.Key("reference")
    let relationship = JSONWriter.Key("relationship")
    let resource = JSONWriter.Key("resource")
    let resourceType = JSONWriter.Key("resourceType")
    let status = JSONWriter.Key("status")
    let suspectEntity = JSONWriter.Key("suspectEntity")
    let system = JSONWriter.Key("system")
    let text = JSONWriter.Key("text")
    let `type` = JSONWriter.Key("type")
    let url = JSONWriter.Key("url")
    let value = JSONWriter.Key("value")
    let valueInteger = JSONWriter.Key("valueInteger")
    let valueString = JSONWriter.Key("valueString")
    let verificationStatus = JSONWriter.Key("verificationStatus")
}
