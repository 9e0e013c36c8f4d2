import Foundation
import Testing
import NoteMinerModel
@testable import NoteMinerLexicon

/// The shipped lexicons, loaded once for all tests (the code table has ~98k rows).
enum Shipped {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let lexiconDirectory = root.appendingPathComponent("Lexicons").path
    static let codeSet: ICD10CMCodeSet = try! ICD10CMCodeSet.load(path: lexiconDirectory + "/icd10cm_codes.tsv")
    /// Loaded with the code set, so loading itself proves every ICD-10-CM code is in the table.
    static let lexicon: ConceptLexicon = try! ConceptLexicon.load(
        paths: ConceptLexicon.defaultPaths(in: lexiconDirectory), codeSet: codeSet)

    static func concepts(_ category: ConceptCategory) -> [Concept] {
        lexicon.concepts.filter { $0.category == category }
    }

    /// The comparison key the matcher is tolerant to: case, punctuation/hyphen/space variants, simple plurals.
    static func key(_ term: String) -> String {
        let words = term.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        return words.map { w -> String in
            if w.count > 3, w.hasSuffix("s"), !w.hasSuffix("ss") { return String(w.dropLast()) }
            return String(w)
        }.joined(separator: " ")
    }
}

@Suite struct ShippedLexiconTests {
    @Test func codeTableIsTheFullCurrentRelease() {
        let set = Shipped.codeSet
        #expect(set.count > 90_000)
        #expect(set.contains("E11.9") && set.contains("E119") && set.contains("I10"))
        #expect(set.display("I10") == "Essential (primary) hypertension")
        #expect(set.isBillable("E11.9") && !set.isBillable("E11"))
        #expect(!set.contains("E11.99999"))
        // FY2026 codes (multiple sclerosis was split in the October 2025 release).
        #expect(set.contains("G35.D") && !set.isBillable("G35"))
    }

    @Test func everyICDCodeInTheLexiconsIsInTheCodeTable() {
        var checked = 0
        for c in Shipped.lexicon.concepts {
            for coding in c.codes where coding.system == CodeSystem.icd10cm.rawValue {
                #expect(Shipped.codeSet.contains(coding.code), "\(c.id) \(coding.code)")
                #expect(coding.display != nil)
                checked += 1
            }
        }
        #expect(checked > 900)
    }

    @Test func countsMeetTheFloors() {
        #expect(Shipped.concepts(.condition).count >= 400)
        #expect(Shipped.concepts(.drug).count >= 500)
        #expect(Shipped.concepts(.adverseEffect).count >= 300)
    }

    @Test func idsAreUniqueAndPrefixedByCategory() {
        let ids = Shipped.lexicon.concepts.map(\.id)
        #expect(Set(ids).count == ids.count)
        for c in Shipped.lexicon.concepts {
            let prefix = ["condition": "cond:", "drug": "drug:", "adverse_effect": "ae:"][c.category.rawValue]!
            #expect(c.id.hasPrefix(prefix), "\(c.id)")
        }
    }

    @Test func conditionsAreCodedAndDrugsIdentified() {
        // Negative social-history forms exist only so "non-smoker" does not match "smoker"; they have no code.
        let uncoded: Set<String> = ["cond:nonsmoker", "cond:nondrinker"]
        for c in Shipped.concepts(.condition) where !uncoded.contains(c.id) {
            #expect(c.codes.contains { $0.system == "ICD-10-CM" }, "\(c.id) has no ICD-10-CM code")
        }
        for c in Shipped.concepts(.drug) {
            #expect(!c.codes.isEmpty, "\(c.id) has no identifier")
        }
        let classified = Shipped.concepts(.drug).filter { $0.drugClass != nil }.count
        #expect(classified == Shipped.concepts(.drug).count)
    }

    @Test func everyRiskFactorIsUsed() {
        let used = Set(Shipped.lexicon.concepts.compactMap(\.riskFactor))
        #expect(used == Set(RiskFactor.allCases), "unused: \(Set(RiskFactor.allCases).subtracting(used))")
        #expect(RiskFactor.allCases.count == 18)
    }

    /// Terms the issue names explicitly, with the category (and risk factor) they must resolve to.
    static let required: [(String, ConceptCategory, RiskFactor?)] = [
        ("HTN", .condition, .hypertension), ("DM2", .condition, .diabetes), ("T2DM", .condition, .diabetes),
        ("CHF", .condition, .heartFailure), ("HFrEF", .condition, .heartFailure), ("HFpEF", .condition, .heartFailure),
        ("afib", .condition, .atrialFibrillation), ("AF", .condition, .atrialFibrillation),
        ("MI", .condition, .coronaryArteryDisease), ("NSTEMI", .condition, .coronaryArteryDisease),
        ("STEMI", .condition, .coronaryArteryDisease), ("CAD", .condition, .coronaryArteryDisease),
        ("COPD", .condition, .copd), ("CKD", .condition, .chronicKidneyDisease),
        ("ESRD", .condition, .chronicKidneyDisease), ("OSA", .condition, .obstructiveSleepApnea),
        ("GERD", .condition, nil), ("DVT", .condition, nil), ("PE", .condition, nil), ("UTI", .condition, nil),
        ("CVA", .condition, .cerebrovascularDisease), ("TIA", .condition, .cerebrovascularDisease),
        ("BPH", .condition, nil), ("OA", .condition, nil), ("RA", .condition, nil),
        ("high blood pressure", .condition, .hypertension), ("elevated blood pressure", .condition, .hypertension),
        ("sugar diabetes", .condition, .diabetes), ("type 2 diabetes mellitus", .condition, .diabetes),
        ("diabetes type 2", .condition, .diabetes), ("heart attack", .condition, .coronaryArteryDisease),
        ("smoker", .condition, .smoking), ("tobacco use", .condition, .smoking), ("current smoker", .condition, .smoking),
        ("former smoker", .condition, .smoking), ("pack-years", .condition, .smoking),
        ("quit smoking", .condition, .smoking), ("cigarettes", .condition, .smoking),
        ("drinks alcohol daily", .condition, .alcoholUse), ("heavy drinker", .condition, .alcoholUse),
        ("alcohol abuse", .condition, .alcoholUse), ("hypothyroidism", .condition, .hypothyroidism),
        ("obesity", .condition, .obesity), ("hyperlipidemia", .condition, .hyperlipidemia),
        ("asthma", .condition, .asthma), ("depression", .condition, .depression), ("anxiety", .condition, .anxiety),
        ("breast cancer", .condition, .cancer),
        ("HCTZ", .drug, nil), ("ASA", .drug, nil), ("MTX", .drug, nil), ("APAP", .drug, nil), ("NTG", .drug, nil),
        ("INH", .drug, nil), ("5-FU", .drug, nil), ("TMP-SMX", .drug, nil), ("lisinopril", .drug, nil),
        ("Lasix", .drug, nil),
    ] + [
        "rash", "hives", "urticaria", "pruritus", "angioedema", "nausea", "vomiting", "diarrhea", "constipation",
        "hepatotoxicity", "transaminitis", "elevated LFTs", "QT prolongation", "hyperkalemia", "hyponatremia", "AKI",
        "bleeding", "GI bleed", "thrombocytopenia", "neutropenia", "agranulocytosis", "myalgia", "rhabdomyolysis",
        "cough", "dizziness", "sedation", "somnolence", "confusion", "delirium", "headache", "fatigue", "hypotension",
        "bradycardia", "edema", "SJS", "TEN", "DRESS", "anaphylaxis", "pancreatitis", "nephrotoxicity", "ototoxicity",
        "lactic acidosis", "hypoglycemia", "weight gain", "alopecia",
    ].map { ($0, ConceptCategory.adverseEffect, nil) }

    @Test(arguments: required.map { $0.0 })
    func requiredTermIsPresent(_ term: String) throws {
        let (_, category, risk) = try #require(Self.required.first { $0.0 == term })
        let hits = Shipped.lexicon.concepts.filter { c in c.terms.contains { $0.text == term } }
        #expect(!hits.isEmpty, "\(term) missing")
        #expect(hits.contains { $0.category == category }, "\(term) not a \(category)")
        if let risk {
            #expect(hits.contains { $0.riskFactor == risk }, "\(term) does not carry \(risk)")
        }
    }

    @Test func drugClassesAndAbbreviationsOfCommonDrugs() throws {
        let lex = Shipped.lexicon
        let hctz = try #require(lex[id: "drug:hydrochlorothiazide"])
        #expect(hctz.drugClass == "thiazide diuretic")
        #expect(hctz.codes.first == Coding(system: "DrugBank", code: "DB00999"))
        #expect(hctz.terms.contains { $0.text == "HCTZ" && $0.isAbbreviation })
        #expect(lex[id: "drug:atorvastatin"]?.drugClass == "statin")
        #expect(lex[id: "drug:lisinopril"]?.drugClass == "ACE inhibitor")
        #expect(lex[id: "drug:apixaban"]?.drugClass == "anticoagulant")
        #expect(lex[id: "drug:warfarin"]?.terms.contains { $0.text == "Coumadin" && $0.kind == .brand } == true)
    }

    /// A term (after the matcher's normalization) shared by two concepts must be flagged ambiguous in every
    /// concept that carries it. The list is spelled out so a new collision is a deliberate decision.
    @Test func sharedTermsAreListedAsAmbiguous() {
        var owners: [String: [(String, Bool)]] = [:]
        for c in Shipped.lexicon.concepts {
            var seen = Set<String>()
            for t in c.terms where seen.insert(Shipped.key(t.text)).inserted {
                owners[Shipped.key(t.text), default: []].append((c.id, t.isAmbiguous))
            }
        }
        var shared: [String] = []
        for (key, list) in owners where Set(list.map(\.0)).count > 1 {
            shared.append(key)
            for (id, ambiguous) in list {
                #expect(ambiguous, "'\(key)' is shared by \(list.map(\.0)) but not flagged ambiguous in \(id)")
            }
        }
        #expect(shared.sorted() == ["ad", "ar", "hl", "ms", "nph", "pd", "peg", "scd"])
    }

    @Test func caseSensitivityOfShortAbbreviations() throws {
        let lex = Shipped.lexicon
        func term(_ id: String, _ text: String) throws -> LexiconTerm {
            try #require(lex[id: id]?.terms.first { $0.text == text })
        }
        #expect(try term("cond:atrial_fibrillation", "AF").isCaseSensitive)
        #expect(try !term("cond:atrial_fibrillation", "afib").isCaseSensitive)
        #expect(try !term("cond:hypertension", "HTN").isCaseSensitive)
        #expect(try term("cond:pulmonary_embolism", "PE").isCaseSensitive)
        #expect(try term("cond:pulmonary_embolism", "PE").isAmbiguous)
        #expect(try term("drug:morphine", "MS").preferredSections == [.medications, .dischargeMedications])
        // Abbreviations that are ordinary words in lower case ("ten years", "hearing aids") match only in capitals.
        #expect(try term("ae:ten", "TEN").isCaseSensitive)
        #expect(try term("cond:hiv", "AIDS").isCaseSensitive)
        #expect(try term("cond:hiv", "AIDS").isAbbreviation)
    }

    @Test func matchingTermsPointBackAtTheirConcepts() throws {
        let lex = Shipped.lexicon
        let terms = lex.matchingTerms()
        #expect(terms.count == lex.concepts.reduce(0) { $0 + $1.terms.count })
        let htn = try #require(lex.index(of: "cond:hypertension"))
        #expect(terms.contains { $0.text == "HTN" && $0.conceptIndex == htn && $0.isAbbreviation })
        #expect(terms.contains { $0.text == "high blood pressure" && $0.conceptIndex == htn && !$0.isAbbreviation })
        for t in terms { #expect(!t.text.isEmpty && t.text == t.text.trimmingCharacters(in: .whitespaces)) }
    }
}
