import Foundation
import Testing
@testable import NoteMinerReports
import NoteMinerProfiles

private func json(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

private func resources(_ bundle: [String: Any]) -> [[String: Any]] {
    ((bundle["entry"] as? [[String: Any]]) ?? []).compactMap { $0["resource"] as? [String: Any] }
}

/// Every `reference` string anywhere under `value`.
private func references(in value: Any) -> [String] {
    if let d = value as? [String: Any] {
        var out: [String] = []
        if let r = d["reference"] as? String { out.append(r) }
        for (_, v) in d { out += references(in: v) }
        return out
    }
    if let a = value as? [Any] { return a.flatMap { references(in: $0) } }
    return []
}

/// FHIR JSON forbids nulls, empty strings, empty arrays and empty objects.
private func emptyValues(in value: Any, path: String = "") -> [String] {
    switch value {
    case is NSNull: return [path]
    case let s as String: return s.isEmpty ? [path] : []
    case let a as [Any]: return a.isEmpty ? [path] : a.enumerated().flatMap { emptyValues(in: $1, path: "\(path)[\($0)]") }
    case let d as [String: Any]: return d.isEmpty ? [path] : d.flatMap { emptyValues(in: $1, path: "\(path).\($0)") }
    default: return []
    }
}

private func code(_ concept: Any?) -> String? {
    ((concept as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String
}

@Suite struct FHIRWriterTests {
    /// Bundles are written to disk in pieces (one patient's can be hundreds of MB); the pieces must join to exactly
    /// the whole bundle, wherever they are cut.
    @Test func bundlePiecesJoinToTheWholeBundle() throws {
        for p in Fixtures.profiles {
            let whole = FHIRWriter.bundle(for: p)
            var pieces: [[UInt8]] = []
            FHIRWriter.writeBundle(for: p, flushBytes: 1) { pieces.append($0) }
            #expect(pieces.count > 1)
            #expect(pieces.joined().elementsEqual(whole), "bundle of \(p.patientID)")
        }
    }

    @Test func bundleStructureAndRequiredFields() throws {
        let p = try #require(Fixtures.profiles.first { $0.patientID == "P001" })
        let bundle = try json(FHIRWriter.bundle(for: p))
        #expect(bundle["resourceType"] as? String == "Bundle")
        #expect(bundle["type"] as? String == "collection")
        #expect(emptyValues(in: bundle).isEmpty, "empty values at \(emptyValues(in: bundle))")

        let entries = try #require(bundle["entry"] as? [[String: Any]])
        let idPattern = try Regex("^[A-Za-z0-9\\-\\.]{1,64}$")
        var fullUrls = Set<String>()
        for e in entries {
            let url = try #require(e["fullUrl"] as? String)
            let r = try #require(e["resource"] as? [String: Any])
            let id = try #require(r["id"] as? String)
            #expect(url == "urn:uuid:" + id)
            #expect(id.wholeMatch(of: idPattern) != nil)
            #expect(r["resourceType"] is String)
            #expect(fullUrls.insert(url).inserted, "duplicate fullUrl \(url)")
        }
        // Every reference resolves inside the bundle: urn:uuid to an entry, #id to a contained resource.
        for r in resources(bundle) {
            let contained = Set(((r["contained"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
            for ref in references(in: r) {
                if ref.hasPrefix("#") {
                    #expect(contained.contains(String(ref.dropFirst())), "unresolved \(ref)")
                } else {
                    #expect(fullUrls.contains(ref), "unresolved \(ref)")
                }
            }
        }

        let byType = Dictionary(grouping: resources(bundle)) { $0["resourceType"] as! String }
        #expect(byType["Patient"]?.count == 1)
        let conditions = try #require(byType["Condition"])
        func condition(_ icd: String) -> [String: Any]? { conditions.first { code($0["code"]) == icd } }
        let htn = try #require(condition("I10"))
        #expect(code(htn["verificationStatus"]) == "confirmed")
        #expect(code(htn["clinicalStatus"]) == "active")
        #expect((((htn["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["system"] as? String) == "http://hl7.org/fhir/sid/icd-10-cm")
        #expect(htn["subject"] != nil)
        #expect(htn["recordedDate"] as? String == "2024-03-01")
        let notes = try #require(htn["note"] as? [[String: Any]])
        #expect((notes.first?["text"] as? String)?.contains("hypertension") == true)
        let chestPain = try #require(condition("R07.9"))
        #expect(code(chestPain["verificationStatus"]) == "refuted")
        #expect(chestPain["clinicalStatus"] == nil)
        #expect(code(condition("J44.9")?["verificationStatus"]) == "provisional")
        // Diabetes is affirmed in n1 and negated in n2: present wins.
        #expect(code(condition("E11.9")?["verificationStatus"]) == "confirmed")
        // Family-only findings are not the patient's conditions.
        #expect(condition("C50.919") == nil)
        let fmh = try #require(byType["FamilyMemberHistory"]?.first)
        #expect(fmh["status"] as? String == "partial")
        #expect(fmh["patient"] != nil && fmh["relationship"] != nil)
        #expect(code((fmh["condition"] as? [[String: Any]])?.first?["code"]) == "C50.919")

        let meds = try #require(byType["MedicationStatement"])
        #expect(Set(meds.compactMap { $0["status"] as? String }) == ["active"])
        #expect(Set(meds.compactMap { code($0["medicationCodeableConcept"]) }) == ["29046", "6809"])

        let ae = try #require(byType["AdverseEvent"]?.first)
        #expect(ae["actuality"] as? String == "actual")
        #expect((ae["event"] as? [String: Any])?["text"] as? String == "dry cough")
        let suspect = try #require((ae["suspectEntity"] as? [[String: Any]])?.first)
        let ref = try #require((suspect["instance"] as? [String: Any])?["reference"] as? String)
        let drug = try #require((ae["contained"] as? [[String: Any]])?.first { "#" + ($0["id"] as! String) == ref })
        #expect(drug["resourceType"] as? String == "Medication")
        #expect((drug["code"] as? [String: Any])?["text"] as? String == "lisinopril")
        // Evidence is traceable: the extension carries note id and offsets.
        let ext = try #require((ae["extension"] as? [[String: Any]])?.first)
        #expect(ext["url"] as? String == FHIRWriter.evidenceExtension)
        let sub = (ext["extension"] as? [[String: Any]]) ?? []
        #expect(sub.contains { $0["url"] as? String == "noteId" && $0["valueString"] as? String == "n1" })
    }

    @Test func negatedMedicationIsNotTakenAndFamilyFindingIsFamilyHistory() throws {
        let p = try #require(Fixtures.profiles.first { $0.patientID == "../../etc/passwd" })
        let all = resources(try json(FHIRWriter.bundle(for: p)))
        let med = try #require(all.first { $0["resourceType"] as? String == "MedicationStatement" })
        #expect(med["status"] as? String == "not-taken")
        #expect(all.contains { $0["resourceType"] as? String == "FamilyMemberHistory" })
        let afib = try #require(all.first { $0["resourceType"] as? String == "Condition" })
        #expect(code(afib["verificationStatus"]) == "provisional")
        // Undated notes give no recordedDate rather than an invalid one.
        #expect(afib["recordedDate"] == nil)
    }

    @Test func idsAreDeterministicAndDistinctPerPatient() {
        let a = FHIRWriter.uuid("P001", "Condition", "C1"), b = FHIRWriter.uuid("P001", "Condition", "C1")
        #expect(a == b)
        #expect(a != FHIRWriter.uuid("P002", "Condition", "C1"))
        // Joining with NUL keeps ("ab","c") and ("a","bc") apart.
        #expect(FHIRWriter.uuid("ab", "c") != FHIRWriter.uuid("a", "bc"))
        #expect(a.count == 36 && Array(a)[14] == "8")
    }

    /// Code systems without a FHIR URI get a slug URN: lower case, letters and digits kept (beyond ASCII too),
    /// anything else a "-". The ASCII fast path and the general path agree.
    @Test(arguments: [
        ("DrugBank", "urn:noteminer:codesystem:drugbank"), ("My System/2.0", "urn:noteminer:codesystem:my-system-2-0"),
        ("Größe-Kode", "urn:noteminer:codesystem:größe-kode"), ("", "urn:noteminer:codesystem:unknown"),
        ("RxNorm", "http://www.nlm.nih.gov/research/umls/rxnorm"), ("ICD-10-CM", FHIRWriter.icd10cm),
    ] as [(String, String)])
    func codeSystemURIs(name: String, expected: String) {
        #expect(FHIRWriter.system(for: name) == expected)
    }

    @Test(arguments: [
        ("2024-03-01", "2024-03-01"), ("2024-03", "2024-03"), ("2024", "2024"), ("2024-03-01T10:00:00", "2024-03-01"),
        ("03/01/2024", nil), ("2024-13-01", nil), ("yesterday", nil), ("", nil),
    ] as [(String, String?)])
    func onlyValidFHIRDatesAreEmitted(input: String, expected: String?) {
        #expect(FHIRWriter.fhirDate(input) == expected)
    }

    @Test func hostilePatientIdsStayInsideTheFolder() throws {
        let hostile = ["../../etc/passwd", "a/b", "nul\u{0}byte", String(repeating: "x", count: 10_000), "..", ".", "",
                       "CON", "P001", "p001", "a_b", "/abs/path", "C:\\win", "é/ü"]
        let names = SafeFileName.assign(hostile)
        #expect(Set(names.map { $0.lowercased() }).count == hostile.count, "names must differ even ignoring case")
        for n in names {
            #expect(!n.contains("/") && !n.contains("\\") && !n.contains("\u{0}"))
            #expect(n != "." && n != ".." && !n.hasPrefix("."))
            #expect(n.utf8.count <= 64)
        }
        #expect(names[8] == "P001")  // safe ids stay readable
        #expect(names[9] != "p001")  // ... but not when they would collide ignoring case

        let root = try Fixtures.temporaryFolder()
        let folder = root.appendingPathComponent("fhir")
        var profiles: [PatientProfile] = []
        for id in hostile {
            var b = ProfileBuilder()
            b.add(NoteResult(noteID: "note-" + String(id.utf8.count), patientID: id))
            profiles += b.profiles()
        }
        let written = try FHIRWriter.write(profiles, to: folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["fhir"])
        let inFolder = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(inFolder == Set(written + ["index.jsonl"]))
        // The index maps every id back to its file.
        let index = try String(contentsOf: folder.appendingPathComponent("index.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: String] }
        #expect(index.map { $0["patient_id"]! } == hostile)
        #expect(index.map { $0["file"]! } == written)
    }

    @Test func staleBundlesOfEarlierRunsAreRemoved() throws {
        let folder = try Fixtures.temporaryFolder().appendingPathComponent("fhir")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("old-patient.json"))
        try Data("keep".utf8).write(to: folder.appendingPathComponent("README.txt"))
        try Data("{\"resourceType\":".utf8).write(to: folder.appendingPathComponent("P001.json.partial"))
        try FHIRWriter.write(Fixtures.profiles, to: folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!files.contains("old-patient.json"))
        #expect(!files.contains { $0.hasSuffix(".partial") }, "leftover of an interrupted write")
        #expect(files.contains("README.txt"))
    }
}
