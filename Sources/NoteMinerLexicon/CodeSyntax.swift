/// The code systems a lexicon may cite, with a syntax check per system so a typo ("E119", "DB123") is caught
/// when the lexicon loads rather than surfacing in a coder's output.
public enum CodeSystem: String, Sendable, CaseIterable, Hashable {
    case icd10cm = "ICD-10-CM"
    case rxNorm = "RxNorm"
    case drugBank = "DrugBank"
    case mesh = "MeSH"
    case medlinePlus = "MedlinePlus"

    public static var allIDs: [String] { allCases.map(\.rawValue) }

    /// Nil when `code` is well formed in this system, else the reason it is not.
    public func syntaxProblem(_ code: String) -> String? {
        let b = Array(code.utf8)
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
        func allDigits(_ s: ArraySlice<UInt8>) -> Bool { !s.isEmpty && s.allSatisfy(isDigit) }
        switch self {
        case .icd10cm:
            // Dotted form: letter, two alphanumerics, then optionally "." and 1–4 alphanumerics (E11.9, S72.001A).
            // The second character is usually a digit, but FY2026 added letter categories ("QA0.0101").
            guard b.count >= 3, isUpper(b[0]), isUpper(b[1]) || isDigit(b[1]), isUpper(b[2]) || isDigit(b[2]) else {
                return "malformed ICD-10-CM code '\(code)' (expected e.g. I10 or E11.9)"
            }
            if b.count == 3 { return nil }
            guard b[3] == UInt8(ascii: "."), (5...8).contains(b.count),
                  b[4...].allSatisfy({ isUpper($0) || isDigit($0) }) else {
                if b.count >= 4, b[3] != UInt8(ascii: "."), b.allSatisfy({ isUpper($0) || isDigit($0) }) {
                    return "ICD-10-CM code '\(code)' must be written in dotted form (\(ICD10CMCodeSet.dotted(code)))"
                }
                return "malformed ICD-10-CM code '\(code)' (expected e.g. I10 or E11.9)"
            }
            return nil
        case .rxNorm:
            return allDigits(b[...]) && b.count <= 8 ? nil : "malformed RxNorm CUI '\(code)' (expected digits)"
        case .drugBank:
            return b.count == 7 && b[0] == UInt8(ascii: "D") && b[1] == UInt8(ascii: "B") && allDigits(b[2...])
                ? nil : "malformed DrugBank id '\(code)' (expected DB followed by 5 digits)"
        case .mesh:
            return b.count >= 7 && (b[0] == UInt8(ascii: "D") || b[0] == UInt8(ascii: "C")) && allDigits(b[1...])
                ? nil : "malformed MeSH id '\(code)' (expected D or C followed by digits)"
        case .medlinePlus:
            return b.count >= 5 && (b[0] == UInt8(ascii: "a") || b[0] == UInt8(ascii: "d")) && allDigits(b[1...])
                ? nil : "malformed MedlinePlus id '\(code)' (expected a followed by digits)"
        }
    }
}
