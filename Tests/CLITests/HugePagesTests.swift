import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The batch commands re-execute themselves with glibc's `glibc.malloc.hugetlb=1` where the kernel gives huge
/// pages only on request (THP mode `madvise`); the others start as they are, and a user's own setting is kept.
@Suite struct HugePagesTests {
    static var thpMode: String {
        (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? ""
    }

    /// The environment of a running child (started with the test's environment plus `env`), read while it waits
    /// on its standard input, which the test holds open: polled until `done` accepts it or `seconds` pass (a check
    /// that something does not happen waits it out; one that it does returns as soon as it has).
    static func environment(of args: [String], env: [String: String] = [:], seconds: Double = 10,
                            until done: ([String]) -> Bool) throws -> [String] {
        // A FIFO the test opens close-on-exec in one call (a pipe's ends could leak into a child that another test
        // spawns meanwhile, which would then hold this child's input open).
        let dir = try CLI.temporaryFolder("hugepages")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/in"
        guard mkfifo(fifo, 0o600) == 0 else { throw CLI.SpawnError(description: "mkfifo failed") }
        let writer = open(fifo, O_RDWR | O_CLOEXEC)  // read-write: does not wait for a reader
        guard writer >= 0 else { throw CLI.SpawnError(description: "cannot open \(fifo)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, fifo, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let pid: pid_t
        do { pid = try CLI.spawn(args, cwd: nil, actions: &actions, environment: env) } catch { close(writer); throw error }
        defer {
            close(writer)  // end of input: the child finishes
            _ = try? CLI.wait(pid)
        }
        var last: [String] = []
        for _ in 0..<Int(seconds * 100) {
            usleep(10_000)
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ"), !data.isEmpty else { continue }
            last = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if done(last) { break }
        }
        return last
    }

    static func tunables(_ env: [String]) -> String? { env.first { $0.hasPrefix("GLIBC_TUNABLES=") } }
    /// Set in the re-executed image (glibc rewrites `GLIBC_TUNABLES` in the process's own copy at start-up, so that
    /// variable as read from /proc shows only part of what the image was started with).
    static func reexecuted(_ env: [String]) -> Bool { env.contains("NOTEMINER_HUGEPAGES=1") }

    @Test func batchCommandsAskForHugePagesWhereTheKernelWantsThemAsked() throws {
        guard ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] == nil,
              ProcessInfo.processInfo.environment["NOTEMINER_NO_HUGEPAGES"] == nil else { return }
        let madvise = Self.thpMode.contains("[madvise]")
        let env = try Self.environment(of: ["stream", "--lexicons", CLI.lexicons], seconds: madvise ? 10 : 1) { madvise && Self.reexecuted($0) }
        #expect(!env.isEmpty && Self.reexecuted(env) == madvise)
        #expect(Self.tunables(env) == (madvise ? "GLIBC_TUNABLES=glibc.malloc.hugetlb=1" : nil))
        // Not a batch command: started as it is.
        let other = try Self.environment(of: ["tokenize", "-"], seconds: 1) { Self.reexecuted($0) }
        #expect(!other.isEmpty && !Self.reexecuted(other) && Self.tunables(other) == nil)
    }

    @Test func aUsersOwnTunablesAreKeptAndExtended() throws {
        guard Self.thpMode.contains("[madvise]") else { return }
        // Extended: the user's tunables stay first (glibc's rewrite leaves just those visible in /proc).
        let env = try Self.environment(of: ["stream", "--lexicons", CLI.lexicons],
                                       env: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=4"]) { Self.reexecuted($0) }
        #expect(Self.reexecuted(env) && Self.tunables(env)?.hasPrefix("GLIBC_TUNABLES=glibc.malloc.arena_max=4") == true)
        // Kept as they are: the user's own choice of the tunable, and an opt-out.
        let own = try Self.environment(of: ["stream", "--lexicons", CLI.lexicons],
                                       env: ["GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"], seconds: 1) { Self.reexecuted($0) }
        #expect(!own.isEmpty && !Self.reexecuted(own) && Self.tunables(own) == "GLIBC_TUNABLES=glibc.malloc.hugetlb=0")
        let optedOut = try Self.environment(of: ["stream", "--lexicons", CLI.lexicons], env: ["NOTEMINER_NO_HUGEPAGES": "1"],
                                            seconds: 1) { Self.reexecuted($0) }
        #expect(!optedOut.isEmpty && !Self.reexecuted(optedOut) && Self.tunables(optedOut) == nil)
    }
}
