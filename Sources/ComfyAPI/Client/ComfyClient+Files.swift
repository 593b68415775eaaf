import ComfyWorkflow
import Foundation
import NIOCore
import NIOHTTP1

extension ComfyClient {
    /// Streams an output file from `/view` into `handle`, chunk by chunk, never holding the file in memory.
    ///
    /// - Parameters:
    ///   - file: the reference from a `PromptResult` or history entry (filename, subfolder, type).
    ///   - handle: an open, writable handle; writing starts at its current offset.
    ///   - maxBytes: the largest file accepted; a bigger one fails with `ComfyError.responseTooLarge`
    ///     (the bytes already written stay in the handle: write to a temporary file and rename on success).
    /// - Returns: the number of bytes written.
    /// - Throws: `ComfyError.invalidArgument` for a name the server refuses (`..`, a leading `/`),
    ///   `ComfyError.httpStatus` for 400/403/404 replies, transport errors.
    @discardableResult
    public func view(_ file: OutputFile, to handle: FileHandle, maxBytes: Int = 1 << 30) async throws(ComfyError) -> Int {
        try checkOpen()
        let query = try Self.viewQuery(file)
        return try await transport.download("/view", query: query, maxBytes: maxBytes, readDeadline: .seconds(24 * 3600)) { chunk in
            try handle.write(contentsOf: Data(chunk.readableBytesView))
        }
    }

    /// Streams an output file from `/view` into a new file at `destination` (replaced if it exists).
    ///
    /// On any failure the partial file is removed. See `view(_:to:maxBytes:)` with a handle for the limits.
    @discardableResult
    public func view(_ file: OutputFile, to destination: URL, maxBytes: Int = 1 << 30) async throws(ComfyError) -> Int {
        try checkOpen()
        let manager = FileManager.default
        guard manager.createFile(atPath: destination.path, contents: nil) else {
            throw ComfyError.invalidArgument("cannot create \(destination.path) to download \(file.filename)")
        }
        let handle: FileHandle
        do { handle = try FileHandle(forWritingTo: destination) } catch {
            throw ComfyError.invalidArgument("cannot open \(destination.path) for writing: \(error)")
        }
        do {
            let written = try await view(file, to: handle, maxBytes: maxBytes)
            try? handle.close()
            return written
        } catch {
            try? handle.close()
            try? manager.removeItem(at: destination)
            throw error
        }
    }

    /// `POST /upload/image`: uploads image bytes as multipart form data.
    ///
    /// - Parameters:
    ///   - data: the encoded image file.
    ///   - filename: the name to store it under; the server may store it as `name (1).ext` — use the reply's `name`.
    ///   - subfolder: a folder below the type root, created if missing.
    ///   - type: the target folder (default `.input`).
    ///   - overwrite: replace a file of the same name instead of renaming the new one.
    public func uploadImage(_ data: [UInt8], filename: String, subfolder: String = "", type: FileType = .input,
                            overwrite: Bool = false) async throws(ComfyError) -> UploadedFile {
        try checkOpen()
        guard !filename.isEmpty else { throw ComfyError.invalidArgument("upload needs a non-empty file name") }
        var form = MultipartForm()
        form.addFile("image", filename: filename, contentType: Self.mimeType(filename), data: data)
        form.addField("type", type.rawValue)
        form.addField("subfolder", subfolder)
        if overwrite { form.addField("overwrite", "true") }
        let contentType = form.contentType
        let body = form.finish()
        let reply = try await transport.send(.POST, "/upload/image", body: body, contentType: contentType)
        let json = try transport.json(reply, route: "POST /upload/image")
        guard let name = json["name"]?.stringValue else {
            throw ComfyError.malformedReply(route: "POST /upload/image", field: "name", reason: "expected a string, got \(json["name"]?.typeName ?? "nothing")")
        }
        return UploadedFile(name: name, subfolder: json["subfolder"]?.stringValue ?? subfolder, type: json["type"]?.stringValue ?? type.rawValue)
    }

    static func viewQuery(_ file: OutputFile) throws(ComfyError) -> [(String, String)] {
        guard !file.filename.isEmpty else { throw ComfyError.invalidArgument("output file of node \(file.nodeID) has an empty file name") }
        guard !file.filename.contains(".."), !file.filename.hasPrefix("/") else {
            throw ComfyError.invalidArgument("file name \(file.filename) of node \(file.nodeID) contains '..' or starts with '/'; the server refuses it")
        }
        guard FileType(rawValue: file.type) != nil else {
            throw ComfyError.invalidArgument("file \(file.filename) of node \(file.nodeID) has type \(file.type); expected output, input or temp")
        }
        return [("filename", file.filename), ("subfolder", file.subfolder), ("type", file.type)]
    }

    static func mimeType(_ filename: String) -> String {
        switch filename.split(separator: ".").last?.lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        default: return "application/octet-stream"
        }
    }
}
