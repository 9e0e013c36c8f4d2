import Foundation
import NoteMinerModel
import NoteMinerProfiles
import Testing
import TestSupport
@testable import NoteMinerPipeline

/// Patient-level statuses for phrasings found in error analysis, run through the whole pipeline with the
/// shipped lexicons. Each names the failure it pins.
@Suite struct ProfileRegressionTests {
    static let processor: PipelineProcessor? = try? PipelineProcessor.load(
        lexiconDirectory: CLIRunner.packageRoot.appendingPathComponent("Lexicons").path, modelPath: "")

    func status(_ text: String, _ rf: RiskFactorID) throws -> FindingStatus {
        let p = try #require(Self.processor)
        var b = ProfileBuilder()
        b.add(p.process(Note(noteID: "n", text: text), warnings: []))
        return b.profiles()[0].status(of: rf)
    }

    @Test(arguments: [
        ("SOCIAL HISTORY\nTobacco Use: Non-smoker. Alcohol Use: None.", RiskFactorID.smoking, FindingStatus.absent),
        ("SOCIAL HISTORY\nTobacco Use: Non-smoker. Alcohol Use: None.", .alcoholUse, .absent),
        ("He is a never smoker.", .smoking, .absent),
        ("He denies smoking or living with anyone who smokes.", .smoking, .absent),
        ("Former smoker, quit 10 years ago.", .smoking, .present),
        ("She enjoys drinking wine on weekends.", .alcoholUse, .present),
        ("The risks of surgery including heart attack, stroke, and death were discussed.", .cerebrovascularDisease, .notMentioned),
        ("He thought he was having a heart attack.", .coronaryArteryDisease, .possible),
        ("ABDOMEN: CVA tenderness on the right.", .cerebrovascularDisease, .notMentioned),
        ("Mother with breast cancer.", .cancer, .familyOnly),
        ("Lipid panel: elevated cholesterol.", .hyperlipidemia, .notMentioned),
        ("He is anxious about the results.", .anxiety, .notMentioned),
        ("History of hypertension, on lisinopril.", .hypertension, .present),
        ("We will screen for diabetes.", .diabetes, .notMentioned),
    ])
    func statusOfPhrasing(text: String, rf: RiskFactorID, expected: FindingStatus) throws {
        #expect(try status(text, rf) == expected, "\(text)")
    }
}
