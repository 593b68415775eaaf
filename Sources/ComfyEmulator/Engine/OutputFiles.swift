import ComfyWorkflow
import Foundation

/// Names and writes the files of SaveImage and PreviewImage the way ComfyUI's
/// `get_save_image_path` does: `<prefix>_<counter:05d>_.png`, the counter continuing after the
/// highest existing file with that prefix, and prefixes that leave the output folder refused at run time.
struct OutputFiles {
    let paths: EmulatorPaths

    /// One file to write.
    struct Planned: Sendable {
        let url: URL
        let item: JSONValue
        let index: Int
    }

    /// Plans the files for `request`; `counters` caches the next counter per folder and prefix.
    func plan(_ request: SaveRequest, counters: inout [String: Int], tempSuffix: String) throws(NodeFailure) -> [Planned] {
        guard let root = paths.root(request.folderType) else { return [] }
        var prefix = request.folderType == "temp" ? "ComfyUI_temp_\(tempSuffix)" : request.prefix
        if prefix.contains("%") { prefix = OutputFiles.expand(prefix, width: request.images.width, height: request.images.height) }
        let normalized = OutputFiles.normpath(prefix)
        let subfolder = normalized.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let filename = String(normalized.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        let rootPath = root.standardizedFileURL.path
        let folder = URL(fileURLWithPath: subfolder.isEmpty ? rootPath : rootPath + "/" + subfolder).standardizedFileURL
        guard folder.path == rootPath || folder.path.hasPrefix(rootPath + "/") else {
            let common = OutputFiles.commonPath(rootPath, folder.path)
            throw NodeFailure(type: "Exception",
                              message: "**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: \(folder.path)\n         output_dir: \(rootPath)\n         commonpath: \(common)",
                              isOutOfMemory: false, frame: "    raise Exception(err)")
        }
        let key = folder.path + "\u{0}" + filename
        var counter: Int
        if let known = counters[key] {
            counter = known
        } else {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            counter = OutputFiles.nextCounter(in: folder, base: filename)
        }
        var planned: [Planned] = []
        for index in 0..<max(request.images.batch, 0) {
            let name = "\(filename.replacingOccurrences(of: "%batch_num%", with: String(index)))_\(String(counter).leftPadded(to: 5))_.png"
            planned.append(Planned(url: folder.appendingPathComponent(name),
                                   item: ["filename": .string(name), "subfolder": .string(subfolder), "type": .string(request.folderType)],
                                   index: index))
            counter += 1
        }
        counters[key] = counter
        return planned
    }

    /// Writes the planned files off the actor (PNG drawing is the expensive part of a run).
    @concurrent
    static func write(_ planned: [Planned], images: ImageSpec, promptText: String) async throws {
        for file in planned {
            try PNGWriter.write(ImagePattern(spec: images, index: file.index), text: [("prompt", promptText)], to: file.url)
        }
    }

    static func nextCounter(in folder: URL, base: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var best = 0
        let prefixLength = base.count
        for name in names {
            let chars = Array(name)
            guard chars.count > prefixLength + 1, String(chars[0..<prefixLength]) == base, chars[prefixLength] == "_" else { continue }
            let digits = String(chars[(prefixLength + 1)...]).split(separator: "_", omittingEmptySubsequences: false).first ?? ""
            best = max(best, Int(digits) ?? 0)
        }
        return best + 1
    }

    /// Python's `os.path.normpath` for `/`-separated relative paths.
    static func normpath(_ path: String) -> String {
        var parts: [String] = []
        let absolute = path.hasPrefix("/")
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(String(part))
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func commonPath(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "/"), y = b.split(separator: "/")
        var common: [Substring] = []
        for (p, q) in zip(x, y) where p == q { common.append(p) }
        return "/" + common.joined(separator: "/")
    }

    /// The server-side `%...%` substitutions of `filename_prefix`.
    static func expand(_ prefix: String, width: Int, height: Int) -> String {
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
        func two(_ v: Int?) -> String { String(v ?? 0).leftPadded(to: 2) }
        return prefix
            .replacingOccurrences(of: "%width%", with: String(width))
            .replacingOccurrences(of: "%height%", with: String(height))
            .replacingOccurrences(of: "%year%", with: String(now.year ?? 0))
            .replacingOccurrences(of: "%month%", with: two(now.month))
            .replacingOccurrences(of: "%day%", with: two(now.day))
            .replacingOccurrences(of: "%hour%", with: two(now.hour))
            .replacingOccurrences(of: "%minute%", with: two(now.minute))
            .replacingOccurrences(of: "%second%", with: two(now.second))
    }
}
