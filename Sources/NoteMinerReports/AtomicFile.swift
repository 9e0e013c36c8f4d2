#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file through `<path>.partial` and a rename, so a killed run leaves the old file or the new one,
/// never half of one.
///
/// Not `Data.write(options: .atomic)`: on Linux that syncs every file to disk, which made writing 5,000 FHIR
/// bundles take 15–25 s instead of under one. Survival of a process kill (the resume case) needs only the
/// rename; durability across a power cut is not promised for report files.
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, p, n)
    #elseif canImport(Musl)
    Musl.write(fd, p, n)
    #else
    Darwin.write(fd, p, n)
    #endif
}

enum AtomicFile {
    static let partialSuffix = ".partial"

    static func write(_ bytes: [UInt8], to path: String) throws {
        try write(chunks: CollectionOfOne(bytes), to: path)
    }

    /// The chunks one after the other, without joining them in memory first (profiles.jsonl of a big run is
    /// tens of MB).
    static func write(chunks: some Sequence<[UInt8]>, to path: String) throws {
        let file = try Writer(path: path)
        do {
            for bytes in chunks { try file.write(bytes) }
        } catch {
            file.abandon()
            throw error
        }
        try file.commit()
    }

    /// An atomic file written piece by piece, for outputs too big to build in memory first (one patient's FHIR
    /// bundle from a 50 MB note is hundreds of MB). `commit()` renames it into place; `abandon()` removes it.
    final class Writer {
        private let path: String
        private let tmp: String
        private var fd: Int32

        init(path: String) throws {
            self.path = path
            tmp = path + partialSuffix
            fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ReportError(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
        }

        deinit { if fd >= 0 { abandon() } }

        func write(_ bytes: [UInt8]) throws {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { buf in systemWrite(fd, buf.baseAddress! + offset, buf.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    abandon()
                    throw ReportError(path: path, reason: "cannot write: \(reason)")
                }
                offset += n
            }
        }

        func commit() throws {
            let closed = close(fd)
            fd = -1
            guard closed == 0 else { unlink(tmp); throw ReportError(path: path, reason: "cannot close: \(String(cString: strerror(errno)))") }
            guard rename(tmp, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(tmp)
                throw ReportError(path: path, reason: "cannot rename into place: \(reason)")
            }
        }

        func abandon() {
            if fd >= 0 { close(fd); fd = -1 }
            unlink(tmp)
        }
    }
}
