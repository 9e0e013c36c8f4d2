#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input) line by line in constant memory. Lines are returned without the
/// trailing "\n" (and "\r\n"), as raw bytes: decoding is the caller's decision.
///
/// Reads the descriptor directly with `read(2)`, which returns what a pipe holds, so a line is handed over as
/// soon as its newline arrives (a driver that writes one note and waits for its result never deadlocks), and
/// keeps at most `maxLineBytes + 1` bytes of a line: a multi-gigabyte line without a newline costs no memory,
/// and `lastLineLength` still tells its real length.
public final class LineReader {
    private let fd: Int32
    private let ownsFile: Bool
    private let maxLineBytes: Int
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var atEnd = false
    public private(set) var lineNumber = 0
    /// Length in bytes of the line last returned by `next()`, before any cut at `maxLineBytes + 1`.
    private(set) var lastLineLength = 0

    /// `maxLineBytes` 0 keeps whole lines.
    public init?(path: String, maxLineBytes: Int = 0) {
        let f = open(path, O_RDONLY)
        guard f >= 0 else { return nil }
        fd = f
        ownsFile = true
        self.maxLineBytes = maxLineBytes
    }

    init?(standardInput: Void, maxLineBytes: Int = 0) {
        fd = 0
        ownsFile = false
        self.maxLineBytes = maxLineBytes
    }

    deinit {
        if ownsFile { close(fd) }
    }

    /// Refills the chunk; false at end of input or on a read error.
    private func fill() -> Bool {
        guard !atEnd else { return false }
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                start = 0
                end = n
                return true
            }
            if n < 0, errno == EINTR { continue }
            atEnd = true
            return false
        }
    }

    public func next() -> [UInt8]? {
        var line: [UInt8] = []
        var length = 0
        var sawBytes = false
        let keep = maxLineBytes > 0 ? maxLineBytes + 1 : Int.max
        while true {
            if start == end {
                guard fill() else {
                    guard sawBytes else { return nil }
                    break  // last line without a newline
                }
            }
            sawBytes = true
            let newline: Int? = chunk.withUnsafeBufferPointer { buf in
                guard let base = buf.baseAddress,
                      let p = memchr(base + start, 0x0A, end - start) else { return nil }
                return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            }
            let stop = newline ?? end
            let room = keep - line.count
            if room > 0 { line += chunk[start..<(start + min(stop - start, room))] }
            length += stop - start
            if let newline {
                start = newline + 1
                break
            }
            start = end
        }
        lineNumber += 1
        if line.last == 0x0D, length <= line.count {
            line.removeLast()
            length -= 1
        }
        lastLineLength = length
        return line
    }
}
