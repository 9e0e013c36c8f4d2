import Foundation
import NoteMinerModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one folder a run may write to. Every file NoteMiner writes goes through here, so nothing — not a
/// note id, not a patient id — can direct a write outside it: names are checked (no separators, no `..`,
/// no NUL, bounded length) and ids are turned into names by `safeFileName(for:)`. Files are created
/// owner-only (0600) and folders 0700 unless `ownerOnly` is false, because outputs hold patient text.
public struct OutputFolder: Sendable {
    public let path: String
    public let ownerOnly: Bool

    public init(path: String, ownerOnly: Bool = true) throws {
        self.path = path
        self.ownerOnly = ownerOnly
        try Self.makeDirectory(path, ownerOnly: ownerOnly)
    }

    static func makeDirectory(_ path: String, ownerOnly: Bool) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw InputError("output path '\(path)' exists and is not a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: ownerOnly ? 0o700 : 0o755])
        } catch {
            throw InputError("cannot create output folder '\(path)': \(error.localizedDescription)")
        }
    }

    /// A subfolder (one level, checked name), created on demand.
    public func subfolder(_ name: String) throws -> OutputFolder {
        try Self.check(name)
        return try OutputFolder(path: path + "/" + name, ownerOnly: ownerOnly)
    }

    static func check(_ name: String) throws {
        if name.isEmpty || name == "." || name == ".." || name.contains("/") || name.contains("\0") || name.utf8.count > 200 {
            throw InputError("refusing unsafe output file name '\(name.prefix(80))'")
        }
    }

    /// A file name for an id that may contain anything: a readable slug of safe characters plus, when the
    /// slug had to change the id or shorten it, a short hash of the id so different ids never collide.
    public static func safeFileName(for id: String, extension ext: String) -> String {
        var slug = ""
        for scalar in id.unicodeScalars {
            if slug.utf8.count >= 80 { break }
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": slug.unicodeScalars.append(scalar)
            default: slug.append("_")
            }
        }
        while slug.hasPrefix(".") { slug.removeFirst() }
        if slug != id || slug.isEmpty {
            slug += (slug.isEmpty ? "" : "-") + String(SHA256Hex.of(id).prefix(12))
        }
        return slug + "." + ext
    }

    public func filePath(_ name: String) throws -> String {
        try Self.check(name)
        return path + "/" + name
    }

    /// Where `name` is written before it is renamed into place: hidden, and per process.
    public func temporaryPath(_ name: String) throws -> String {
        try Self.check(name)
        return path + "/." + name + ".tmp-\(getpid())"
    }

    /// Writes a whole file atomically (temporary file, then rename), owner-only by default.
    public func write(_ name: String, bytes: [UInt8]) throws {
        let writer = try FileWriter(folder: self, name: name)
        writer.write(bytes)
        try writer.commit()
    }
}

/// Writes one output file through a temporary name and renames it into place on `commit()`, so a killed run
/// never leaves a half-written output that looks complete. `atomic: false` writes the named file directly (the
/// resume cache, which must survive a kill as written so far).
public final class FileWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let temporary: String
    private let final: String
    private var committed = false

    public init(folder: OutputFolder, name: String, atomic: Bool = true) throws {
        final = try folder.filePath(name)
        temporary = atomic ? try folder.temporaryPath(name) : final
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, folder.ownerOnly ? 0o600 : 0o644)
        guard fd >= 0, let f = fdopen(fd, "wb") else {
            throw InputError("cannot write '\(final)': \(String(cString: strerror(errno)))")
        }
        file = f
    }

    public func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    }

    public func write(_ s: String) { write(Array(s.utf8)) }

    public func flush() { fflush(file) }

    /// Closes the file and, when atomic, renames it into place. A write that failed on the way (a full disk)
    /// is reported here, and an atomic file is then not put in place.
    public func commit() throws {
        guard !committed else { return }
        committed = true
        let written = fflush(file) == 0 && ferror(file) == 0
        let closed = fclose(file) == 0
        guard written, closed else {
            let reason = String(cString: strerror(errno))
            if temporary != final { unlink(temporary) }
            throw InputError("cannot write '\(final)': \(reason)")
        }
        if temporary != final, rename(temporary, final) != 0 {
            throw InputError("cannot move '\(temporary)' to '\(final)': \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if !committed {
            fclose(file)
            if temporary != final { unlink(temporary) }
        }
    }
}

/// Hex SHA-256 of a string (the model module's implementation), for file names and cache keys.
enum SHA256Hex {
    static func of(_ s: String) -> String { NoteMinerModel.SHA256.hex(s) }
}
