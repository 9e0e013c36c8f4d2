#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoteMinerModel

/// Interns byte strings (normalized token forms) as dense `Int32` ids.
///
/// Matching looks up every token of every note, so lookups take a raw byte slice and never build a
/// `String`: an open-addressing table with FNV-1a hashing over one shared byte pool. Swift's `Hasher` would
/// also do, but it needs a `Hashable` key value per lookup, which is what we avoid.
struct ByteInterner: Sendable {
    private var pool: [UInt8] = []
    private var begins: [Int32] = []
    private var ends: [Int32] = []
    private var hashes: [UInt32] = []
    /// Slot → hash << 32 | (id + 1), 0 when empty, so a probe reads one word and compares hashes before
    /// touching the pool. Capacity is a power of two kept at most half full.
    private var slots: [UInt64] = [UInt64](repeating: 0, count: 64)

    var count: Int { begins.count }

    /// The hash of token forms (`Document.hash`), so a token's precomputed `Document.normHashes` entry is its key.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 { Document.hash(bytes) }

    func bytes(of id: Int32) -> ArraySlice<UInt8> { pool[Int(begins[Int(id)])..<Int(ends[Int(id)])] }

    /// The id of `bytes`, or -1 when it was never interned. O(length) expected.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if bytes.isEmpty { return -1 }
        return lookup(bytes, hash: Self.hash(bytes))
    }

    /// `lookup` with the FNV-1a hash of `bytes` already computed.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt32) -> Int32 {
        if bytes.isEmpty { return -1 }
        let mask = slots.count - 1
        var s = Int(h) & mask
        return pool.withUnsafeBufferPointer { p in
            slots.withUnsafeBufferPointer { slots in
                while true {
                    let slot = slots[s]
                    if slot == 0 { return -1 }
                    if UInt32(truncatingIfNeeded: slot >> 32) == h {
                        let id = Int(UInt32(truncatingIfNeeded: slot)) - 1
                        let b = Int(begins[id]), e = Int(ends[id])
                        if e - b == bytes.count && memcmp(p.baseAddress! + b, bytes.baseAddress!, bytes.count) == 0 {
                            return Int32(id)
                        }
                    }
                    s = (s + 1) & mask
                }
            }
        }
    }

    func lookup(_ bytes: [UInt8]) -> Int32 { bytes.withUnsafeBufferPointer { lookup($0) } }

    @discardableResult
    mutating func intern(_ bytes: [UInt8]) -> Int32 {
        precondition(!bytes.isEmpty, "empty forms are never interned")
        let existing = lookup(bytes)
        if existing >= 0 { return existing }
        if (begins.count + 1) * 2 > slots.count { grow() }
        let id = Int32(begins.count)
        let h = bytes.withUnsafeBufferPointer { Self.hash($0) }
        begins.append(Int32(pool.count))
        pool.append(contentsOf: bytes)
        ends.append(Int32(pool.count))
        hashes.append(h)
        insertSlot(id: id, hash: h)
        return id
    }

    private mutating func insertSlot(id: Int32, hash h: UInt32) {
        let mask = slots.count - 1
        var s = Int(h) & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = UInt64(h) << 32 | UInt64(id + 1)
    }

    private mutating func grow() {
        slots = [UInt64](repeating: 0, count: slots.count * 2)
        for id in 0..<begins.count { insertSlot(id: Int32(id), hash: hashes[id]) }
    }
}

/// An open-addressing map from 64-bit keys to `Int32` values, for trie edges keyed by (node, token id).
struct EdgeTable: Sendable {
    /// Interleaved (key, value) pairs so a probe touches one cache line; key `.max` = empty.
    private var entries: [(key: UInt64, value: Int32)] = [(key: UInt64, value: Int32)](repeating: (.max, -1), count: 64)
    private(set) var count = 0

    @inline(__always)
    private static func mix(_ k: UInt64) -> UInt64 {
        var x = k &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x
    }

    @inline(__always)
    func get(_ key: UInt64) -> Int32 {
        entries.withUnsafeBufferPointer { e in
            let mask = e.count - 1
            var s = Int(truncatingIfNeeded: Self.mix(key)) & mask
            while true {
                let k = e[s].key
                if k == key { return e[s].value }
                if k == .max { return -1 }
                s = (s + 1) & mask
            }
        }
    }

    mutating func set(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > entries.count { grow() }
        let mask = entries.count - 1
        var s = Int(truncatingIfNeeded: Self.mix(key)) & mask
        while entries[s].key != .max && entries[s].key != key { s = (s + 1) & mask }
        if entries[s].key == .max { count += 1 }
        entries[s] = (key, value)
    }

    private mutating func grow() {
        let old = entries
        entries = [(key: UInt64, value: Int32)](repeating: (.max, -1), count: old.count * 2)
        count = 0
        for e in old where e.key != .max { set(e.key, e.value) }
    }
}
