import ComfyAPI
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ComfyClient: OutputSource {
    /// Streams `file` from the server's `/view` into a new file at `destination`, created exclusively
    /// (never following a symbolic link), and returns the bytes written.
    public func fetch(_ file: OutputFile, to destination: URL, maxBytes: Int64) async throws -> Int64 {
        let fd = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OutputError.io(path: destination.path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        let written = try await view(file, to: handle, maxBytes: Int(clamping: maxBytes))
        return Int64(written)
    }
}
