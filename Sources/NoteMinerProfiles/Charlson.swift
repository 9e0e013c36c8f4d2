/// Charlson Comorbidity Index from ICD-10 codes, using the Quan et al. 2005 ICD-10 coding algorithm
/// (Med Care 43:1130) with the original Charlson weights, and the usual hierarchy: a complicated form
/// (diabetes with complications, moderate/severe liver disease, metastatic tumour) replaces its mild form.
/// Age points: 50–59 → 1, 60–69 → 2, 70–79 → 3, ≥ 80 → 4, when an age is known.
public enum Charlson {
    public struct Component: Sendable, Hashable {
        public let id: String
        public let weight: Int
        /// Code prefixes without the dot; a code matches when its dotless form starts with one of them.
        let prefixes: [String]
    }

    /// Ranges like "I60-I69" expand to every 3-character category in between; "K70.0-K70.3" to 4-character codes.
    private static func expand(_ spec: String) -> [String] {
        var out: [String] = []
        for part in spec.split(separator: " ") {
            let p = part.replacingOccurrences(of: ".", with: "")
            if let dash = p.firstIndex(of: "-") {
                let lo = String(p[..<dash]), hi = String(p[p.index(after: dash)...])
                let letter = lo.prefix(1)
                guard let a = Int(lo.dropFirst()), let b = Int(hi.dropFirst()) else { continue }
                let width = lo.count - 1
                for n in a...b {
                    var digits = String(n)
                    while digits.count < width { digits = "0" + digits }
                    out.append(letter + digits)
                }
            } else {
                out.append(p)
            }
        }
        return out
    }

    public static let components: [Component] = [
        Component(id: "myocardial_infarction", weight: 1, prefixes: expand("I21 I22 I252")),
        Component(id: "congestive_heart_failure", weight: 1, prefixes: expand("I099 I110 I130 I132 I255 I420 I425-I429 I43 I50 P290")),
        Component(id: "peripheral_vascular_disease", weight: 1, prefixes: expand("I70 I71 I731 I738 I739 I771 I790 I792 K551 K558 K559 Z958 Z959")),
        Component(id: "cerebrovascular_disease", weight: 1, prefixes: expand("G45 G46 H340 I60-I69")),
        Component(id: "dementia", weight: 1, prefixes: expand("F00-F03 F051 G30 G311")),
        Component(id: "chronic_pulmonary_disease", weight: 1, prefixes: expand("I278 I279 J40-J47 J60-J67 J684 J701 J703")),
        Component(id: "rheumatic_disease", weight: 1, prefixes: expand("M05 M06 M315 M32-M34 M351 M353 M360")),
        Component(id: "peptic_ulcer_disease", weight: 1, prefixes: expand("K25-K28")),
        Component(id: "mild_liver_disease", weight: 1, prefixes: expand("B18 K700-K703 K709 K713-K715 K717 K73 K74 K760 K762-K764 K768 K769 Z944")),
        Component(id: "diabetes_without_complications", weight: 1, prefixes: expand("E100 E101 E106 E108 E109 E110 E111 E116 E118 E119 E120 E121 E126 E128 E129 E130 E131 E136 E138 E139 E140 E141 E146 E148 E149")),
        Component(id: "diabetes_with_complications", weight: 2, prefixes: expand("E102-E105 E107 E112-E115 E117 E122-E125 E127 E132-E135 E137 E142-E145 E147")),
        Component(id: "hemiplegia_or_paraplegia", weight: 2, prefixes: expand("G041 G114 G801 G802 G81 G82 G830-G834 G839")),
        Component(id: "renal_disease", weight: 2, prefixes: expand("I120 I131 N032-N037 N052-N057 N18 N19 N250 Z490-Z492 Z940 Z992")),
        Component(id: "any_malignancy", weight: 2, prefixes: expand("C00-C26 C30-C34 C37-C41 C43 C45-C58 C60-C76 C81-C85 C88 C90-C97")),
        Component(id: "moderate_or_severe_liver_disease", weight: 3, prefixes: expand("I850 I859 I864 I982 K704 K711 K721 K729 K765 K766 K767")),
        Component(id: "metastatic_solid_tumor", weight: 6, prefixes: expand("C77-C80")),
        Component(id: "aids_hiv", weight: 6, prefixes: expand("B20-B22 B24")),
    ]

    /// Which mild component a severe one replaces.
    private static let hierarchy: [String: String] = [
        "diabetes_with_complications": "diabetes_without_complications",
        "moderate_or_severe_liver_disease": "mild_liver_disease",
        "metastatic_solid_tumor": "any_malignancy",
    ]

    public struct Score: Sendable, Hashable {
        public var index: Int
        /// Component id → points, only for components that count (sorted by id when serialized).
        public var components: [String: Int]
        public var agePoints: Int
    }

    public static func agePoints(_ age: Int?) -> Int {
        guard let age else { return 0 }
        switch age {
        case ..<50: return 0
        case 50..<60: return 1
        case 60..<70: return 2
        case 70..<80: return 3
        default: return 4
        }
    }

    /// Score of a set of ICD-10(-CM) codes (dotted or not) and an optional age.
    public static func score(codes: some Sequence<String>, age: Int?) -> Score {
        var hit = Set<String>()
        var key: [UInt8] = []
        for raw in codes {
            // Dotless, upper-cased; then every prefix of it looked up (prefixes are 3 to 4 characters).
            key.removeAll(keepingCapacity: true)
            for b in raw.utf8 where b != UInt8(ascii: ".") {
                key.append(b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b - 32 : b)
                if key.count == prefixTable.maxLength { break }
            }
            for n in stride(from: key.count, through: 1, by: -1) {
                guard let ids = prefixTable.ids[String(decoding: key[..<n], as: UTF8.self)] else { continue }
                for i in ids { hit.insert(components[i].id) }
            }
        }
        for (severe, mild) in hierarchy where hit.contains(severe) { hit.remove(mild) }
        var points: [String: Int] = [:]
        for c in components where hit.contains(c.id) { points[c.id] = c.weight }
        let age = agePoints(age)
        return Score(index: points.values.reduce(0, +) + age, components: points, agePoints: age)
    }

    /// Prefix → the components that list it; a profile has dozens of codes, so scoring looks up a code's few
    /// prefixes instead of testing it against every component's prefix list.
    private static let prefixTable: (ids: [String: [Int]], maxLength: Int) = {
        var ids: [String: [Int]] = [:]
        var maxLength = 0
        for (i, c) in components.enumerated() {
            for p in c.prefixes {
                if ids[p]?.contains(i) != true { ids[p, default: []].append(i) }
                maxLength = max(maxLength, p.utf8.count)
            }
        }
        return (ids, maxLength)
    }()
}
