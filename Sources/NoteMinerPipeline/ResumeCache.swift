import Foundation
import NoteMinerIO
import NoteMinerModel

/// The resume cache in `<out>/cache/`, which is also where `notes.jsonl` is written.
///
/// A run writes generation `g`: `lines-g.jsonl` holds every result line in input order (exactly the bytes of
/// `notes.jsonl`) and `index-g.tsv` a header with the pipeline fingerprint, then `key \t offset \t length` per
/// line, each flushed after its line. When the run completes, `notes.jsonl` becomes a hard link to
/// `lines-g.jsonl` and older generations are deleted: the cache costs an index, not a second copy of every
/// result (for dense notes the results are about eight times the size of the notes).
///
/// A rerun reads every generation whose header carries its fingerprint — also the torn generation of a run
/// killed with SIGKILL, where an index entry exists only for a line flushed before it and a torn last entry
/// does not parse — and writes generation `g + 1` with the reused and the new lines alike, so its `notes.jsonl`
/// is built exactly like an uninterrupted run's.
final class ResumeCache {
    /// Where a cached line is; read on the workers' threads, so immutable after loading.
    final class Snapshot: Sendable {
        struct Entry: Sendable {
            var file: Int32
            var offset: Int
            var length: Int
        }
        private let entries: [String: Entry]
        private let files: [Int32]

        init(entries: [String: Entry], files: [Int32]) {
            self.entries = entries
            self.files = files
        }

        deinit { for f in files { close(f) } }

        /// The cached line (with its newline), or nil when there is none or it does not read back whole.
        func line(for key: String) -> [UInt8]? {
            guard let e = entries[key] else { return nil }
            var bytes = [UInt8](repeating: 0, count: e.length)
            let n = bytes.withUnsafeMutableBytes { pread(e.file, $0.baseAddress, e.length, off_t(e.offset)) }
            guard n == e.length, bytes.first == UInt8(ascii: "{"), bytes.last == 0x0A else { return nil }
            return bytes
        }
    }

    static let header = "#noteminer-cache"
    let snapshot: Snapshot
    private let folder: OutputFolder
    private let generation: Int
    private let lines: FileWriter
    private let index: FileWriter
    private var offset = 0
    private var lineStart = 0

    /// `reuse` false: earlier generations are not read (and are deleted when this run completes).
    init(folder: OutputFolder, fingerprint: String, reuse: Bool) throws {
        self.folder = folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        // A cache from before generations (one file holding a copy of every line) is simply dropped.
        if names.contains("results.tsv") { unlink(folder.path + "/results.tsv") }
        let generations = names.compactMap(Self.generation(ofIndex:)).sorted()
        generation = (generations.last ?? 0) + 1
        let headerLine = Self.header + "\t" + fingerprint
        snapshot = reuse ? Self.load(folder: folder, generations: generations, header: headerLine) : Snapshot(entries: [:], files: [])
        // Written in place, not renamed at the end: what was flushed before a kill is what the next run reuses.
        lines = try FileWriter(folder: folder, name: Self.linesName(generation), atomic: false)
        index = try FileWriter(folder: folder, name: Self.indexName(generation), atomic: false)
        index.write(headerLine + "\n")
        index.flush()
    }

    private static func linesName(_ g: Int) -> String { "lines-\(g).jsonl" }
    private static func indexName(_ g: Int) -> String { "index-\(g).tsv" }

    private static func generation(ofIndex name: String) -> Int? {
        guard name.hasPrefix("index-"), name.hasSuffix(".tsv") else { return nil }
        return Int(name.dropFirst(6).dropLast(4))
    }

    private static func load(folder: OutputFolder, generations: [Int], header: String) -> Snapshot {
        var entries: [String: Snapshot.Entry] = [:]
        var files: [Int32] = []
        for g in generations {
            guard let data = FileManager.default.contents(atPath: folder.path + "/" + indexName(g)) else { continue }
            let bytes = [UInt8](data)
            var rows = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            // A torn last entry (killed mid-write) has no newline after it: drop it.
            if bytes.last != 0x0A { rows.removeLast() }
            guard let first = rows.first, Array(first) == Array(header.utf8) else { continue }
            let fd = open(folder.path + "/" + linesName(g), O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var st = stat()
            guard fstat(fd, &st) == 0 else { close(fd); continue }
            files.append(fd)
            let size = Int(st.st_size)
            for row in rows.dropFirst() {
                let fields = row.split(separator: 0x09, omittingEmptySubsequences: false)
                guard fields.count == 3, fields[0].count == 64,
                      let offset = Int(String(decoding: fields[1], as: UTF8.self)),
                      let length = Int(String(decoding: fields[2], as: UTF8.self)),
                      offset >= 0, length > 0, offset + length <= size else { continue }
                let key = String(decoding: fields[0], as: UTF8.self)
                if entries[key] == nil { entries[key] = Snapshot.Entry(file: fd, offset: offset, length: length) }
            }
        }
        return Snapshot(entries: entries, files: files)
    }

    /// Appends part of the current result's line; `endLine(key:)` records it once the line is complete.
    func write(_ bytes: [UInt8]) {
        lines.write(bytes)
        offset += bytes.count
    }

    /// The line written since the last call is complete: flushed, then indexed (so an index entry never points
    /// at bytes a kill could lose).
    func endLine(key: String) {
        lines.flush()
        index.write("\(key)\t\(lineStart)\t\(offset - lineStart)\n")
        index.flush()
        lineStart = offset
    }

    /// Makes `name` in `target` the complete lines file (a hard link, or a copy where links are refused) and
    /// deletes the older generations.
    func publish(as name: String, in target: OutputFolder) throws {
        try lines.commit()
        try index.commit()
        let source = try folder.filePath(Self.linesName(generation))
        let final = try target.filePath(name)
        let temporary = try target.temporaryPath(name)
        unlink(temporary)
        if link(source, temporary) != 0 {
            guard let data = FileManager.default.contents(atPath: source),
                  FileManager.default.createFile(atPath: temporary, contents: data,
                                                 attributes: [.posixPermissions: target.ownerOnly ? 0o600 : 0o644]) else {
                throw InputError("cannot write '\(final)': \(String(cString: strerror(errno)))")
            }
        }
        guard rename(temporary, final) == 0 else {
            unlink(temporary)
            throw InputError("cannot move '\(temporary)' to '\(final)': \(String(cString: strerror(errno)))")
        }
        // Every other generation goes, also a lines file whose index was lost.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where (name.hasPrefix("index-") && name.hasSuffix(".tsv")) || (name.hasPrefix("lines-") && name.hasSuffix(".jsonl")) {
            if name != Self.indexName(generation), name != Self.linesName(generation) { unlink(folder.path + "/" + name) }
        }
    }
}
