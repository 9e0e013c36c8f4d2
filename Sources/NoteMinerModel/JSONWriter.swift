/// A minimal streaming JSON writer into a byte buffer.
///
/// Outputs must be byte-identical run to run and keys must come in the documented order, which
/// `JSONEncoder` (dictionary order, or alphabetical) does not give; it is also several times slower on
/// the per-token records the text stage emits. Callers write keys in schema order; the writer handles
/// commas and escaping. Numbers are written in a fixed form (`double(_:)` rounds to 6 significant decimals).
///
/// The bytes live in a raw buffer the writer owns, with the write position and capacity beside it: appending to an
/// `[UInt8]` checks uniqueness and capacity on every byte and goes through the generic sequence path for every run,
/// which made JSON writing a tenth of a batch run's CPU. The writer is noncopyable, so no write needs to ask whether
/// the buffer is shared (a copy-on-write check per value written was itself a few percent of a run): pass it
/// `inout`, and hand its bytes on with `bytes`, `withBytes` or `takeBytes`.
public struct JSONWriter: ~Copyable, @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    /// Bytes written.
    public private(set) var count = 0
    private var capacity: Int
    /// Whether the open container at each depth already holds a value: one bit per level for the first 64
    /// levels (every document this tool writes), an array beyond. A `[Bool]` stack cost a uniqueness check
    /// and a bounds check on every value written.
    private var commaBits: UInt64 = 0
    private var depth = 0
    private var deepCommas: [Bool] = []
    private var pendingValueAfterKey = false

    /// The bytes written so far (a copy).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes written so far, without copying them.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    public init(reserving capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Room for `n` more bytes (the buffer at least doubles when it grows).
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { reallocate(max(capacity * 2, count + n)) }
    }

    private mutating func reallocate(_ newCapacity: Int) {
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        fresh.initialize(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func put(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always)
    private mutating func put(_ p: UnsafeBufferPointer<UInt8>) {
        guard let src = p.baseAddress, p.count > 0 else { return }
        let n = p.count
        reserve(n)
        let dst = UnsafeMutableRawPointer(base + count)
        // Keys and most values are a few bytes: two overlapping loads and stores instead of a `memmove` call.
        if n >= 8 && n <= 16 {
            let raw = UnsafeRawPointer(src)
            let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            dst.storeBytes(of: head, as: UInt64.self)
            dst.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let raw = UnsafeRawPointer(src)
            let head = raw.loadUnaligned(as: UInt32.self), tail = raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            dst.storeBytes(of: head, as: UInt32.self)
            dst.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else {
            (base + count).update(from: src, count: n)
        }
        count += n
    }

    @inline(__always)
    private var needsComma: Bool {
        get { depth < 64 ? commaBits & (1 << UInt64(depth)) != 0 : deepCommas[depth - 64] }
        set {
            if depth < 64 {
                if newValue { commaBits |= 1 << UInt64(depth) } else { commaBits &= ~(1 << UInt64(depth)) }
            } else {
                deepCommas[depth - 64] = newValue
            }
        }
    }

    @inline(__always)
    private mutating func push() {
        depth += 1
        if depth >= 64 { deepCommas.append(false) } else { commaBits &= ~(1 << UInt64(depth)) }
    }

    @inline(__always)
    private mutating func pop() {
        if depth >= 64 { deepCommas.removeLast() }
        depth -= 1
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
        needsComma = true
    }

    public mutating func beginObject() { valuePrefix(); put(UInt8(ascii: "{")); push() }
    public mutating func endObject() { pop(); put(UInt8(ascii: "}")) }
    public mutating func beginArray() { valuePrefix(); put(UInt8(ascii: "[")); push() }
    public mutating func endArray() { pop(); put(UInt8(ascii: "]")) }

    /// Writes `"key":`; the value call that follows must not add another comma.
    public mutating func key(_ k: String) {
        separate()
        appendString(k)
        put(UInt8(ascii: ":"))
        needsComma = false
        pendingValueAfterKey = true
    }

    @inline(__always)
    private mutating func valuePrefix() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
            needsComma = true
        } else {
            separate()
        }
    }

    public mutating func string(_ s: String) { valuePrefix(); appendString(s) }
    public mutating func string(utf8 s: some Collection<UInt8>) { valuePrefix(); appendStringBytes(s) }
    public mutating func int(_ v: Int) { valuePrefix(); appendInt(v) }
    public mutating func bool(_ v: Bool) { valuePrefix(); append(v ? "true" : "false") }
    public mutating func null() { valuePrefix(); append("null") }
    /// A literal's bytes.
    @inline(__always)
    private mutating func append(_ s: StaticString) {
        put(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
    public mutating func optionalString(_ s: String?) { if let s { string(s) } else { null() } }
    /// A string value written in pieces (`beginString`, any `stringPiece`s, `endString`), for text assembled
    /// from parts: each piece is escaped as it comes, which gives the escaping of the whole (it is per byte),
    /// without building the whole as a String first.
    public mutating func beginString() { valuePrefix(); put(UInt8(ascii: "\"")) }
    public mutating func stringPiece(_ s: String) {
        var s = s
        s.withUTF8 { appendEscapedBody($0) }
    }
    public mutating func stringPiece(_ s: StaticString) {
        appendEscapedBody(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
    public mutating func stringPiece(_ v: Int) { appendInt(v) }
    public mutating func endString() { put(UInt8(ascii: "\"")) }
    /// Fixed-precision rendering so outputs do not depend on platform float printing.
    public mutating func double(_ v: Double, digits: Int = 6) {
        valuePrefix()
        JSONWriter.withFormatted(v, digits: digits) { put($0) }
    }
    /// Splices already-serialized JSON as one value.
    public mutating func raw(_ json: some Collection<UInt8>) {
        valuePrefix()
        if json.withContiguousStorageIfAvailable({ put($0) }) == nil { for b in json { put(b) } }
    }

    /// A key escaped once, for records written millions of times (a 10,000-note run writes 15 million mention
    /// keys): writing it is a copy, not an escape scan of a String.
    ///
    /// Keys belong in tables that live as long as the process (`static let`): their bytes are allocated once
    /// and never freed, so writing one copies bytes without retaining and releasing an array each time
    /// (which cost more than the copy).
    public struct Key: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
        public init(_ name: String) {
            var w = JSONWriter(reserving: name.utf8.count + 8)
            w.string(name)
            w.put(UInt8(ascii: ":"))
            let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: w.count)
            _ = storage.initialize(from: w.bytes)
            bytes = UnsafeBufferPointer(storage)
        }
    }

    /// Object members (`"k":v,…`, no braces) serialized once, for a group of fields that is the same on most
    /// records; like `Key`, for tables that live as long as the process.
    public struct Members: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
        public init(_ write: (inout JSONWriter) -> Void) {
            let members = JSONWriter.memberBytes(write)
            let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: members.count)
            _ = storage.initialize(from: members)
            bytes = UnsafeBufferPointer(storage)
        }
    }

    /// What `write` writes into an object, without the braces: members to splice with `members(_:)`.
    public static func memberBytes(_ write: (inout JSONWriter) -> Void) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        write(&w)
        w.endObject()
        return Array(w.bytes.dropFirst().dropLast())
    }

    public mutating func members(_ m: Members) { members(m.bytes) }

    public mutating func key(_ k: Key) {
        separate()
        put(k.bytes)
        needsComma = false
        pendingValueAfterKey = true
    }

    /// Members (`"k":v,…`, no braces) serialized earlier, written into the open object as they are: for
    /// groups of fields that repeat byte for byte on many records.
    public mutating func members(_ bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        put(bytes)
    }

    public mutating func field(_ k: Key, _ v: String) { key(k); string(v) }
    public mutating func field(_ k: Key, _ v: Int) { key(k); int(v) }
    public mutating func field(_ k: Key, _ v: Bool) { key(k); bool(v) }
    public mutating func field(_ k: Key, _ v: String?) { key(k); optionalString(v) }
    public mutating func field(_ k: Key, _ v: Double, digits: Int = 6) { key(k); double(v, digits: digits) }

    public mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    public mutating func field(_ k: String, _ v: Int) { key(k); int(v) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }
    public mutating func field(_ k: String, _ v: String?) { key(k); optionalString(v) }
    public mutating func field(_ k: String, _ v: Double, digits: Int = 6) { key(k); double(v, digits: digits) }

    /// Hands over the bytes written so far and continues with an empty buffer in the same nesting state, so a
    /// big document can be written out in pieces instead of held whole.
    public mutating func takeBytes() -> [UInt8] {
        let out = bytes
        count = 0
        return out
    }

    public mutating func newline() { put(UInt8(ascii: "\n")) }
    public mutating func reset() {
        count = 0
        commaBits = 0
        depth = 0
        deepCommas = []
        pendingValueAfterKey = false
    }

    /// Decimal digits without a temporary String (offsets and counts are most of what the records hold).
    private mutating func appendInt(_ v: Int) {
        if v >= 0, v < 10 { put(UInt8(ascii: "0") + UInt8(v)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: Int.min has 20 digits
        var magnitude = v.magnitude
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            if v < 0 { put(UInt8(ascii: "-")) }
            put(UnsafeRawBufferPointer(rebasing: buf[(24 - n)...]).bindMemory(to: UInt8.self))
        }
    }

    private mutating func appendString(_ s: String) {
        var s = s
        s.withUTF8 { appendStringBytes($0) }
    }

    /// Runs that need no escaping (almost all text) are copied in one go.
    private mutating func appendStringBytes(_ s: UnsafeBufferPointer<UInt8>) {
        // Room for the common case (nothing to escape) up front; escapes reserve their own.
        reserve(s.count + 2)
        put(UInt8(ascii: "\""))
        appendEscapedBody(s)
        put(UInt8(ascii: "\""))
    }

    /// The escaped bytes of `s`, without quotes.
    private mutating func appendEscapedBody(_ s: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for i in 0..<s.count {
            let b = s[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F else { continue }
            if runStart < i { put(UnsafeBufferPointer(rebasing: s[runStart..<i])) }
            appendEscaped(b)
            runStart = i + 1
        }
        if runStart < s.count { put(UnsafeBufferPointer(rebasing: s[runStart..<s.count])) }
    }

    @inline(__always)
    private mutating func appendEscaped(_ b: UInt8) {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(UInt8(ascii: "\\")); put(b)
        case 0x0A: put(UInt8(ascii: "\\")); put(UInt8(ascii: "n"))
        case 0x0D: put(UInt8(ascii: "\\")); put(UInt8(ascii: "r"))
        case 0x09: put(UInt8(ascii: "\\")); put(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            append("\\u00")
            put(hex.utf8Start[Int(b >> 4)]); put(hex.utf8Start[Int(b & 0xF)])
        }
    }

    private mutating func appendStringBytes(_ s: some Collection<UInt8>) {
        if let done: Void = s.withContiguousStorageIfAvailable({ appendStringBytes($0) }) { return done }
        put(UInt8(ascii: "\""))
        for b in s {
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { appendEscaped(b) } else { put(b) }
        }
        put(UInt8(ascii: "\""))
    }

    /// The Double that `format(v, digits:)` reads back as: what a JSON reader of our output gets.
    public static func rounded(_ v: Double, digits: Int) -> Double { Double(format(v, digits: digits)) ?? v }

    /// Deterministic decimal rendering with at most `digits` decimals, trailing zeros trimmed. NaN and
    /// infinities, which JSON cannot carry, become 0.
    public static func format(_ v: Double, digits: Int) -> String {
        withFormatted(v, digits: digits) { String(decoding: $0, as: UTF8.self) }
    }

    /// `format(v, digits:)`'s bytes, made in a buffer on the stack: building them as Strings (padding, trimming
    /// and joining) cost a microsecond per number, and a run writes every ADR probability and contribution
    /// twice and rounds each once.
    public static func withFormatted<R>(_ v: Double, digits: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48 + max(0, digits)) { buf in
            var n = 0
            /// The decimal digits of `x` (not negative), as `String(x)` writes them.
            func digitsOf(_ x: UInt64) {
                var x = x
                let start = n
                repeat {
                    buf[n] = UInt8(ascii: "0") + UInt8(x % 10)
                    n += 1
                    x /= 10
                } while x > 0
                var a = start, b = n - 1
                while a < b { buf.swapAt(a, b); a += 1; b -= 1 }
            }
            func done() -> R { body(UnsafeBufferPointer(rebasing: buf[0..<n])) }
            guard v.isFinite else {
                buf[0] = UInt8(ascii: "0"); n = 1
                return done()
            }
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            let rounded = (v * scale).rounded() / scale
            if rounded == rounded.rounded(), abs(rounded) < 1e15 {
                let whole = Int64(rounded)
                if whole < 0 { buf[0] = UInt8(ascii: "-"); n = 1 }
                digitsOf(whole.magnitude)
                return done()
            }
            let magnitude = abs(rounded)
            // Past Int64 (and past any number this project writes): Swift's own shortest rendering.
            guard magnitude < 9e18, digits <= 18 else {
                var s = "\(rounded)"
                return s.withUTF8 { body($0) }
            }
            if rounded < 0 { buf[0] = UInt8(ascii: "-"); n = 1 }
            let whole = Int64(magnitude)
            var frac = Int64(((magnitude - Double(whole)) * scale).rounded())
            var wholePart = whole
            if Double(frac) >= scale { wholePart += 1; frac = 0 }
            digitsOf(UInt64(wholePart))
            // The fraction padded to `digits` places, then its trailing zeros dropped.
            var places = digits
            while places > 0, frac % 10 == 0 { frac /= 10; places -= 1 }
            if places > 0 {
                buf[n] = UInt8(ascii: "."); n += 1
                let end = n + places
                var k = end - 1
                while k >= n { buf[k] = UInt8(ascii: "0") + UInt8(frac % 10); frac /= 10; k -= 1 }
                n = end
            }
            return done()
        }
    }
}
