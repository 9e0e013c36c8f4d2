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
    /// glibc's `mallopt`, looked up like `malloc_trim`.
    private static let mallopt: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
    #endif

    /// Keeps freed memory for reuse during a batch run instead of returning it at each free. A run allocates and
    /// frees buffers of the same sizes note after note; with glibc's defaults a buffer over 128 KB is mapped and
    /// unmapped each time and the heap top is trimmed and grown again, so the kernel zeroes and maps the same
    /// pages over and over (0.05–0.2 s of the ≈ 1 s of system time of a 10,000-note run here). `releaseFreed()` still returns memory
    /// between phases, so the peak does not grow. Values: mmap threshold 32 MB, trim threshold 64 MB, top pad
    /// 16 MB (`mallopt` parameters -3, -1, -2 in `malloc.h`). A no-op without glibc.
    public static func keepFreedForReuse() {
        #if canImport(Glibc)
        guard let mallopt else { return }
        _ = mallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
        _ = mallopt(-1, 64 << 20)  // M_TRIM_THRESHOLD
        _ = mallopt(-2, 16 << 20)  // M_TOP_PAD
        #endif
    }

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
