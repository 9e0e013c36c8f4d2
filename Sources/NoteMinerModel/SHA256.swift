import CSHA256

/// SHA-256 (FIPS 180-4), for content hashes that key the resume cache and fingerprint lexicons and models.
/// Self-contained because Foundation on Linux has no CryptoKit and a crypto package would be a heavy
/// dependency for one function. Not used for anything security-relevant.
///
/// Blocks go through the CPU's SHA instructions when it has them (`CSHA256`), else through the portable
/// function below; both give the same digest (a test compares them).
public struct SHA256: Sendable {
    private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0
    /// False: the portable block function only (tests compare the two).
    var usesHardware = SHA256.hardwareAvailable

    static let hardwareAvailable = nm_sha256_hw_available() != 0

    /// The round constants, from the C target (one table for both block functions).
    nonisolated(unsafe) private static let k = UnsafeBufferPointer(start: nm_sha256_round_constants(), count: 64)

    public init() {}

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        // Whole blocks straight from contiguous storage: every note's text is hashed for the resume cache.
        let done: Bool? = bytes.withContiguousStorageIfAvailable { buf -> Bool in
            var i = 0
            while i < buf.count, !pending.isEmpty {
                pending.append(buf[i]); i += 1; length &+= 1
                if pending.count == 64 { compressPending() }
            }
            if let base = buf.baseAddress, buf.count - i >= 64 {
                let blocks = (buf.count - i) / 64
                compress(base + i, blocks: blocks)
                i += 64 * blocks
                length &+= UInt64(64 * blocks)
            }
            while i < buf.count { pending.append(buf[i]); i += 1; length &+= 1 }
            return true
        }
        if done == true { return }
        for b in bytes {
            pending.append(b)
            length &+= 1
            if pending.count == 64 { compressPending() }
        }
    }

    private mutating func compressPending() {
        let block = pending
        block.withUnsafeBufferPointer { compress($0.baseAddress!, blocks: 1) }
        pending.removeAll(keepingCapacity: true)
    }

    public mutating func update(_ string: String) { update(string.utf8) }

    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        tail.withUnsafeBufferPointer { t in compress(t.baseAddress!, blocks: t.count / 64) }
        pending.removeAll()
        var out: [UInt8] = []
        for v in h { out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
        return out
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var s = SHA256()
        s.update(bytes)
        return hexString(s.finalize())
    }

    /// Lower-case hex of a digest.
    public static func hexString(_ digest: [UInt8]) -> String {
        // Into one buffer: a String per byte, joined, cost more than hashing a note (this runs for every note).
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: digest.count * 2) { out in
            for (k, b) in digest.enumerated() {
                out[2 * k] = digits.utf8Start[Int(b >> 4)]
                out[2 * k + 1] = digits.utf8Start[Int(b & 0x0F)]
            }
            return digest.count * 2
        }
    }

    public static func hex(_ string: String) -> String { hex(Array(string.utf8)) }

    /// `blocks` 64-byte blocks at `data`.
    private mutating func compress(_ data: UnsafePointer<UInt8>, blocks: Int) {
        let hardware = usesHardware
        h.withUnsafeMutableBufferPointer { Self.compress($0.baseAddress!, data, blocks: blocks, hardware: hardware) }
    }

    /// `blocks` 64-byte blocks at `data` into the eight words of `state`.
    private static func compress(_ state: UnsafeMutablePointer<UInt32>, _ data: UnsafePointer<UInt8>, blocks: Int, hardware: Bool) {
        if hardware {
            _ = nm_sha256_hw_compress(state, data, blocks)
        } else {
            for b in 0..<blocks { compressPortable(state, data + 64 * b) }
        }
    }

    /// The digest of `message`, written to `out` (32 bytes), in one call and without a heap allocation: for the
    /// many short digests (a FHIR bundle's resource ids), where a hasher's arrays cost more than the hashing.
    public static func digest(_ message: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) {
        digest(message, into: out, hardware: hardwareAvailable)
    }

    static func digest(_ message: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, hardware: Bool) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8) { state in
            state[0] = 0x6a09e667; state[1] = 0xbb67ae85; state[2] = 0x3c6ef372; state[3] = 0xa54ff53a
            state[4] = 0x510e527f; state[5] = 0x9b05688c; state[6] = 0x1f83d9ab; state[7] = 0x5be0cd19
            let s = state.baseAddress!
            let full = message.count / 64
            if full > 0 { compress(s, message.baseAddress!, blocks: full, hardware: hardware) }
            // The rest, the 0x80 marker and the bit length: one block, or two when the rest leaves no room.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                let rest = message.count - 64 * full
                for i in 0..<rest { tail[i] = message[64 * full + i] }
                let blocks = rest + 9 <= 64 ? 1 : 2
                for i in rest..<(64 * blocks) { tail[i] = 0 }
                tail[rest] = 0x80
                let bits = UInt64(message.count) &* 8
                for i in 0..<8 { tail[64 * blocks - 1 - i] = UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8)) }
                compress(s, UnsafePointer(tail.baseAddress!), blocks: blocks, hardware: hardware)
            }
            for i in 0..<8 {
                out[4 * i] = UInt8(truncatingIfNeeded: s[i] >> 24); out[4 * i + 1] = UInt8(truncatingIfNeeded: s[i] >> 16)
                out[4 * i + 2] = UInt8(truncatingIfNeeded: s[i] >> 8); out[4 * i + 3] = UInt8(truncatingIfNeeded: s[i])
            }
        }
    }

    /// One 64-byte block at `block`. The message schedule lives on the stack: allocating it (and a copy of
    /// the block) per 64 bytes made hashing the notes a visible share of a batch run.
    private static func compressPortable(_ state: UnsafeMutablePointer<UInt32>, _ block: UnsafePointer<UInt8>) {
        @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                w[i] = UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16 | UInt32(block[i * 4 + 2]) << 8 | UInt32(block[i * 4 + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            do {
                let k = SHA256.k
                let h = state
                do {
                    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
                    for i in 0..<64 {
                        let S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = hh &+ S1 &+ ch &+ k[i] &+ w[i]
                        let S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = S0 &+ maj
                        hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                    }
                    h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
                }
            }
        }
    }
}
