import Foundation
import Testing
import TestSupport
@testable import NoteMinerModel

@Suite struct JSONWriterTests {
    /// Commas are tracked per nesting level in a bit set for the first 64 levels and an array beyond: a document
    /// deeper than that must still come out right, and parse back.
    @Test func deepNestingKeepsCommasRight() throws {
        for depth in [1, 63, 64, 65, 130] {
            var w = JSONWriter()
            for level in 0..<depth {
                w.beginObject()
                w.field("level", level)
                w.key("next")
            }
            w.string("end")
            for _ in 0..<depth {
                w.field("after", true)
                w.endObject()
            }
            var expected = ""
            for level in 0..<depth { expected += "{\"level\":\(level),\"next\":" }
            expected += "\"end\""
            for _ in 0..<depth { expected += ",\"after\":true}" }
            #expect(String(decoding: w.bytes, as: UTF8.self) == expected, "depth \(depth)")
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(w.bytes)) }
        }
    }

    @Test func arraysOfArraysAndReset() {
        var w = JSONWriter()
        w.beginArray()
        for i in 0..<3 { w.beginArray(); w.int(i); w.int(-i * 1000); w.endArray() }
        w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[[0,0],[1,-1000],[2,-2000]]")
        w.reset()
        w.beginArray(); w.int(7); w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[7]")
    }

    /// Integers are written digit by digit without a String: the same text as Swift's own rendering.
    @Test func integersMatchSwiftRendering() {
        var rng = SplitMix64(seed: 42)
        var values = [0, 1, 9, 10, -1, -9, -10, 99, 100, Int.max, Int.min, Int.min + 1]
        for _ in 0..<2000 { values.append(Int(bitPattern: UInt(rng.next())) >> Int(rng.next() % 64)) }
        for v in values {
            var w = JSONWriter()
            w.int(v)
            #expect(String(decoding: w.bytes, as: UTF8.self) == String(v))
        }
    }

    /// Decimals are made in a stack buffer: the same text as the rule they follow, spelled out here with Strings
    /// (round to `digits` places, an integer without a point, else the fraction padded and its trailing zeros
    /// trimmed; NaN and infinities as 0), for edge values and random ones at every precision used.
    @Test func decimalsFollowTheRule() {
        func reference(_ v: Double, _ digits: Int) -> String {
            guard v.isFinite else { return "0" }
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            let rounded = (v * scale).rounded() / scale
            if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
            let magnitude = abs(rounded)
            let whole = Int64(magnitude)
            var frac = Int64(((magnitude - Double(whole)) * scale).rounded())
            var wholePart = whole
            if Double(frac) >= scale { wholePart += 1; frac = 0 }
            var fracString = String(frac)
            while fracString.count < digits { fracString = "0" + fracString }
            while fracString.hasSuffix("0") { fracString.removeLast() }
            let body = fracString.isEmpty ? String(wholePart) : "\(wholePart).\(fracString)"
            return rounded < 0 ? "-" + body : body
        }
        var values: [Double] = [0, -0.0, 1, -1, 0.5, -0.5, 0.00005, -0.00005, 0.99995, 0.999949, 1e-9, 123.456789,
                                -123.456789, 0.1, 0.2, 0.3, 1e14 + 0.5, 1e15, 1e15 + 0.25, -1e15 - 0.25, 4.9999999, 1e18,
                                .nan, .infinity, -.infinity, .ulpOfOne, 0.0001, 0.00015, 2.5e-5]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            let unit = Double(rng.next() >> 11) / Double(1 << 53)
            values.append((unit - 0.5) * pow(10, Double(rng.next() % 12) - 4))
        }
        for v in values {
            for digits in [0, 1, 2, 3, 4, 6] {
                #expect(JSONWriter.format(v, digits: digits) == reference(v, digits), "\(v) to \(digits) places")
                var w = JSONWriter()
                w.double(v, digits: digits)
                #expect(String(decoding: w.bytes, as: UTF8.self) == reference(v, digits))
            }
        }
    }

    /// A string written in pieces is the string written whole, escapes included.
    @Test func stringPiecesEqualTheWhole() {
        let parts = ["note \"a\"", "\n\t", "é\u{1}", "", "end\\"]
        var whole = JSONWriter(), pieces = JSONWriter()
        whole.beginArray(); whole.string(parts.joined() + "42"); whole.int(1); whole.endArray()
        pieces.beginArray(); pieces.beginString()
        for p in parts { pieces.stringPiece(p) }
        pieces.stringPiece(42)
        pieces.endString(); pieces.int(1); pieces.endArray()
        #expect(pieces.bytes == whole.bytes)
    }

    /// The writer owns its buffer (it is noncopyable: a move, never a shared copy): it grows from the smallest
    /// reservation, hands its bytes over with `takeBytes` and goes on in the same nesting, and a moved writer
    /// keeps what was written.
    @Test func growsHandsOverAndMoves() {
        var a = JSONWriter(reserving: 1)
        a.beginArray(); a.string("first")
        let taken = a.takeBytes()
        #expect(String(decoding: taken, as: UTF8.self) == "[\"first\"")
        #expect(a.count == 0)
        a.withBytes { #expect($0.isEmpty) }
        a.string(String(repeating: "x", count: 300)); a.int(1); a.endArray()
        var b = a  // a move: `a` cannot be used after this line
        b.newline()
        #expect(String(decoding: taken + b.bytes, as: UTF8.self)
                == "[\"first\",\"" + String(repeating: "x", count: 300) + "\",1]\n")
        #expect((try? JSONSerialization.jsonObject(with: Data(taken + b.bytes))) != nil)
    }
}

@Suite struct ParallelTests {
    @Test func mapKeepsInputOrder() {
        for count in [0, 1, 2, 3, 17, 1000] {
            let out = Parallel.map(count: count) { $0 * $0 }
            #expect(out == (0..<count).map { $0 * $0 })
        }
    }
}
