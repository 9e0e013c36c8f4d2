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
        var ascii = true
        for b in utf8 where b >= 0x80 { ascii = false; break }
        isASCII = ascii
        if ascii {
            checkpoints = []
            return
        }
        var cps = [Int32]()
        cps.reserveCapacity(utf8.count / Self.stride + 2)
        var count: Int32 = 0
        utf8.withUnsafeBufferPointer { buf in
            for i in 0..<buf.count {
                if i % Self.stride == 0 { cps.append(count) }
                if buf[i] & 0xC0 != 0x80 { count += 1 }
            }
        }
        cps.append(count)  // sentinel for offset == count when count % stride == 0
        checkpoints = cps
    }

    /// The code point offset of UTF-8 byte offset `offset` (0...utf8.count). An offset inside a multi-byte
    /// sequence counts the code point as started.
    public func codePointOffset(utf8 offset: Int) -> Int {
        if isASCII { return offset }
        let block = offset / Self.stride
        var count = Int(checkpoints[block])
        var i = block * Self.stride
        while i < offset {
            if utf8[i] & 0xC0 != 0x80 { count += 1 }
            i += 1
        }
        return count
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
