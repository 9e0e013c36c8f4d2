import Foundation

/// Runs the built `noteminer` executable from tests (CLI-level tests: exit statuses, files on disk, SIGKILL).
public enum CLIRunner {
    /// The package root, found from this source file's location.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The debug binary `swift test` builds alongside the tests.
    public static var binary: URL? {
        let candidates = [".build/debug/noteminer", ".build/release/noteminer"]
        for c in candidates {
            let url = packageRoot.appendingPathComponent(c)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    public struct Result {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
    }

    /// Runs to completion with the given arguments and optional stdin bytes.
    @discardableResult
    public static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                           currentDirectory: URL? = nil) throws -> Result {
        guard let bin = binary else { throw CLIRunnerError.noBinary }
        let p = Process()
        p.executableURL = bin
        p.arguments = arguments
        if let currentDirectory { p.currentDirectoryURL = currentDirectory }
        if let environment { p.environment = environment }
        // stdin and stderr go through temporary files: no pipe can fill up and block the child.
        let scratch = try temporaryFolder("io")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let errHandle = try FileHandle(forWritingTo: errURL)
        p.standardError = errHandle
        if let stdin {
            let inURL = scratch.appendingPathComponent("stdin")
            try stdin.write(to: inURL)
            p.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? errHandle.close()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts without waiting; the caller may kill it.
    public static func start(_ arguments: [String]) throws -> Process {
        guard let bin = binary else { throw CLIRunnerError.noBinary }
        let p = Process()
        p.executableURL = bin
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    public static func temporaryFolder(_ label: String) throws -> URL {
        try TestScratch.folder(label)
    }
}

public enum CLIRunnerError: Error, CustomStringConvertible {
    case noBinary
    public var description: String { "the noteminer executable is not built (run `swift build` first)" }
}
