import Foundation
import Testing

/// `Reports/sample/report.html` is the report of `noteminer run Corpora/` (what `make demo` writes), committed so a
/// reader sees the page without building anything. It must be the report today's code writes.
@Suite struct SampleReportTests {
    @Test func committedSampleReportIsCurrent() throws {
        let out = try CLI.temporaryFolder("sample-report")
        let outcome = try CLI.run(["run", "Corpora/", "--out", out, "--no-resume"], cwd: CLI.repoRoot.path)
        #expect(outcome.status == 0)
        let fresh = FileManager.default.contents(atPath: out + "/report.html")
        let committed = FileManager.default.contents(atPath: CLI.repoRoot.appendingPathComponent("Reports/sample/report.html").path)
        #expect(fresh != nil && fresh == committed, "Reports/sample/report.html is stale: run `make demo` and commit it")
    }
}
