import NoteMinerModel

/// Counters for `--stats` and run summaries. MB/s uses 10^6 bytes of UTF-8 note text.
public struct RunStatistics: Sendable {
    public var notes = 0
    public var refused = 0
    public var bytes = 0
    public var tokens = 0
    public var sentences = 0
    public var sections = 0
    public var mentions = 0
    public var seconds = 0.0
    public init() {}

    public mutating func add(_ doc: Document) {
        notes += 1
        bytes += doc.utf8.count
        tokens += doc.tokens.count
        sentences += doc.sentences.count
        sections += doc.sections.count
    }

    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }

    /// `{"notes","bytes","tokens","sentences","sections","seconds","mb_per_s"}` (+ `mentions` when asked).
    public func jsonLine(includeMentions: Bool = false) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("notes", notes)
        w.field("bytes", bytes)
        w.field("tokens", tokens)
        w.field("sentences", sentences)
        w.field("sections", sections)
        if includeMentions { w.field("mentions", mentions) }
        w.field("seconds", seconds, digits: 3)
        w.field("mb_per_s", megabytesPerSecond, digits: 2)
        if refused > 0 { w.field("refused", refused) }
        w.endObject()
        w.newline()
        return w.bytes
    }
}
