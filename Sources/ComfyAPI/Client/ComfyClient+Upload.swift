import Foundation

extension ComfyClient {
    /// ComfyUI's default request body limit (`--max-upload-size` 100 MB), the default `maxBytes` of an upload.
    public static let defaultMaxUploadBytes = 100 << 20

    /// `POST /upload/image` of the image file at `image` into the server's `input/<subfolder>/`.
    ///
    /// The server may keep the file under another name (`name (1).png` when `name.png` holds other
    /// bytes; the existing name when it holds the same bytes): always use the returned
    /// `UploadedFile`, whose `loadImageValue` is what `LoadImage`'s `image` input takes.
    ///
    /// - Parameters:
    ///   - image: a local image file.
    ///   - name: the file name to ask for (default: `image`'s last path component); no `/`, no `..`.
    ///   - subfolder: a folder below `input/`, created by the server if missing (default none).
    ///   - overwrite: replace a file of the same name instead of renaming the new one (default false).
    ///   - maxBytes: the largest file sent (default `defaultMaxUploadBytes`); a bigger one is refused before sending.
    /// - Throws: `ComfyError.invalidArgument` for an unreadable, empty or too large file or a bad name,
    ///   `ComfyError.httpStatus` for the server's 400 (bad name or subfolder) and 413 (over its limit),
    ///   `ComfyError.malformedReply` for a reply without a name, transport errors.
    public func upload(image: URL, name: String? = nil, subfolder: String = "", overwrite: Bool = false,
                       maxBytes: Int = ComfyClient.defaultMaxUploadBytes) async throws(ComfyError) -> UploadedFile {
        let filename = name ?? image.lastPathComponent
        guard !filename.isEmpty, !filename.contains("/"), !filename.contains("\\"), filename != ".", filename != ".." else {
            throw .invalidArgument("upload name \(filename.isEmpty ? "(empty)" : filename) must be a plain file name")
        }
        guard !subfolder.split(separator: "/").contains(".."), !subfolder.hasPrefix("/") else {
            throw .invalidArgument("upload subfolder \(subfolder) must stay inside the server's input folder")
        }
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: image.path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw .invalidArgument("cannot read \(image.path) to upload: \((error as NSError).localizedDescription)")
        }
        guard size > 0 else { throw .invalidArgument("\(image.path) is empty; nothing to upload") }
        guard size <= maxBytes else {
            throw .invalidArgument("\(image.path) is \(size) bytes, over the upload limit of \(maxBytes) bytes")
        }
        let data: Data
        do { data = try Data(contentsOf: image) } catch {
            throw .invalidArgument("cannot read \(image.path) to upload: \((error as NSError).localizedDescription)")
        }
        guard data.count <= maxBytes else {
            throw .invalidArgument("\(image.path) is \(data.count) bytes, over the upload limit of \(maxBytes) bytes")
        }
        return try await uploadImage([UInt8](data), filename: filename, subfolder: subfolder, overwrite: overwrite)
    }
}
