import Foundation
import Testing
@testable import NoteMinerIO

@Suite struct RedactionTests {
    let r = Redactor()

    @Test(arguments: [
        ("Seen on 3/14/2021 and 03-14-21.", "Seen on [DATE] and [DATE]."),
        ("Admitted 2021-03-14, discharged 2021/3/20.", "Admitted [DATE], discharged [DATE]."),
        ("Since March 14, 2021 and Mar 2021; on 14 Mar 2021 and 14th of March.", "Since [DATE] and [DATE]; on [DATE] and [DATE]."),
        ("Follow up Jan. 5 and January 5th; 5-Jan-2021.", "Follow up [DATE] and [DATE]; [DATE]."),
        ("Onset 03/2021.", "Onset [DATE]."),
        ("She may return in march to march.", "She may return in march to march."),
        ("In 2019 she had surgery.", "In 2019 she had surgery."),
    ])
    func dates(_ input: String, _ expected: String) {
        #expect(r.redact(input) == expected)
    }

    @Test(arguments: [
        ("Call (555) 123-4567 or 555-123-4567.", "Call [PHONE] or [PHONE]."),
        ("Pager 555.123.4567, cell 555 123 4567, +1 555 123 4567, 1-800-555-1234.", "Pager [PHONE], cell [PHONE], [PHONE], [PHONE]."),
        ("Ext 555-1234.", "Ext [PHONE]."),
    ])
    func phones(_ input: String, _ expected: String) {
        #expect(r.redact(input) == expected)
    }

    @Test(arguments: [
        ("Mail jane.doe+x@example-clinic.org.", "Mail [EMAIL]."),
        ("a@b is not one; x@host.c neither.", "a@b is not one; x@host.c neither."),
    ])
    func emails(_ input: String, _ expected: String) {
        #expect(r.redact(input) == expected)
    }

    @Test(arguments: [
        ("MRN: 12345, MR# 778899, SSN 123-45-6789.", "MRN: [ID], MR# [ID], SSN [ID]."),
        ("Acct no. 4471, account number 99812. ID A12345678.", "Acct no. [ID], account number [ID]. ID [ID]."),
        ("Record 00123456 reviewed; ref 987654321.", "Record [ID] reviewed; ref [ID]."),
        ("MRN12345678 on file.", "[ID] on file."),
    ])
    func ids(_ input: String, _ expected: String) {
        #expect(r.redact(input) == expected)
    }

    @Test(arguments: [
        "Lisinopril 10 mg daily, BP 120/80, HR 72, T 98.6F, SpO2 98%.",
        "Penicillin G 2400000 units IM; platelets 250000 /uL; viral load 1200000 copies/mL.",
        "Take 1/2 tablet; 1,000,000 units; A1c 7.2; MR 2+; MS Contin 15 mg; ICD I10; 3.14159265.",
        "Weight 81.6 kg, height 175 cm; glucose 126 mg/dL at 10:30.",
    ])
    func dosesAndVitalsAreKept(_ input: String) {
        #expect(r.redact(input) == input)
    }

    @Test(arguments: [
        ("Seen by Dr. Maria Lopez-Garcia today.", "Seen by Dr. [NAME] today."),
        ("Mr. O'Brien and Mrs. J. Smith; Ms Núñez.", "Mr. [NAME] and Mrs. [NAME]; Ms [NAME]."),
        ("Patient: Smith, John A.\nName: José Núñez\n  Patient Name: Jane Roe DOB: 1/2/1960", "Patient: [NAME]\nName: [NAME]\n  Patient Name: [NAME] DOB: [DATE]"),
        ("Patient: 62 yo man.\nPatient: denies pain.\nDrug name: Lisinopril", "Patient: 62 yo man.\nPatient: denies pain.\nDrug name: Lisinopril"),
        ("Dr. The note says", "Dr. The note says"),
    ])
    func names(_ input: String, _ expected: String) {
        #expect(r.redact(input) == expected)
    }

    @Test(arguments: [
        ("Seen [**2019-01-01**] by [**First Name (Titles) 123**] at [**Hospital 44**].", "Seen [DATE] by [NAME] at [ID]."),
        ("**NAME[AAA, BBB M] on **DATE[Jan 01 2019], tel **PHONE, **ID-NUM, **INSTITUTION.", "[NAME] on [DATE], tel [PHONE], [ID], [REDACTED]."),
        ("[**Location**] visit", "[REDACTED] visit"),
    ])
    func deidentificationTags(_ input: String, _ expected: String) {
        #expect(r.redact(input) == expected)
    }

    @Test func redactionIsIdempotentAndKeepsOtherText() {
        let text = "Dr. Lee (555) 123-4567 on 3/4/2021 MRN 1234567 a@b.org: cough, fever 38.5 C, 500 mg."
        let once = r.redact(text)
        #expect(once == "Dr. [NAME] [PHONE] on [DATE] MRN [ID] [EMAIL]: cough, fever 38.5 C, 500 mg.")
        #expect(r.redact(once) == once)
    }

    @Test func snippetsUseTheWholeNoteAndKeepOffsets() {
        let note = "Héllo 😀. Seen by Dr. Alan Turing on March 14, 2021 for cough."
        let map = r.map(note: note)
        let scalars = Array(note.unicodeScalars)
        func snippet(_ s: String) -> (String, Int) {
            let b = note.unicodeScalars.distance(from: note.unicodeScalars.startIndex, to: note.range(of: s)!.lowerBound.samePosition(in: note.unicodeScalars)!)
            return (String(String.UnicodeScalarView(scalars[b..<(b + s.unicodeScalars.count)])), b)
        }
        // The snippet alone has no title: only the whole note says "Alan Turing" is a name.
        let (name, nb) = snippet("Alan Turing on March")
        #expect(r.redact(name) == name.replacingOccurrences(of: "March", with: "March"))
        #expect(map.redact(name, begin: nb) == "[NAME] on [DATE]")
        // A date cut by the snippet end is still redacted.
        let (cut, cb) = snippet("on March 14, 20")
        #expect(map.redact(cut, begin: cb) == "on [DATE]")
        #expect(map.spans.map(\.kind) == [.name, .date])
        // Code point offsets (the emoji counts once).
        #expect(map.spans[0].begin == nb)
    }

    @Test func pathologicalRunsAreHandled() {
        // Long runs that every rule looks at (time is measured in scripts/bench-reliability.sh, not here).
        let dots = String(repeating: "a.", count: 50_000) + "@"
        #expect(r.redact(dots) == dots)
        let dashes = String(repeating: "1-", count: 50_000)
        #expect(r.redact(dashes) == dashes)
        let longNumber = String(repeating: "7", count: 100_000)
        #expect(r.redact(longNumber) == "[ID]")
        #expect(r.redact(String(repeating: "Dr. ", count: 3)) == "Dr. Dr. Dr. ")
        let tags = String(repeating: "[**", count: 50_000)
        #expect(r.redact(tags) == tags)
        #expect(r.redact(String(repeating: "March ", count: 3) + "3") == "March March [DATE]")
    }
}
