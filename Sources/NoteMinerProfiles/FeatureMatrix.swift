/// `features.csv`: one row per patient, a fixed documented column order, loadable as-is by pandas or R.
///
/// Columns: `patient_id, n_notes`, then for each risk factor in `RiskFactorID.allCases` order `<id>` (1 when
/// present, else 0) and `<id>_status`, then `charlson_index, n_adverse_events`.
public enum FeatureMatrix {
    public static var header: [String] {
        var cols = ["patient_id", "n_notes"]
        for id in RiskFactorID.allCases { cols += [id.rawValue, id.rawValue + "_status"] }
        return cols + ["charlson_index", "n_adverse_events"]
    }

    public static func csv(_ profiles: [PatientProfile]) -> String {
        var out = header.joined(separator: ",") + "\n"
        for p in profiles {
            var row = [quote(p.patientID), String(p.notes.count)]
            for (_, f) in p.riskFactors {
                row += [f.status == .present ? "1" : "0", f.status.rawValue]
            }
            row += [String(p.charlson.index), String(p.adverseEvents.count)]
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }

    /// RFC 4180 quoting when needed.
    static func quote(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
