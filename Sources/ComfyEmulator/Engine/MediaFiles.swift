import ComfyWorkflow
import Foundation

/// A save node that writes one file for a whole batch (an animation or a video), or one per audio
/// waveform, instead of one PNG per image: what to write and the UI output shape ComfyUI gives it.
struct MediaSave: Sendable {
    /// The bytes of each file.
    enum Content: Sendable {
        /// An APNG drawn from the frames of `frames` (SaveAnimatedPNG).
        case apng(frames: ImageSpec, fps: Double)
        /// A fixed sample file (video, WEBP, GIF, audio).
        case sample([UInt8])
    }

    /// How files are named.
    enum Naming: Sendable {
        /// `<base>_<counter:05>_.<ext>`: ComfyUI's save nodes.
        case comfy
        /// `<base>_<counter:05>.<ext>`, plus the first frame as `<base>_<counter:05>.png` (`workflow`):
        /// VideoHelperSuite's Video Combine.
        case videoHelperSuite(format: String, frameRate: Double, firstFrame: ImageSpec)
    }

    /// `output` or `temp`.
    var folderType: String
    /// The raw `filename_prefix` (for `temp`, ComfyUI's random temp prefix is used when `randomTempPrefix`).
    var prefix: String
    /// True for PreviewAudio: the prefix becomes `ComfyUI_temp_<5 letters>`.
    var randomTempPrefix = false
    /// Image width and height for `%width%` and `%height%` in the prefix.
    var size: (width: Int, height: Int) = (0, 0)
    /// The file extension, without the dot.
    var fileExtension: String
    /// The files' content.
    var content: Content
    /// How many files (audio: one per waveform; otherwise 1).
    var count = 1
    /// The UI output key: `images`, `audio` or `gifs`.
    var key: String
    /// `animated: [value]` beside the files, or nil for none.
    var animated: Bool?
    /// The naming rule.
    var naming: Naming = .comfy
}

/// Names and writes `MediaSave` files under the emulator's folders, with ComfyUI's prefix rules (the
/// counter continues after the highest existing file with that prefix, a prefix leaving the folder
/// fails at run time), and returns the node's UI output.
struct MediaFiles {
    let paths: EmulatorPaths

    /// Writes the files and returns the UI output object (`{"images": [...], "animated": [true]}`,
    /// `{"audio": [...]}` or VideoHelperSuite's `{"gifs": [...]}`).
    func save(_ media: MediaSave, counters: inout [String: Int], tempSuffix: String) throws -> JSONValue {
        guard let root = paths.root(media.folderType) else { return .object([:]) }
        var prefix = media.randomTempPrefix ? "ComfyUI_temp_\(tempSuffix)" : media.prefix
        if prefix.contains("%") { prefix = OutputFiles.expand(prefix, width: media.size.width, height: media.size.height) }
        let normalized = OutputFiles.normpath(prefix)
        let parts = normalized.split(separator: "/", omittingEmptySubsequences: false)
        let subfolder = parts.dropLast().joined(separator: "/")
        let base = String(parts.last ?? "")
        let rootPath = root.standardizedFileURL.path
        let folder = URL(fileURLWithPath: subfolder.isEmpty ? rootPath : rootPath + "/" + subfolder).standardizedFileURL
        guard folder.path == rootPath || folder.path.hasPrefix(rootPath + "/") else {
            throw NodeFailure(type: "Exception",
                              message: "**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: \(folder.path)\n         output_dir: \(rootPath)\n         commonpath: \(OutputFiles.commonPath(rootPath, folder.path))",
                              isOutOfMemory: false, frame: "    raise Exception(err)")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = folder.path + "\u{0}" + base
        var counter = counters[key] ?? OutputFiles.nextCounter(in: folder, base: base)
        var items: [JSONValue] = []
        for index in 0..<max(media.count, 1) {
            let number = String(counter).leftPadded(to: 5)
            let stem = base.replacingOccurrences(of: "%batch_num%", with: String(index))
            let name: String
            switch media.naming {
            case .comfy: name = "\(stem)_\(number)_.\(media.fileExtension)"
            case .videoHelperSuite: name = "\(stem)_\(number).\(media.fileExtension)"
            }
            let url = folder.appendingPathComponent(name)
            try write(media.content, to: url)
            var item: JSONObject = ["filename": .string(name), "subfolder": .string(subfolder), "type": .string(media.folderType)]
            if case .videoHelperSuite(let format, let rate, let firstFrame) = media.naming {
                let workflow = "\(stem)_\(number).png"
                try PNGWriter.write(ImagePattern(spec: firstFrame, index: 0), to: folder.appendingPathComponent(workflow))
                item["format"] = .string(format)
                item["frame_rate"] = .double(rate)
                item["workflow"] = .string(workflow)
                item["fullpath"] = .string(url.path)
            }
            items.append(.object(item))
            counter += 1
        }
        counters[key] = counter
        var output: JSONObject = [media.key: .array(items)]
        if let animated = media.animated { output["animated"] = .array([.bool(animated)]) }
        return .object(output)
    }

    private func write(_ content: MediaSave.Content, to url: URL) throws {
        let bytes: [UInt8]
        switch content {
        case .apng(let frames, let fps):
            bytes = APNGWriter.encode((0..<max(frames.batch, 1)).map { ImagePattern(spec: frames, index: $0) }, fps: fps)
        case .sample(let sample):
            bytes = sample
        }
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
            throw NodeFailure(type: "OSError", message: "[Errno 5] cannot write \(url.lastPathComponent)", isOutOfMemory: false,
                              frame: "    container = av.open(path, mode=\"w\")")
        }
    }
}
