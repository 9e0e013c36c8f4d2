/// Converts UTF-8 byte offsets of one text into Unicode code point offsets, the unit every output uses
/// (so Python, brat and BioC users can slice the text directly).
///
/// ASCII text converts by identity. Otherwise a checkpoint every 64 bytes records the code points before it,
/// and a conversion scans at most 63 bytes: O(1) time, n/16 bytes of memory.
public struct CodePointIndex: Sendable {
    private let isASCII: Bool
    private let checkpoints: [Int32]
    private let utf8: [UInt8]
    private static let stride = 64

    public init(utf8: [UInt8]) {
        self.utf8 = utf8
        let ascii = utf8.withUnsafeBufferPointer { Self.leadBytes($0, 0, $0.count) == -1 }
        isASCII = ascii
        if ascii {
            checkpoints = []
            return
        }
        var cps = [Int32]()
        cps.reserveCapacity(utf8.count / Self.stride + 2)
        var count: Int32 = 0
        utf8.withUnsafeBufferPointer { buf in
            var i = 0
            while i < buf.count {
                cps.append(count)
                let end = min(i + Self.stride, buf.count)
                count += Int32(Self.leadBytes(buf, i, end, counting: true))
                i = end
            }
        }
        cps.append(count)  // sentinel for offset == count when count % stride == 0
        checkpoints = cps
    }

    /// With `counting`, the bytes in `buf[from..<to]` that start a code point (are not `10xxxxxx`); without, -1
    /// when every byte there is ASCII and 0 otherwise. Eight bytes at a time: this runs over every note, and for
    /// every offset converted.
    @inline(__always)
    private static func leadBytes(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, counting: Bool = false) -> Int {
        guard let base = buf.baseAddress else { return counting ? 0 : -1 }
        var i = from, count = 0
        let high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= to {
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if counting {
                // A continuation byte has bit 7 set and bit 6 clear; `x << 1` moves each byte's bit 6 to bit 7.
                count += 8 - (x & ~(x << 1) & high).nonzeroBitCount
            } else if x & high != 0 {
                return 0
            }
            i += 8
        }
        while i < to {
            if counting {
                if base[i] & 0xC0 != 0x80 { count += 1 }
            } else if base[i] >= 0x80 {
                return 0
            }
            i += 1
        }
        return counting ? count : -1
    }

    /// The code point offset of UTF-8 byte offset `offset` (0...utf8.count). An offset inside a multi-byte
    /// sequence counts the code point as started.
    public func codePointOffset(utf8 offset: Int) -> Int {
        if isASCII { return offset }
        let block = offset / Self.stride
        let start = block * Self.stride
        precondition(offset >= 0 && offset <= utf8.count, "UTF-8 offset \(offset) outside 0...\(utf8.count)")
        return Int(checkpoints[block]) + utf8.withUnsafeBufferPointer { Self.leadBytes($0, start, offset, counting: true) }
    }

    public func codePointOffset(utf8 offset: Int32) -> Int { codePointOffset(utf8: Int(offset)) }

    /// The UTF-8 byte offset where code point `codePoint` starts; the text's byte length for a code point at or
    /// past its end. The inverse of `codePointOffset(utf8:)`, in O(log n + 64).
    public func utf8Offset(codePoint: Int) -> Int {
        if codePoint <= 0 { return 0 }
        if isASCII { return min(codePoint, utf8.count) }
        // The last block that starts at or before the code point.
        var lo = 0, hi = (utf8.count + Self.stride - 1) / Self.stride
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if Int(checkpoints[mid]) <= codePoint { lo = mid } else { hi = mid }
        }
        var count = Int(checkpoints[lo])
        var i = lo * Self.stride
        while i < utf8.count {
            if utf8[i] & 0xC0 != 0x80 {
                if count == codePoint { return i }
                count += 1
            }
            i += 1
        }
        return utf8.count
    }
}
