import ComfyWorkflow
import Foundation

extension EmulatorCore {
    /// `GET /view`: the security checks and status codes of `server.py`'s `view_image`, then the file.
    func getView(_ request: RequestInfo) -> Reply {
        guard var filename = request.query["filename"] else { return .empty(404) }
        var type = request.query["type"] ?? "output"
        for candidate in ["output", "input", "temp"] where filename.hasSuffix(" [\(candidate)]") {
            filename = String(filename.dropLast(candidate.count + 3))
            type = candidate
        }
        guard !filename.isEmpty else { return .empty(400) }
        if filename.hasPrefix("/") || filename.contains("..") { return .empty(400) }
        guard var dir = paths.root(type)?.standardizedFileURL else { return .empty(400) }
        if let subfolder = request.query["subfolder"] {
            let root = dir.path
            let joined = subfolder.hasPrefix("/") ? URL(fileURLWithPath: subfolder) : dir.appendingPathComponent(subfolder)
            let resolved = joined.standardizedFileURL
            guard resolved.path == root || resolved.path.hasPrefix(root + "/") else { return .empty(403) }
            dir = resolved
        }
        let base = (filename as NSString).lastPathComponent
        let file = dir.appendingPathComponent(base)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDir), !isDir.boolValue,
              let data = FileManager.default.contents(atPath: file.path) else { return .empty(404) }
        let body = faults.wrongFileBytes ? Array("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>\n".utf8) : [UInt8](data)
        var reply = Reply(status: 200, contentType: EmulatorCore.mimeType(base), body: body)
        reply.headers = [("Content-Disposition", "filename=\"\(base)\"")]
        return reply
    }

    static func mimeType(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "mp4": "video/mp4"
        case "webm": "video/webm"
        case "flac": "audio/flac"
        case "mp3": "audio/mpeg"
        case "opus", "ogg": "audio/ogg"
        case "json": "application/json"
        case "txt": "text/plain"
        default: "application/octet-stream"
        }
    }

    /// `POST /upload/image`: ComfyUI's naming (`name (1).png` for different bytes, the same name for
    /// identical bytes, replacement with `overwrite`), subfolders, and its refusal codes.
    func postUploadImage(_ request: RequestInfo) -> Reply {
        let parts = Multipart.boundary(request.contentType).flatMap { Multipart.parse(request.body, boundary: $0) } ?? []
        func field(_ name: String) -> String? {
            parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.body, as: UTF8.self) }
        }
        let type = field("type") ?? "input"
        guard let root = paths.root(type)?.standardizedFileURL else { return .internalError }
        guard let image = parts.first(where: { $0.name == "image" }) else { return .empty(400) }
        guard var filename = image.filename else { return .internalError }
        guard !filename.isEmpty else { return .empty(400) }
        let subfolder = field("subfolder") ?? ""
        let folder = root.appendingPathComponent(OutputFiles.normpath(subfolder)).standardizedFileURL
        var target = folder.appendingPathComponent(filename).standardizedFileURL
        guard target.path.hasPrefix(root.path + "/") else { return .empty(400) }
        try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let overwrite = field("overwrite").map { $0 == "true" || $0 == "1" } ?? false
        var duplicate = false
        if !overwrite {
            let stem = (filename as NSString).deletingPathExtension
            let ext = (filename as NSString).pathExtension
            var i = 1
            while FileManager.default.fileExists(atPath: target.path) {
                if let existing = FileManager.default.contents(atPath: target.path), [UInt8](existing) == image.body {
                    duplicate = true
                    break
                }
                filename = "\(stem) (\(i))" + (ext.isEmpty ? "" : ".\(ext)")
                target = folder.appendingPathComponent(filename)
                i += 1
            }
        }
        if !duplicate {
            guard FileManager.default.createFile(atPath: target.path, contents: Data(image.body)) else { return .internalError }
        }
        refreshInputFiles()
        return .json(["name": .string(filename), "subfolder": .string(subfolder), "type": .string(type)])
    }
}
