import Foundation
@testable import NoteMinerAnnotations
import NoteMinerProfiles
import Testing

@Suite struct ADRLinkTests {
    let text = "On lisinopril and lisinopril-hctz. Cough after lisinopril."
    var mentions: [MentionRecord] {
        [MentionRecord(begin: 3, end: 13, text: "lisinopril", conceptID: "d1", preferredName: "lisinopril", category: "drug"),
         MentionRecord(begin: 18, end: 33, text: "lisinopril-hctz", conceptID: "d2", preferredName: "lisinopril", category: "drug"),
         MentionRecord(begin: 35, end: 40, text: "Cough", conceptID: "e", preferredName: "cough", category: "adverse_effect"),
         MentionRecord(begin: 47, end: 57, text: "lisinopril", conceptID: "d1", preferredName: "lisinopril", category: "drug")]
    }
    let sentence = ADRSentenceRecord(sentence: 0, begin: 0, end: 58, text: "", probability: 1, pairs: [])

    @Test func offsetsWinOverText() {
        // By text the first "lisinopril" wins; with the pair's span the exact mention, then the largest overlap.
        #expect(ADRPairLinker.mention(named: "lisinopril", in: mentions, sentence: sentence, categories: ["drug"]) == 0)
        #expect(ADRPairLinker.mention(named: "lisinopril", span: 47..<57, in: mentions, sentence: sentence, categories: ["drug"]) == 3)
        #expect(ADRPairLinker.mention(named: "lisinopril", span: 18..<28, in: mentions, sentence: sentence, categories: ["drug"]) == 1)
        #expect(ADRPairLinker.mention(named: "warfarin", in: mentions, sentence: sentence, categories: ["drug"]) == nil)
    }

    @Test func trainingSentencesAreLabelledFromRelations() throws {
        let doc = AnnotatedDocument(id: "n1", text: text, spans: [
            AnnotatedSpan(begin: 3, end: 13, label: "Drug"), AnnotatedSpan(begin: 35, end: 40, label: "AdverseEffect"),
        ], relations: [AnnotatedRelation(label: "ADR", head: 0, child: 1)])
        let lines = String(decoding: ADRTrainingExamples.jsonLines(doc, sentences: [0..<34, 35..<58]), as: UTF8.self)
            .split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]["label"] as? Int == 0 && lines[0]["pairs"] == nil)
        // The effect's sentence is the positive one, even though the drug was named in the sentence before.
        #expect(lines[1]["label"] as? Int == 1)
        #expect(lines[1]["group"] as? String == "n1")
        let pairs = lines[1]["pairs"] as! [[String: String]]
        #expect(pairs == [["drug": "lisinopril", "effect": "Cough"]])
    }
}
