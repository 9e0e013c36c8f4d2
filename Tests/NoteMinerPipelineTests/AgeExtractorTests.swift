import Testing
@testable import NoteMinerPipeline

@Suite struct AgeExtractorTests {
    @Test(arguments: [
        ("Mr. Smith is a 62-year-old male with HTN.", 62),
        ("72 year old woman presents", 72),
        ("Pt is 45 yo F", 45),
        ("58 y/o M with chest pain", 58),
        ("Age: 81\nSex: F", 81),
        ("aged 30, smoker", 30),
        ("The patient is a 67-year-old; her 90-year-old mother has dementia.", 67),
    ])
    func findsTheStatedAge(text: String, age: Int) {
        #expect(AgeExtractor.age(in: text) == age)
    }

    @Test(arguments: ["No age here.", "Dose 500 mg daily", "Stage 3 CKD", "average 12 years", "page 5", "BMI 31.5 year"])
    func noAgeWhereNoneIsStated(text: String) {
        #expect(AgeExtractor.age(in: text) == nil)
    }
}
