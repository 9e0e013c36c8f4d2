#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input) line by line in constant memory. Lines are returned without the
/// trailing "\n" (and "\r\n"), as raw bytes: decoding is the caller's decision.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>? = nil
    private var capacity: Int = 0
    private(set) var lineNumber = 0

    init?(path: String) {
        guard let f = fopen(path, "rb") else { return nil }
        file = f
        ownsFile = true
    }

    init?(standardInput: Void) {
        guard let f = fdopen(0, "rb") else { return nil }
        file = f
        ownsFile = false
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    func next() -> [UInt8]? {
        let n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else { return nil }
        lineNumber += 1
        var count = n
        if count > 0, buffer[count - 1] == 0x0A { count -= 1 }
        if count > 0, buffer[count - 1] == 0x0D { count -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
}
