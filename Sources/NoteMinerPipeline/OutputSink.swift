#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to standard output or standard error. Library code never prints; the CLI writes through this.
public final class OutputSink {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private let flushThreshold: Int
    /// Flush after every `write` (for streaming consumers that read line by line).
    public var flushEachWrite = false

    public static func standardOutput() -> OutputSink { OutputSink(fd: 1, flushThreshold: 1 << 16) }
    public static func standardError() -> OutputSink { OutputSink(fd: 2, flushThreshold: 0) }

    private init(fd: Int32, flushThreshold: Int) {
        file = fdopen(fd, "wb")!
        self.flushThreshold = flushThreshold
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if flushEachWrite || buffer.count >= flushThreshold { flush() }
    }

    public func write(_ string: String) { write(Array(string.utf8)) }

    public func flush() {
        if !buffer.isEmpty {
            _ = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            buffer.removeAll(keepingCapacity: true)
        }
        fflush(file)
    }

    deinit { flush() }
}
