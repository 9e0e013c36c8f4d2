/// 64-bit FNV-1a (Fowler–Noll–Vo), the fixed hash behind the classifier's feature buckets.
///
/// Swift's `Hasher` is seeded per process, so a model trained with it would not reload; FNV-1a is fixed by
/// its published constants (offset basis 0xcbf29ce484222325, prime 0x100000001b3), cheap per byte and good
/// enough for feature hashing. Changing anything here invalidates every saved model, which is why the model
/// file names the hash (`"hash": "fnv1a64"`) and the loader refuses others.
public struct FNV1a64: Sendable, Hashable {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    public private(set) var value: UInt64 = FNV1a64.offsetBasis

    public init() {}

    @inline(__always)
    public mutating func combine(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* FNV1a64.prime
    }

    @inline(__always)
    public mutating func combine(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        var h = value
        for i in range { h = (h ^ UInt64(bytes[i])) &* FNV1a64.prime }
        value = h
    }

    public mutating func combine(_ s: String) {
        for b in s.utf8 { combine(b) }
    }

    /// The hash of a whole string, e.g. `FNV1a64.hash("a") == 0xaf63dc4c8601ec8c`.
    public static func hash(_ s: String) -> UInt64 {
        var h = FNV1a64()
        h.combine(s)
        return h.value
    }
}
