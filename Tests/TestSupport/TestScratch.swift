import Foundation

/// Every file the tests write lives under one folder per test process, `$TMPDIR/noteminer-tests-<pid>`,
/// removed when the process exits. Helpers made a fresh temporary folder per test and left it behind:
/// a few hundred runs of the suite had piled thousands of folders of synthetic notes into /tmp.
public enum TestScratch {
    /// Created (and its removal at exit registered) on first use.
    public static let root: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("noteminer-tests-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: url)  // a leftover of a crashed run that had this pid
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit {
            try? FileManager.default.removeItem(at: TestScratch.root)
        }
        return url
    }()

    /// A fresh, empty folder under `root`; `label` shows in its name.
    public static func folder(_ label: String) throws -> URL {
        let url = root.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A path for a file under `root` that does not exist yet.
    public static func file(_ label: String, extension ext: String) -> String {
        root.appendingPathComponent("\(label)-\(UUID().uuidString).\(ext)").path
    }
}
