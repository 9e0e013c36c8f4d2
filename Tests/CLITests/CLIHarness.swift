import Foundation

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// Runs the built `noteminer` binary as a child process, the way Spark executors and shell pipelines do.
///
/// Children are started with `posix_spawn` and watched by pid, so each run reports its own peak resident set size
/// (Swift Testing runs tests in parallel; `RUSAGE_CHILDREN` would mix them up).
enum CLI {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var lexicons: String { repoRoot.appendingPathComponent("Lexicons").path }

    /// `$NOTEMINER_BIN`, else the `noteminer` that `swift test` built next to the test bundle.
    static let binary: String = {
        if let env = ProcessInfo.processInfo.environment["NOTEMINER_BIN"], !env.isEmpty { return env }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("noteminer").path
    }()

    struct Outcome {
        var status: Int32
        /// Peak resident set size of the child (`VmHWM`, kilobytes), sampled while it runs.
        var maxRSSKilobytes: Int
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh, empty temporary folder.
    static func temporaryFolder(_ label: String) throws -> String {
        try TestScratch.folder(label).path
    }

    /// Runs `noteminer args…` with standard input read from `stdin` and output written to files; waits for it.
    /// `cwd` runs it from another folder (through `/bin/sh -c 'cd … && exec …'`, which keeps the pid).
    static func run(_ args: [String], stdin: String = "/dev/null", stdout: String = "/dev/null", stderr: String = "/dev/null",
                    cwd: String? = nil) throws -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let pid = try spawn(args, cwd: cwd, actions: &actions)
        return try wait(pid)
    }

    /// `environment` adds to (or overrides in) this process's environment for the child only: `setenv` here would
    /// reach the children of tests running in parallel.
    static func spawn(_ args: [String], cwd: String?, actions: inout posix_spawn_file_actions_t,
                      environment: [String: String] = [:]) throws -> pid_t {
        let argv = cwd.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, binary] + args } ?? [binary] + args
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc: Int32
        if environment.isEmpty {
            rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
        } else {
            let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            var envp: [UnsafeMutablePointer<CChar>?] = merged.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { envp.forEach { free($0) } }
            rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, &envp)
        }
        guard rc == 0 else { throw SpawnError(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Waits for the child, sampling its `VmHWM` (peak resident set of its own address space) every 5 ms.
    /// Not `ru_maxrss`: `posix_spawn` starts the child inside this (large) test process's address space, and Linux
    /// carries that address space's peak into the child's `ru_maxrss` across `exec`.
    static func wait(_ pid: pid_t) throws -> Outcome {
        var status: Int32 = 0
        var peak = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 {
                guard errno == EINTR else { throw SpawnError(description: "waitpid: \(String(cString: strerror(errno)))") }
                continue
            }
            peak = max(peak, highWaterMark(pid))
            usleep(5000)
        }
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exited = status & 0x7f == 0
        return Outcome(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), maxRSSKilobytes: peak)
    }

    /// `VmHWM` of a running process in kB (0 when it cannot be read).
    static func highWaterMark(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).split(separator: " ").first ?? "") ?? 0
        }
        return 0
    }

    static func lines(of path: String) throws -> [[UInt8]] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if bytes.last == 0x0A { lines.removeLast() }
        return lines
    }

    static func write(_ lines: [[UInt8]], to path: String, finalNewline: Bool = true) throws {
        var bytes: [UInt8] = []
        for (i, l) in lines.enumerated() {
            bytes += l
            if i < lines.count - 1 || finalNewline { bytes.append(0x0A) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

/// Synthetic clinical-looking notes (written for these tests; no real patient text), varied by index so
/// ages, drugs, doses and negations differ from note to note.
enum SyntheticNotes {
    static let conditions = ["type 2 diabetes mellitus", "hypertension", "atrial fibrillation", "COPD", "asthma",
                             "chronic kidney disease", "congestive heart failure", "hyperlipidemia", "depression"]
    static let drugs = ["lisinopril", "metformin", "atorvastatin", "amiodarone", "warfarin", "sertraline"]
    static let effects = ["dry cough", "nausea", "rash", "dizziness", "myalgia"]

    static func note(_ i: Int, patients: Int = 97) -> (id: String, patient: String, text: String) {
        let c1 = conditions[i % conditions.count], c2 = conditions[(i / 3 + 4) % conditions.count]
        let drug = drugs[(i / 2) % drugs.count], effect = effects[(i / 5) % effects.count]
        let text = """
            HISTORY OF PRESENT ILLNESS:
            \(35 + i % 55)-year-old patient seen for follow-up of \(c1). Denies chest pain. \
            Mother has \(c2).

            MEDICATIONS:
            \(drug) \(5 * (1 + i % 8)) mg daily; developed \(effect) after starting \(drug).

            ASSESSMENT AND PLAN:
            \(c1), stable. Possible \(c2). Note \(i).

            """
        return (String(format: "note-%06d", i), "patient-\(i % patients)", text)
    }

    static func jsonLine(_ i: Int, patients: Int = 97) -> [UInt8] {
        let n = note(i, patients: patients)
        let object: [String: Any] = ["note_id": n.id, "patient_id": n.patient, "date": String(format: "2024-%02d-%02d", 1 + i % 12, 1 + i % 28), "text": n.text]
        return [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}

