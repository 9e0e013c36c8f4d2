import Foundation

/// The three annotation formats, read and written the same way everywhere (export, import, eval, agree).
public enum AnnotationFormat: String, CaseIterable, Sendable {
    case brat, bioc, jsonl

    /// The file a BioC or JSON Lines export writes inside its output folder.
    public var collectionFileName: String? {
        switch self {
        case .brat: return nil
        case .bioc: return "annotations.bioc.xml"
        case .jsonl: return "annotations.jsonl"
        }
    }

    /// Detects the format of a path: a folder with `.ann` files is brat; a `.xml` file is BioC; a `.jsonl` or
    /// `.json` file is JSON Lines; a folder without `.ann` files is read through the file an export writes
    /// (`annotations.bioc.xml`, else `annotations.jsonl`), else through its only `.xml` or `.jsonl` file.
    public static func detect(_ path: String) throws -> (AnnotationFormat, String) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw AnnotationError(file: path, "no such file or folder")
        }
        if !isDir.boolValue {
            if path.hasSuffix(".xml") { return (.bioc, path) }
            if path.hasSuffix(".jsonl") || path.hasSuffix(".json") { return (.jsonl, path) }
            if path.hasSuffix(".ann") { return (.brat, path) }
            throw AnnotationError(file: path, "cannot tell the format from the extension; give it with the format option")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        if names.contains(where: { $0.hasSuffix(".ann") }) { return (.brat, path) }
        for format in [AnnotationFormat.bioc, .jsonl] where names.contains(format.collectionFileName!) {
            return (format, path + "/" + format.collectionFileName!)
        }
        let xml = names.filter { $0.hasSuffix(".xml") }, jsonl = names.filter { $0.hasSuffix(".jsonl") }
        if xml.count == 1 && jsonl.isEmpty { return (.bioc, path + "/" + xml[0]) }
        if jsonl.count == 1 && xml.isEmpty { return (.jsonl, path + "/" + jsonl[0]) }
        throw AnnotationError(file: path, "folder has no .ann files and not exactly one .xml or .jsonl file; give the format")
    }

    /// Reads documents from a path in this format (brat: a folder, or one `.ann` file beside its `.txt`).
    /// A BioC or JSON Lines export folder may be given instead of its file.
    public func read(_ path: String) throws -> [AnnotatedDocument] {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        var file = path
        if exists && isDir.boolValue && self != .brat {
            let own = path + "/" + collectionFileName!
            if FileManager.default.fileExists(atPath: own) { return try read(own) }
            let (detected, inner) = try Self.detect(path)
            guard detected == self else { throw AnnotationError(file: path, "folder holds \(detected.rawValue), not \(rawValue)") }
            file = inner
        }
        switch self {
        case .brat:
            if exists && !isDir.boolValue {
                guard path.hasSuffix(".ann") else { throw AnnotationError(file: path, "brat input is a folder or an .ann file") }
                let stem = String(path.dropLast(4))
                let id = (stem as NSString).lastPathComponent
                return [try BratFormat.read(id: id, text: try readUTF8(stem + ".txt"), ann: try readUTF8(path), file: path)]
            }
            return try BratFormat.readFolder(path)
        case .bioc:
            return try BioCFormat.read(try readUTF8(file), file: file)
        case .jsonl:
            return try SpanJSONLFormat.read(try readUTF8(file), file: file)
        }
    }

    /// Reads with `format` or, when nil, the detected one. Document ids must be unique.
    public static func read(_ path: String, format: AnnotationFormat?) throws -> [AnnotatedDocument] {
        let docs = try (format ?? detect(path).0).read(path)
        var seen = Set<String>()
        for d in docs where !seen.insert(d.id).inserted {
            throw AnnotationError(file: path, "document id '\(d.id)' appears twice")
        }
        return docs
    }

    /// The files an export writes, as (file name, bytes), in a fixed order. brat names come from `fileName`,
    /// which must turn a document id into a safe, collision-free name (the CLI passes
    /// `OutputFolder.safeFileName(for:extension:)`).
    public func files(for docs: [AnnotatedDocument], fileName: (String, String) -> String) -> [(String, [UInt8])] {
        switch self {
        case .brat:
            var out: [(String, [UInt8])] = [
                ("annotation.conf", Array(BratFormat.annotationConf.utf8)), ("visual.conf", Array(BratFormat.visualConf.utf8)),
            ]
            for d in docs {
                out.append((fileName(d.id, "txt"), Array(d.text.utf8)))
                out.append((fileName(d.id, "ann"), Array(BratFormat.ann(d).utf8)))
            }
            return out
        case .bioc:
            return [(collectionFileName!, Array(BioCFormat.collection(docs).utf8))]
        case .jsonl:
            return [(collectionFileName!, SpanJSONLFormat.file(docs))]
        }
    }
}
