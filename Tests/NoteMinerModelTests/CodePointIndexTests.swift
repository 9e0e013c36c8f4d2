import Testing
@testable import NoteMinerModel
import TestSupport

@Suite struct CodePointIndexTests {
    @Test func asciiIsIdentity() {
        let idx = CodePointIndex(utf8: Array("hello world".utf8))
        #expect(idx.codePointOffset(utf8: 0) == 0)
        #expect(idx.codePointOffset(utf8: 11) == 11)
    }

    @Test func multiByteAcrossCheckpoints() {
        let text = String(repeating: "é😀a", count: 100)
        let bytes = Array(text.utf8)
        let idx = CodePointIndex(utf8: bytes)
        var cp = 0
        var offset = 0
        for scalar in text.unicodeScalars {
            #expect(idx.codePointOffset(utf8: offset) == cp)
            offset += String(scalar).utf8.count
            cp += 1
        }
        #expect(idx.codePointOffset(utf8: bytes.count) == text.unicodeScalars.count)
    }

    /// Every byte offset, including ones inside a sequence, of texts mixing ASCII runs (of lengths around the
    /// 8-byte step) with 2- to 4-byte scalars: the count of bytes before it that start a code point.
    @Test func everyOffsetCountsTheLeadBytesBeforeIt() {
        var rng = SplitMix64(seed: 5)
        let pieces = ["a", "abcdefg", "abcdefghi", "é", "–", "😀", "中文", "\n"]
        for _ in 0..<300 {
            let text = (0..<Int.random(in: 0...40, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let bytes = Array(text.utf8)
            let idx = CodePointIndex(utf8: bytes)
            var leads = 0
            for k in 0...bytes.count {
                #expect(idx.codePointOffset(utf8: k) == leads, "offset \(k) of \(text)")
                if k < bytes.count, bytes[k] & 0xC0 != 0x80 { leads += 1 }
            }
        }
    }

    @Test func utf8OffsetInvertsCodePointOffset() {
        for text in ["", "plain ascii text", String(repeating: "é😀a", count: 100), "x" + String(repeating: "中文", count: 70) + "."] {
            let bytes = Array(text.utf8)
            let idx = CodePointIndex(utf8: bytes)
            var offset = 0
            for (cp, scalar) in text.unicodeScalars.enumerated() {
                #expect(idx.utf8Offset(codePoint: cp) == offset, "code point \(cp) of \(text.prefix(10))")
                offset += String(scalar).utf8.count
            }
            #expect(idx.utf8Offset(codePoint: text.unicodeScalars.count) == bytes.count)
            #expect(idx.utf8Offset(codePoint: text.unicodeScalars.count + 5) == bytes.count)
        }
    }

    @Test func jsonWriterOrderAndEscaping() {
        var w = JSONWriter()
        w.beginObject()
        w.field("b", "x\"\n\u{1}")
        w.key("a"); w.beginArray(); w.beginObject(); w.endObject(); w.int(5); w.endArray()
        w.field("c", 0.1234567)
        w.endObject()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"b":"x\"\n\u0001","a":[{},5],"c":0.123457}"#)
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(SHA256.hex(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Fed in pieces of every awkward size (across block boundaries, through the non-contiguous path): the same digest.
    @Test func piecesGiveTheSameDigest() {
        let message = Array((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let whole = SHA256.hex(message)
        for piece in [1, 3, 63, 64, 65, 200] {
            var h = SHA256()
            var i = 0
            while i < message.count {
                let end = min(i + piece, message.count)
                if piece == 3 { h.update(message[i..<end].lazy.map { $0 }) } else { h.update(message[i..<end]) }
                i = end
            }
            #expect(SHA256.hexString(h.finalize()) == whole, "pieces of \(piece)")
        }
    }

    /// The CPU's SHA instructions (when this machine has them) and the portable block function agree on
    /// messages of every length around block and padding boundaries, and on longer random ones.
    @Test func hardwareAndPortableAgree() {
        var rng = SplitMix64(seed: 7)
        var lengths = Array(0...200)
        lengths += [1000, 4095, 4096, 4097, 65_536 + 13]
        for n in lengths {
            let message = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var portable = SHA256()
            portable.usesHardware = false
            portable.update(message)
            var fast = SHA256()
            fast.update(message)
            #expect(SHA256.hexString(fast.finalize()) == SHA256.hexString(portable.finalize()), "length \(n)")
        }
    }

    /// The one-call digest equals the hasher's, with and without the SHA instructions, at every padding boundary.
    @Test func oneCallDigestEqualsTheHasher() {
        var rng = SplitMix64(seed: 3)
        for n in Array(0...200) + [1000, 4097] {
            let message = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let expected = SHA256.hex(message)
            for hardware in [false, SHA256.hardwareAvailable] {
                var out = [UInt8](repeating: 0, count: 32)
                message.withUnsafeBufferPointer { m in out.withUnsafeMutableBufferPointer { SHA256.digest(m, into: $0.baseAddress!, hardware: hardware) } }
                #expect(SHA256.hexString(out) == expected, "length \(n) hardware \(hardware)")
            }
        }
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
