import ComfyAPI
import Crypto
import Foundation
import StoryCoreImaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that can stream one server output file into a local file.
public protocol OutputSource: Sendable {
    /// Streams `file` into a new file at `destination` (which does not exist yet) and returns the
    /// bytes written; must fail rather than write more than `maxBytes`.
    func fetch(_ file: OutputFile, to destination: URL, maxBytes: Int64) async throws -> Int64
}

/// Stores rendered images under `<project>/outputs/<panel_id>/`: streamed to a temporary file
/// beside the destination, size-checked, hashed (SHA-256), fsynced and renamed into place.
///
/// It refuses hostile server file names and output folders that are symbolic links or resolve
/// outside the project, so nothing is ever written outside `outputs/`.
public struct OutputStore: Sendable {
    /// The project folder.
    public let projectDirectory: URL
    /// The largest file accepted (default 1 GiB).
    public let maxFileBytes: Int64
    /// The quality gate's limits: when set, every still PNG is decoded and measured as it is stored
    /// (`StoredFile.quality`), and one that does not decode is refused (default nil: not measured).
    public var qualityThresholds: QualityThresholds?

    /// Creates a store for a project folder.
    public init(projectDirectory: URL, maxFileBytes: Int64 = 1 << 30) {
        self.projectDirectory = projectDirectory.standardizedFileURL
        self.maxFileBytes = maxFileBytes
    }

    /// `<project>/outputs`.
    public var outputsDirectory: URL { projectDirectory.appendingPathComponent("outputs", isDirectory: true) }

    /// The checked (and created) folder `outputs/`: not a symbolic link, inside the project.
    public func checkedOutputsDirectory() throws(OutputError) -> URL {
        let outputs = try ensureDirectory(outputsDirectory)
        let root = realPath(projectDirectory) ?? projectDirectory.path
        guard let resolved = realPath(outputs), resolved.hasPrefix(root + "/") else {
            throw .unsafeDirectory(path: outputs.path, reason: "resolves outside the project \(root)")
        }
        return outputs
    }

    /// The checked (and created) folder `outputs/<panel_id>/`.
    ///
    /// Throws `OutputError.unsafeDirectory` when `outputs` or the panel folder is a symbolic link,
    /// not a folder, or resolves outside the project.
    public func panelDirectory(_ panelID: String) throws(OutputError) -> URL {
        guard Panel.isValidID(panelID) else {
            throw .unsafeDirectory(path: "outputs/\(panelID)", reason: "panel id is not a plain folder name")
        }
        let outputs = try ensureDirectory(outputsDirectory)
        let folder = try ensureDirectory(outputs.appendingPathComponent(panelID, isDirectory: true))
        let root = realPath(projectDirectory) ?? projectDirectory.path
        guard let resolved = realPath(folder), resolved.hasPrefix(root + "/") else {
            throw .unsafeDirectory(path: folder.path, reason: "resolves outside the project \(root)")
        }
        return folder
    }

    /// The checked (and created) folder of version `version` of a panel: `outputs/<panel_id>/`
    /// for version 1, `outputs/<panel_id>/v<N>/` after (see `PanelVersion.folder`).
    public func versionDirectory(_ panelID: String, version: Int) throws(OutputError) -> URL {
        let panelFolder = try panelDirectory(panelID)
        guard version > 1 else { return panelFolder }
        let folder = try ensureDirectory(panelFolder.appendingPathComponent("v\(version)", isDirectory: true))
        let root = realPath(projectDirectory) ?? projectDirectory.path
        guard let resolved = realPath(folder), resolved.hasPrefix(root + "/") else {
            throw .unsafeDirectory(path: folder.path, reason: "resolves outside the project \(root)")
        }
        return folder
    }

    /// Downloads `file` from `source` into the folder of version `version` of the panel
    /// (`outputs/<panelID>/`, or `outputs/<panelID>/v<N>/` for a later version), returning its record.
    ///
    /// The name is the server's file name, checked by `SafeFileName`; when that name is in
    /// `taken` (already used by another file of the panel) a `-2`, `-3` … suffix is added.
    /// `beforeCommit` receives the file's project-relative path after it is downloaded and checked,
    /// just before it is renamed into place (the renderer records it in the ledger there); when it
    /// throws, the file is not put in place.
    public func store(_ file: OutputFile, panelID: String, version: Int = 1, from source: some OutputSource,
                      avoiding taken: Set<String> = [],
                      beforeCommit: (String) async throws -> Void = { _ in }) async throws(OutputError) -> StoredFile {
        let safe = try SafeFileName.validated(file.filename, panelID: panelID)
        let name = Self.unique(safe, avoiding: taken)
        let folder = try versionDirectory(panelID, version: version)
        let destination = folder.appendingPathComponent(name)
        let temp = folder.appendingPathComponent(".\(name.prefix(180)).\(UUID().uuidString.prefix(8)).part")
        var written: Int64 = 0
        do {
            written = try await source.fetch(file, to: temp, maxBytes: maxFileBytes)
        } catch ComfyError.responseTooLarge(_, let limit) {
            // Not transient: the same file is as large next time, so it is never fetched again.
            unlink(temp.path)
            throw .badSize(panelID: panelID, name: file.filename, bytes: Int64(limit), reason: "larger than the limit of \(maxFileBytes) bytes")
        } catch {
            unlink(temp.path)
            throw .downloadFailed(panelID: panelID, name: file.filename, reason: "\(error)")
        }
        do {
            let size = try regularFileSize(temp)
            guard size == written else {
                throw OutputError.badSize(panelID: panelID, name: name, bytes: size, reason: "expected \(written) bytes as streamed")
            }
            guard size > 0 else { throw OutputError.badSize(panelID: panelID, name: name, bytes: size, reason: "empty file") }
            guard size <= maxFileBytes else {
                throw OutputError.badSize(panelID: panelID, name: name, bytes: size, reason: "larger than the limit of \(maxFileBytes)")
            }
            try Self.checkMedia(temp, claimed: file.mediaType, panelID: panelID, name: file.filename)
            let digest = try Self.sha256(of: temp)
            let quality = try Self.quality(of: temp, mediaType: file.mediaType.name, animated: file.animated,
                                           thresholds: qualityThresholds, panelID: panelID, name: file.filename)
            let relativePath = "\(PanelVersion.folder(panelID: panelID, version: version))/\(name)"
            do {
                try AtomicFile.sync(temp)
                try await beforeCommit(relativePath)
                try AtomicFile.commit(temp, to: destination)
            } catch {
                throw OutputError.io(path: destination.path, reason: "\(error)")
            }
            return StoredFile(path: relativePath, nodeID: file.nodeID, bytes: size, sha256: digest, mediaType: file.mediaType.name,
                              animated: file.animated, frameRate: file.frameRate, quality: quality)
        } catch let error as OutputError {
            unlink(temp.path)
            throw error
        } catch {
            unlink(temp.path)
            throw .io(path: temp.path, reason: "\(error)")
        }
    }

    /// Throws `OutputError.mediaMismatch` unless the first bytes of the file at `url` match `claimed`
    /// (see `MediaType.matches(_:)`; a type without a signature accepts any non-empty file).
    public static func checkMedia(_ url: URL, claimed: MediaType, panelID: String, name: String) throws(OutputError) {
        guard claimed.hasSignature else { return }
        let head = try firstBytes(of: url, count: 16)
        guard !claimed.matches(head) else { return }
        throw .mediaMismatch(panelID: panelID, name: name, claimed: claimed.name, found: MediaType.sniff(head)?.name,
                             head: MediaType.hexPrefix(head))
    }

    /// Up to `count` bytes from the start of the file at `url`.
    static func firstBytes(of url: URL, count: Int) throws(OutputError) -> [UInt8] {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: url.path, reason: "cannot read: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw .io(path: url.path, reason: "cannot read: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            filled += n
        }
        return Array(bytes[0..<filled])
    }

    /// True when `file` is on disk as a regular file with the recorded size and SHA-256.
    public func isIntact(_ file: StoredFile) -> Bool {
        let url = projectDirectory.appendingPathComponent(file.path)
        guard let size = try? regularFileSize(url), size == file.bytes else { return false }
        return (try? Self.sha256(of: url)) == file.sha256
    }

    /// Copies a stored file durably to `relativePath` inside the project (the master sheet's
    /// `master_grid_path`), creating folders as needed; refuses paths that leave the project.
    public func copy(_ file: StoredFile, toProjectPath relativePath: String) throws(OutputError) {
        let source = projectDirectory.appendingPathComponent(file.path)
        let target = projectDirectory.appendingPathComponent(relativePath).standardizedFileURL
        let root = realPath(projectDirectory) ?? projectDirectory.path
        guard !relativePath.split(separator: "/").contains(".."), target.path.hasPrefix(projectDirectory.path + "/") else {
            throw .unsafeDirectory(path: relativePath, reason: "leaves the project folder")
        }
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .io(path: target.deletingLastPathComponent().path, reason: (error as NSError).localizedDescription)
        }
        guard let parent = realPath(target.deletingLastPathComponent()), parent == root || parent.hasPrefix(root + "/") else {
            throw .unsafeDirectory(path: relativePath, reason: "resolves outside the project \(root)")
        }
        do {
            let bytes = try Data(contentsOf: source)
            try AtomicFile.replace(Array(bytes), to: target)
        } catch {
            throw .io(path: target.path, reason: "\(error)")
        }
    }

    /// The SHA-256 of a file as lower-case hex, read in 1 MiB chunks.
    public static func sha256(of url: URL) throws(OutputError) -> String {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: url.path, reason: "cannot read: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // One small buffer for the whole file: allocating a large chunk per read made every 2 MB image
        // grow the heap (glibc serves big blocks from the heap once one has been freed).
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: url.path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func unique(_ name: String, avoiding taken: Set<String>) -> String {
        guard taken.contains(name) else { return name }
        let url = URL(fileURLWithPath: name)
        let ext = url.pathExtension
        let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        var n = 2
        while true {
            let candidate = ext.isEmpty ? "\(stem)-\(n)" : "\(stem)-\(n).\(ext)"
            if !taken.contains(candidate) { return candidate }
            n += 1
        }
    }

    private func ensureDirectory(_ url: URL) throws(OutputError) -> URL {
        var info = stat()
        if lstat(url.path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK { throw .unsafeDirectory(path: url.path, reason: "is a symbolic link") }
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .unsafeDirectory(path: url.path, reason: "is not a folder") }
            return url
        }
        guard errno == ENOENT else { throw .io(path: url.path, reason: String(cString: strerror(errno))) }
        if mkdir(url.path, 0o755) != 0 && errno != EEXIST {
            throw .io(path: url.path, reason: "cannot create folder: \(String(cString: strerror(errno)))")
        }
        return try ensureDirectory(url)
    }

    private func regularFileSize(_ url: URL) throws(OutputError) -> Int64 {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw .io(path: url.path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .io(path: url.path, reason: "not a regular file") }
        return Int64(info.st_size)
    }

    func realPath(_ url: URL) -> String? {
        guard let resolved = realpath(url.path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
