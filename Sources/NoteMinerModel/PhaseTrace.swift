#if canImport(Glibc)
import Glibc
#endif

/// Phase timings on stderr when `NOTEMINER_TRACE` is set: wall time since the first mark and the process's CPU
/// time, so a slow run shows which phase to look at without a profiler.
public enum PhaseTrace {
    public static let enabled = getenv("NOTEMINER_TRACE") != nil
    /// The first mark's time (a lazily initialized static, so any thread may mark).
    private static let start: timespec = {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t
    }()

    /// Like `mark`, plus the CPU time of the calling thread (for work on a thread of its own, like the database).
    public static func markThread(_ label: String) {
        guard enabled else { return }
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        mark(label + " (this thread: cpu \(JSONWriter.format(Double(t.tv_sec) + Double(t.tv_nsec) / 1e9, digits: 2)) s)")
    }

    public static func mark(_ label: String) {
        guard enabled else { return }
        let start = self.start
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let wall = Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let line = "trace: \(label): wall \(JSONWriter.format(wall, digits: 2)) s, cpu \(JSONWriter.format(cpu, digits: 2)) s, rss \(usage.ru_maxrss / 1024) MB\n"
        var bytes = Array(line.utf8)
        _ = write(2, &bytes, bytes.count)
    }
}
