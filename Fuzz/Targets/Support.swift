import Foundation
import NoteMinerModel
import NoteMinerText

/// Shared by every fuzz target: invariant checks that abort (libFuzzer records the input as a crash) and the
/// shipped data files, loaded once from `NOTEMINER_LEXICONS` or `Lexicons/` under the working directory.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        FileHandle.standardError.write(Data(("invariant violated: " + message() + "\n").utf8))
        abort()
    }
}

let lexiconDirectory = ProcessInfo.processInfo.environment["NOTEMINER_LEXICONS"] ?? "Lexicons"

let shippedAnalyzer: TextAnalyzer = {
    do {
        let sections = try SectionHeaderLexicon.load(path: lexiconDirectory + "/sections.tsv")
        let abbreviations = try AbbreviationTable.load(path: lexiconDirectory + "/abbreviations.tsv")
        return TextAnalyzer(tokenizer: Tokenizer(abbreviations: abbreviations), sectionDetector: SectionDetector(lexicon: sections),
                            sentenceSplitter: SentenceSplitter(abbreviations: abbreviations))
    } catch {
        FileHandle.standardError.write(Data("cannot load lexicons from \(lexiconDirectory): \(error)\n".utf8))
        exit(1)
    }
}()

/// Fuzz bytes as note text: the pipeline only ever sees valid UTF-8 (the reader repairs), so repair here too.
func noteText(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}

/// Tokens in order, non-empty, non-overlapping, on scalar boundaries, never whitespace only; norm ranges tile
/// the norm storage.
func checkTokens(_ bytes: [UInt8], _ tokens: [Token], _ norm: [UInt8]) {
    var last = 0
    var lastNorm = 0
    for t in tokens {
        let b = Int(t.utf8Begin), e = Int(t.utf8End)
        check(b >= last && e > b && e <= bytes.count, "token \(b)..<\(e) after \(last) in \(bytes.count) bytes")
        check(Int(t.normBegin) == lastNorm && t.normEnd >= t.normBegin && Int(t.normEnd) <= norm.count, "norm range")
        check(bytes[b] & 0xC0 != 0x80 && (e == bytes.count || bytes[e] & 0xC0 != 0x80), "token splits a scalar at \(b)..<\(e)")
        check(!bytes[b..<e].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }, "whitespace token")
        last = e
        lastNorm = Int(t.normEnd)
    }
    check(lastNorm == norm.count, "norm storage not tiled")
}

/// Sections tile the text; headers lie inside their section.
func checkSections(_ count: Int, _ sections: [Section]) {
    if count == 0 { check(sections.isEmpty, "sections in empty text"); return }
    check(sections.first?.utf8Begin == 0 && sections.last.map { Int($0.utf8End) } == count, "sections do not cover the text")
    var previousEnd: Int32 = 0
    for s in sections {
        check(s.utf8Begin == previousEnd && s.utf8End > s.utf8Begin, "sections not contiguous at \(s.utf8Begin)")
        check(s.headerBegin <= s.headerEnd && (s.headerBegin == s.headerEnd || (s.headerBegin >= s.utf8Begin && s.headerEnd <= s.utf8End)),
              "header outside its section")
        previousEnd = s.utf8End
    }
}

/// Sentences in order, non-overlapping, each inside one section, token ranges consistent with byte ranges.
func checkSentences(_ doc: Document) {
    var lastEnd: Int32 = 0
    var lastToken: Int32 = 0
    for s in doc.sentences {
        check(s.utf8Begin >= lastEnd && s.utf8End > s.utf8Begin && Int(s.utf8End) <= doc.utf8.count, "sentence range \(s.utf8Begin)..<\(s.utf8End)")
        check(s.tokenBegin >= lastToken && s.tokenEnd >= s.tokenBegin && Int(s.tokenEnd) <= doc.tokens.count, "sentence token range")
        for t in doc.tokens[s.tokenRange] {
            check(t.utf8Begin >= s.utf8Begin && t.utf8End <= s.utf8End, "token outside its sentence")
        }
        if let i = doc.sectionIndex(containing: Int(s.utf8Begin)) {
            check(doc.sections[i].utf8End >= s.utf8End, "sentence crosses a section boundary")
        } else {
            check(false, "sentence outside every section")
        }
        lastEnd = s.utf8End
        lastToken = s.tokenEnd
    }
}
