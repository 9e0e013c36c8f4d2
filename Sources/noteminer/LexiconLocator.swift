import Foundation

/// Finds the `Lexicons` folder: `$NOTEMINER_LEXICONS` if set, else the first `Lexicons` folder walking up
/// from the executable's directory (works for `.build/release/noteminer` inside a checkout), else
/// `./Lexicons`.
enum LexiconLocator {
    static func lexiconsDirectory() -> String {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["NOTEMINER_LEXICONS"], !env.isEmpty { return env }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if let exe = Bundle.main.executableURL { dir = exe.resolvingSymlinksInPath().deletingLastPathComponent() }
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("Lexicons")
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), isDir.boolValue { return candidate.path }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return "Lexicons"
    }

    static var defaultADRModel: String { lexiconsDirectory() + "/models/adr.json" }
}
