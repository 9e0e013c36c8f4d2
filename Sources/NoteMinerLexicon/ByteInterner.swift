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
    /// Slot → id, -1 when empty. Capacity is a power of two kept at most half full.
    private var slots: [Int32] = [Int32](repeating: -1, count: 64)

    var count: Int { begins.count }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    func bytes(of id: Int32) -> ArraySlice<UInt8> { pool[Int(begins[Int(id)])..<Int(ends[Int(id)])] }

    /// The id of `bytes`, or -1 when it was never interned. O(length) expected.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var s = Int(h) & mask
        return pool.withUnsafeBufferPointer { p in
            while true {
                let id = slots[s]
                if id < 0 { return -1 }
                if hashes[Int(id)] == h {
                    let b = Int(begins[Int(id)]), e = Int(ends[Int(id)])
                    if e - b == bytes.count {
                        var same = true
                        var k = 0
                        while k < bytes.count {
                            if p[b + k] != bytes[k] { same = false; break }
                            k += 1
                        }
                        if same { return id }
                    }
                }
                s = (s + 1) & mask
            }
        }
    }

    func lookup(_ bytes: [UInt8]) -> Int32 { bytes.withUnsafeBufferPointer { lookup($0) } }

    @discardableResult
    mutating func intern(_ bytes: [UInt8]) -> Int32 {
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
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = id
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for id in 0..<begins.count { insertSlot(id: Int32(id), hash: hashes[id]) }
    }
}

/// An open-addressing map from 64-bit keys to `Int32` values, for trie edges keyed by (node, token id).
struct EdgeTable: Sendable {
    private var keys: [UInt64] = [UInt64](repeating: .max, count: 64)
    private var values: [Int32] = [Int32](repeating: -1, count: 64)
    private(set) var count = 0

    @inline(__always)
    private static func mix(_ k: UInt64) -> UInt64 {
        var x = k &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x
    }

    @inline(__always)
    func get(_ key: UInt64) -> Int32 {
        let mask = keys.count - 1
        var s = Int(truncatingIfNeeded: Self.mix(key)) & mask
        while true {
            let k = keys[s]
            if k == key { return values[s] }
            if k == .max { return -1 }
            s = (s + 1) & mask
        }
    }

    mutating func set(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var s = Int(truncatingIfNeeded: Self.mix(key)) & mask
        while keys[s] != .max && keys[s] != key { s = (s + 1) & mask }
        if keys[s] == .max { count += 1 }
        keys[s] = key
        values[s] = value
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: .max, count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldKeys.count * 2)
        count = 0
        for i in 0..<oldKeys.count where oldKeys[i] != .max { set(oldKeys[i], oldValues[i]) }
    }
}
