import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Durable file replacement: write a temporary file beside the destination, fsync it, rename it
/// over the destination and fsync the folder, so a reader sees the old or the new file, never half.
enum AtomicFile {
    /// Why a durable write failed.
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let operation: String
        let code: Int32
        var description: String { "\(path): \(operation) failed: \(String(cString: strerror(code)))" }
    }

    /// Replaces `url` with `bytes` durably.
    static func replace(_ bytes: [UInt8], to url: URL) throws {
        try replace(to: url) { emit in try emit(bytes) }
    }

    /// Writes what `produce` emits, chunk by chunk, to a temporary file beside `url`, fsyncs it and
    /// renames it over `url`; on any failure `url` is untouched and the temporary file removed.
    static func replace(to url: URL, _ produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw Failure(path: temp.path, operation: "open", code: errno) }
        var ok = false
        defer {
            if !ok { unlink(temp.path) }
        }
        do {
            defer { close(fd) }
            try produce { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw Failure(path: temp.path, operation: "write", code: errno)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw Failure(path: temp.path, operation: "fsync", code: errno) }
        }
        try commit(temp, to: url)
        ok = true
    }

    /// Renames the finished file `temp` over `url` and fsyncs the folder.
    static func commit(_ temp: URL, to url: URL) throws {
        guard rename(temp.path, url.path) == 0 else { throw Failure(path: url.path, operation: "rename", code: errno) }
        syncDirectory(url.deletingLastPathComponent())
    }

    /// Flushes a folder's entries (renames, creations) to disk; best effort.
    static func syncDirectory(_ directory: URL) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Fsyncs an existing file.
    static func sync(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: url.path, operation: "open", code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(path: url.path, operation: "fsync", code: errno) }
    }
}
