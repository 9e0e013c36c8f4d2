import Testing
import TestSupport

@Suite struct MarkedTextTests {
    @Test func stripsMarkersAndKeepsOffsets() {
        let m = MarkedText("Take [[b.i.d.]] with [[500mg|measurement]]")
        #expect(m.text == "Take b.i.d. with 500mg")
        #expect(m.spans.map(\.text) == ["b.i.d.", "500mg"])
        #expect(m.spans[0].utf8 == 5..<11)
        #expect(m.spans[1].label == "measurement")
        #expect(m.spans[1].utf8 == 17..<22)
    }

    @Test func codePointsDifferFromBytesAfterNonASCII() {
        let m = MarkedText("é [[😀]] x")
        #expect(m.spans[0].utf8 == 3..<7)
        #expect(m.spans[0].codePoints == 2..<3)
    }

    @Test func nestedSpansAndCustomDelimiters() {
        let m = MarkedText("on ⟦⟦[**2019-01-01**]⟧ ok|deid⟧!", open: "⟦", close: "⟧")
        #expect(m.text == "on [**2019-01-01**] ok!")
        #expect(m.spans.map(\.text) == ["[**2019-01-01**] ok", "[**2019-01-01**]"])
        #expect(m.spans[0].label == "deid")
        #expect(m.spans[1].label == nil)
    }

    @Test func barFollowedByTextIsNotALabel() {
        let m = MarkedText("[[a | b]]")
        #expect(m.spans[0].text == "a | b")
        #expect(m.spans[0].label == nil)
    }
}
