import Foundation
import Testing
@testable import NoteMinerIO

@Suite struct FileWriterTests {
    /// A write the disk refuses (here /dev/full, which fails every write with "no space") is reported by
    /// `commit`, not lost: the resume cache and every output file rely on it.
    @Test func commitReportsAFailedWrite() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let folder = try OutputFolder(path: try makeTempFolder())
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/full.jsonl", withDestinationPath: "/dev/full")
        let writer = try FileWriter(folder: folder, name: "full.jsonl", atomic: false)
        writer.write(Array(repeating: UInt8(ascii: "x"), count: 100_000))
        #expect(throws: InputError.self) { try writer.commit() }
    }

    @Test func commitPutsTheFileInPlace() throws {
        let folder = try OutputFolder(path: try makeTempFolder())
        let writer = try FileWriter(folder: folder, name: "out.txt")
        writer.write("hello\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.txt"))
        try writer.commit()
        #expect(FileManager.default.contents(atPath: folder.path + "/out.txt") == Data("hello\n".utf8))
    }
}
