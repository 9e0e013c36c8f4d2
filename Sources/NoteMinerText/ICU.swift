import CICUShim

/// The one Swift file that talks to ICU (through the C shim). Everything here takes and returns UTF-8 byte
/// offsets, so callers never convert to UTF-16.
enum ICU {
    static var version: String { String(cString: nm_icu_version()) }

    /// NFKC_Casefold of UTF-8 bytes, appended to `out`. ASCII callers should lower-case themselves: for ASCII
    /// the result is the ASCII lower-case form, and skipping ICU there is the tokenizer's main speed win.
    static func appendNFKCCasefold(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var status: Int32 = 0
        var capacity = bytes.count * 3 + 16
        while true {
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: capacity))
            let n = out.withUnsafeMutableBufferPointer { dst in
                nm_icu_nfkc_casefold(base, Int32(bytes.count), dst.baseAddress! + start, Int32(capacity), &status)
            }
            if status == -1 {
                out.removeSubrange(start...)
                capacity = Int(n) + 1
                continue
            }
            if status != 0 {
                // ICU failed (should not happen for valid UTF-8): keep the original bytes rather than lose text.
                out.removeSubrange(start...)
                out.append(contentsOf: bytes)
                return
            }
            out.removeSubrange((start + Int(n))...)
            return
        }
    }

    static func nfkcCasefold(_ s: String) -> String {
        var out = [UInt8]()
        var s = s
        s.withUTF8 { appendNFKCCasefold($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// ICU sentence boundaries (UTF-8 offsets, excluding 0, including the end).
    static func sentenceBreaks(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int32] {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        var capacity = bytes.count / 40 + 16
        while true {
            var out = [Int32](repeating: 0, count: capacity)
            var status: Int32 = 0
            let n = out.withUnsafeMutableBufferPointer { nm_icu_sentence_breaks(base, Int64(bytes.count), $0.baseAddress!, Int32(capacity), &status) }
            if status == -1 { capacity = Int(n) + 1; continue }
            if status != 0 { return [Int32(bytes.count)] }
            out.removeSubrange(Int(n)...)
            return out
        }
    }

    /// ICU word boundaries with rule statuses, for runs of text in scripts the ASCII fast path cannot split.
    static func wordBreaks(_ bytes: UnsafeBufferPointer<UInt8>) -> [(end: Int32, status: Int32)] {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        var capacity = bytes.count / 2 + 16
        while true {
            var out = [Int32](repeating: 0, count: capacity)
            var rules = [Int32](repeating: 0, count: capacity)
            var status: Int32 = 0
            let n = out.withUnsafeMutableBufferPointer { o in
                rules.withUnsafeMutableBufferPointer { r in
                    nm_icu_word_breaks(base, Int32(bytes.count), o.baseAddress!, r.baseAddress!, Int32(capacity), &status)
                }
            }
            if status == -1 { capacity = Int(n) + 1; continue }
            if status != 0 { return [(Int32(bytes.count), 0)] }
            return (0..<Int(n)).map { (out[$0], rules[$0]) }
        }
    }

    enum CharClass: Int32 {
        case other = 0, letter, digit, space, newline, punct, symbol, emoji, mark, ideographic, control
    }

    static func charClass(_ scalar: UInt32) -> CharClass {
        CharClass(rawValue: nm_icu_char_class(scalar)) ?? .other
    }
}
