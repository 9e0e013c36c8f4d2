import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Data parallelism for the report phase, where every patient is independent work: results come back in input
/// order, so the outputs do not depend on how many threads did them.
public enum Parallel {
    public static var processorCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// `transform` over `0..<count` on up to `processorCount` threads, results by index. Indices are dealt
    /// round-robin, which balances well when neighbours cost about the same.
    public static func map<R: Sendable>(count: Int, _ transform: @Sendable (Int) -> R) -> [R] {
        let workers = min(processorCount, count)
        if workers <= 1 { return (0..<count).map(transform) }
        let out = UnsafeMutableBufferPointer<R?>.allocate(capacity: count)
        out.initialize(repeating: nil)
        defer {
            out.deinitialize()
            out.deallocate()
        }
        // Each index is written by exactly one worker and read only after concurrentPerform returns.
        nonisolated(unsafe) let slots = out
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count {
                slots[i] = transform(i)
                i += workers
            }
        }
        return out.map { $0! }
    }
}
