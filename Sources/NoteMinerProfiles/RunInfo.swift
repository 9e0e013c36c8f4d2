/// What a batch run was, for the report footer and the `runs` table of `results.sqlite`.
///
/// Passed in by the caller rather than read inside the writers (no clock, no environment), so two writes of
/// the same results give the same bytes. Counts of notes, patients, mentions and ADR sentences are computed by
/// the writers from the records themselves; only what the records cannot tell is carried here. For outputs that
/// must be byte-identical across a resumed run, leave `startedAt` nil or pass the original run's value.
public struct RunInfo: Sendable, Hashable {
    public var toolVersion: String
    /// SHA-256 hex (or any stable digest) of the lexicon files in use.
    public var lexiconFingerprint: String
    /// SHA-256 hex of the ADR model file in use.
    public var modelFingerprint: String
    /// ISO 8601 start time as the caller wants it shown, or nil.
    public var startedAt: String?
    /// Notes that could not be processed (they are in the quarantine list, not in the results).
    public var quarantined: Int
    /// Input paths as given on the command line, for provenance.
    public var inputs: [String]

    public init(toolVersion: String, lexiconFingerprint: String = "", modelFingerprint: String = "",
                startedAt: String? = nil, quarantined: Int = 0, inputs: [String] = []) {
        self.toolVersion = toolVersion
        self.lexiconFingerprint = lexiconFingerprint
        self.modelFingerprint = modelFingerprint
        self.startedAt = startedAt
        self.quarantined = quarantined
        self.inputs = inputs
    }
}
