import Foundation
import NoteMinerIO
import NoteMinerModel

/// Finds the `Lexicons/` folder (rules, term lists, shipped models) without a recompile or an install step:
/// an explicit `--lexicons` path, then `$NOTEMINER_LEXICONS`, then a `Lexicons` folder next to the executable
/// or in one of its parent folders (a checkout's `.build/release/noteminer` finds the checkout's), then
/// `share/noteminer/Lexicons` beside an installed binary, then `./Lexicons`.
public enum ResourceLocator {
    public static func lexiconDirectory(explicit: String? = nil) throws -> String {
        let fm = FileManager.default
        func isDir(_ p: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: p, isDirectory: &d) && d.boolValue
        }
        if let explicit {
            guard isDir(explicit) else { throw InputError("lexicon folder '\(explicit)' does not exist") }
            return explicit
        }
        if let env = ProcessInfo.processInfo.environment["NOTEMINER_LEXICONS"], !env.isEmpty {
            guard isDir(env) else { throw InputError("NOTEMINER_LEXICONS='\(env)' is not a folder") }
            return env
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("Lexicons").path
            if isDir(candidate), fm.fileExists(atPath: candidate + "/sections.tsv") { return candidate }
            let shared = dir.appendingPathComponent("share/noteminer/Lexicons").path
            if isDir(shared) { return shared }
            dir = dir.deletingLastPathComponent()
        }
        if isDir("Lexicons") { return "Lexicons" }
        throw InputError("cannot find the Lexicons folder: pass --lexicons <dir> or set NOTEMINER_LEXICONS")
    }
}
