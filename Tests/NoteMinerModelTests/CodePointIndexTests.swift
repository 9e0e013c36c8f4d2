import Testing
@testable import NoteMinerModel

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
