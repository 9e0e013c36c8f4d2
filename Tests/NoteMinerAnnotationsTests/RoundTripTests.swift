import Foundation
import NoteMinerAnnotations
import NoteMinerModel
import NoteMinerPipeline
import NoteMinerProfiles
import Testing
import TestSupport

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every sample note in Corpora/, pre-annotated by the real pipeline with the repository's lexicons.
private let corpusDocuments: [AnnotatedDocument] = {
    let processor = try! PipelineProcessor.load(lexiconDirectory: repoRoot.appendingPathComponent("Lexicons").path)
    let folder = repoRoot.appendingPathComponent("Corpora")
    let names = try! FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }.sorted()
    return names.map { name in
        let text = try! String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        let note = Note(noteID: String(name.dropLast(4)), text: text)
        return AnnotatedDocument(text: text, result: processor.process(note, warnings: []))
    }
}()

/// A hand-made note with what the corpus lacks: a relation, CR LF line ends inside a span, XML and JSON
/// specials, characters outside the BMP (one code point, two UTF-16 units) before spans.
private let tricky: AnnotatedDocument = {
    let text = "Pt 👩‍⚕️ on warfarin & <aspirin> \"daily\".\r\nDeveloped GI\r\nbleed; denies chest\tpain.\nMother: diabetes.\tTab"
    let scalars = Array(text.unicodeScalars)
    func find(_ s: String) -> (Int, Int) {
        let u = Array(s.unicodeScalars)
        for i in 0...(scalars.count - u.count) where Array(scalars[i..<(i + u.count)]) == u { return (i, i + u.count) }
        fatalError(s)
    }
    let w = find("warfarin"), a = find("aspirin"), b = find("GI\r\nbleed"), c = find("chest\tpain"), d = find("diabetes")
    let spans = [
        AnnotatedSpan(begin: w.0, end: w.1, label: "Drug", conceptID: "drug:warfarin", preferredName: "warfarin", codes: ["DrugBank:DB00682"]),
        AnnotatedSpan(begin: a.0, end: a.1, label: "Drug", attributes: [.historical, .possible]),
        AnnotatedSpan(begin: b.0, end: b.1, label: "AdverseEffect", conceptID: "ae:gi_bleed", preferredName: "GI bleed; upper & lower"),
        AnnotatedSpan(begin: c.0, end: c.1, label: "Condition", attributes: [.negated]),
        AnnotatedSpan(begin: d.0, end: d.1, label: "Condition", attributes: [.family, .hypothetical]),
    ]
    return AnnotatedDocument(id: "tricky note/1", text: text, spans: spans,
                             relations: [AnnotatedRelation(label: "ADR", head: 0, child: 2), AnnotatedRelation(label: "ADR", head: 1, child: 2)])
}()

private func safeName(_ id: String, _ ext: String) -> String {
    var s = ""
    for c in id.unicodeScalars { s.unicodeScalars.append(("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" ? c : "_") }
    return s + "." + ext
}

/// Writes documents in a format into a fresh folder and returns it with the files' bytes.
private func export(_ docs: [AnnotatedDocument], _ format: AnnotationFormat) throws -> (URL, [String: [UInt8]]) {
    let dir = try TestScratch.folder("annotations")
    var files: [String: [UInt8]] = [:]
    for (name, bytes) in format.files(for: docs, fileName: safeName) {
        files[name] = bytes
        try Data(bytes).write(to: dir.appendingPathComponent(name))
    }
    return (dir, files)
}

@Suite struct RoundTripTests {
    @Test func corpusIsPreAnnotated() {
        #expect(corpusDocuments.count >= 4)
        for d in corpusDocuments {
            #expect(d.spans.count > 10, "\(d.id)")
            #expect(Set(d.spans.map(\.label)).isSubset(of: ["Condition", "Drug", "AdverseEffect"]))
        }
        #expect(corpusDocuments.contains { $0.spans.contains { $0.attributes.contains(.negated) } })
        // The shipped ADR model flags sentences in the sample notes, so relations take part in the round trips.
        #expect(corpusDocuments.contains { !$0.relations.isEmpty })
    }

    @Test(arguments: AnnotationFormat.allCases)
    func exportImportExportIsByteIdentical(format: AnnotationFormat) throws {
        for docs in corpusDocuments.map({ [$0] }) + [corpusDocuments, [tricky]] {
            let (dir, first) = try export(docs, format)
            defer { try? FileManager.default.removeItem(at: dir) }
            let read = try format.read(dir.path)
            let (dir2, second) = try export(read, format)
            defer { try? FileManager.default.removeItem(at: dir2) }
            #expect(first.keys.sorted() == second.keys.sorted())
            for (name, bytes) in first { #expect(second[name] == bytes, "\(format) \(name)") }
            // The documents themselves survive: spans, labels, attributes, codes, relations.
            #expect(read.map(\.spans) == docs.map(\.spans))
            #expect(read.map(\.relations) == docs.map(\.relations))
            #expect(read.map(\.text) == docs.map(\.text))
        }
    }

    @Test(arguments: AnnotationFormat.allCases)
    func everyFormatConvertsToEveryOther(format: AnnotationFormat) throws {
        let docs = corpusDocuments + [tricky]
        let (dir, _) = try export(docs, format)
        defer { try? FileManager.default.removeItem(at: dir) }
        var read = try format.read(dir.path)
        if format == .brat { read = read.map { AnnotatedDocument(id: $0.id == "tricky_note_1" ? "tricky note/1" : $0.id, text: $0.text, spans: $0.spans, relations: $0.relations) } }
        let byID = Dictionary(uniqueKeysWithValues: read.map { ($0.id, $0) })
        for d in docs { #expect(byID[d.id] == d, "\(format) \(d.id)") }
    }

    @Test func bratSplitsSpansAtLineBreaksAndKeepsCodePointOffsets() {
        let ann = BratFormat.ann(tricky)
        let lines = ann.split(separator: "\n").map(String.init)
        // "GI\r\nbleed": two fragments, text joined by one space.
        let gi = lines.first { $0.hasSuffix("\tGI bleed") }
        #expect(gi != nil)
        let scalars = Array(tricky.text.unicodeScalars)
        let w = lines.first { $0.hasSuffix("\twarfarin") }!.split(separator: "\t")[1].split(separator: " ")
        let b = Int(w[1])!, e = Int(w[2])!
        #expect(String(String.UnicodeScalarView(scalars[b..<e])) == "warfarin")
        #expect(lines.contains("R1\tADR Arg1:T1 Arg2:T3"))
        #expect(lines.contains { $0.hasPrefix("A") && $0.hasSuffix("Negated T4") })
    }

    @Test func bioCKeepsCarriageReturnsAndEscapes() throws {
        let xml = BioCFormat.collection([tricky])
        #expect(xml.contains("&#13;"))
        #expect(xml.contains("&amp; &lt;aspirin&gt;"))
        #expect(!xml.unicodeScalars.contains("\r"))
        let back = try BioCFormat.read(xml, file: "t.xml")
        #expect(back == [tricky])
    }

    @Test func adrPairsBecomeRelationsBetweenMentionsOfTheSentence() {
        let text = "Started lisinopril. Developed a dry cough on lisinopril. Cough resolved."
        func m(_ s: String, _ cat: String, from: Int = 0) -> MentionRecord {
            let r = text.range(of: s, range: text.index(text.startIndex, offsetBy: from)..<text.endIndex)!
            let b = text.distance(from: text.startIndex, to: r.lowerBound)
            return MentionRecord(begin: b, end: b + s.count, text: s, conceptID: "x:" + s.lowercased(), preferredName: s.lowercased(), category: cat)
        }
        let mentions = [m("lisinopril", "drug"), m("dry cough", "adverse_effect"), m("lisinopril", "drug", from: 30), m("Cough", "adverse_effect")]
        let sentence = ADRSentenceRecord(sentence: 1, begin: 20, end: 56, text: "Developed a dry cough on lisinopril.", probability: 0.9,
                                         pairs: [PairRecord(drug: "Lisinopril", effect: "cough"), PairRecord(drug: "aspirin", effect: "cough")])
        let doc = AnnotatedDocument(text: text, result: NoteResult(noteID: "n", patientID: "p", mentions: mentions, adrSentences: [sentence]))
        // The drug in the flagged sentence (not the first mention of the note) and the effect containing "cough";
        // the pair whose drug has no mention is dropped.
        #expect(doc.relations.count == 1)
        let r = doc.relations[0]
        #expect(doc.spans[r.head].begin == 45 && doc.spans[r.head].label == "Drug")
        #expect(doc.text(of: doc.spans[r.child]) == "dry cough")
    }

    @Test func readersNameTheFileLineAndReason() {
        let text = "chest pain"
        #expect(throws: AnnotationError.self) { try BratFormat.read(id: "x", text: text, ann: "T1\tCondition 0 99\tchest pain\n", file: "x.ann") }
        do {
            _ = try BratFormat.read(id: "x", text: text, ann: "T1\tCondition 0 10\tchest pain\nA1\tNegatd T1\n", file: "x.ann")
            Issue.record("unknown attribute accepted")
        } catch let e as AnnotationError {
            #expect(e.line == 2 && e.description.contains("Negatd"))
        } catch { Issue.record("\(error)") }
        #expect(throws: AnnotationError.self) { try BratFormat.read(id: "x", text: text, ann: "T1\tCondition 0 5\tchest pain\n", file: "x.ann") }
        #expect(throws: AnnotationError.self) { try SpanJSONLFormat.read("{\"text\":\"a\",\"spans\":[{\"start\":0,\"end\":1,\"lable\":\"X\"}]}\n", file: "x.jsonl") }
        #expect(throws: AnnotationError.self) { try BioCFormat.read("<collection><document><id>a</id><passage><offset>0</offset><text>ab</text></passage></collection>", file: "x.xml") }
    }

    @Test func bratFromAnotherToolIsRead() throws {
        // brat writes ids in creation order and discontinuous fragments; notes without our keys are comments.
        let text = "No chest\npain today; on aspirin."
        let ann = "T7\tDrug 24 31\taspirin\nT2\tCondition 3 8;9 13\tchest pain\n#1\tAnnotatorNotes T2\tcheck this\nA3\tNegated T2\nR1\tADR Arg1:T7 Arg2:T2\n"
        let d = try BratFormat.read(id: "n", text: text, ann: ann, file: "n.ann")
        #expect(d.spans == [AnnotatedSpan(begin: 3, end: 13, label: "Condition", attributes: [.negated]), AnnotatedSpan(begin: 24, end: 31, label: "Drug")])
        #expect(d.relations == [AnnotatedRelation(label: "ADR", head: 1, child: 0)])
    }
}
