#if canImport(Glibc)
import Glibc
#endif

/// Process memory housekeeping between the phases of a run.
public enum Memory {
    #if canImport(Glibc)
    /// glibc's `malloc_trim`, looked up at run time: `malloc.h` is not part of Swift's Glibc module.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// Hands memory that was freed back to the system. glibc keeps freed heap pages mapped, so after a phase
    /// that built and dropped large structures (one note's document and mentions, a patient's serialized
    /// profile) the next phase's peak would otherwise stack on top of the last one's leftovers. A no-op where
    /// the C library has no `malloc_trim`.
    public static func releaseFreed() {
        #if canImport(Glibc)
        _ = mallocTrim?(0)
        #endif
    }
}
