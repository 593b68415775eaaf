import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension OutputStore {
    /// Removes the temporary files an interrupted run can leave behind — downloads in progress
    /// (`outputs/<panel>/.<name>.<id>.part`, also in version folders) and atomic replacements
    /// (`.<file>.<id>.tmp` beside `manifest.json` and `project.json`) — and returns their paths
    /// relative to the project.
    ///
    /// Only regular files whose names have exactly those shapes are removed; symbolic links are
    /// never followed and nothing else is touched. Call it before a run starts writing.
    public func removeStaleTemporaries() -> [String] {
        var removed: [String] = []
        removeTemporaries(in: projectDirectory, relative: "", suffix: ".tmp", into: &removed)
        let outputs = outputsDirectory
        guard Self.isRealDirectory(outputs) else { return removed }
        removeTemporaries(in: outputs, relative: "outputs/", suffix: ".tmp", into: &removed)
        for panel in Self.entries(of: outputs) where panel != ".comfybridge" {
            let folder = outputs.appendingPathComponent(panel, isDirectory: true)
            guard Self.isRealDirectory(folder) else { continue }
            removeTemporaries(in: folder, relative: "outputs/\(panel)/", suffix: ".part", into: &removed)
            for version in Self.entries(of: folder) where version.hasPrefix("v") {
                let sub = folder.appendingPathComponent(version, isDirectory: true)
                guard Self.isRealDirectory(sub) else { continue }
                removeTemporaries(in: sub, relative: "outputs/\(panel)/\(version)/", suffix: ".part", into: &removed)
            }
        }
        return removed
    }

    /// Removes the image at `path` (relative to the project) that an interrupted run renamed into place
    /// without recording it (see `Ledger.takeUnrecordedPendingFiles()`); true when a file was removed.
    ///
    /// Only a regular file under `outputs/<panel>/` is removed (never a link, never a path with `..`).
    @discardableResult
    public func removeUnrecordedFile(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.first == "outputs", !parts.contains(".."), !parts.contains("."), !parts.contains("") else { return false }
        let url = projectDirectory.appendingPathComponent(path)
        // A folder on the way swapped for a link must not lead the removal out of the project.
        let root = realPath(projectDirectory) ?? projectDirectory.path
        guard let parent = realPath(url.deletingLastPathComponent()), parent.hasPrefix(root + "/outputs/") else { return false }
        var info = stat()
        guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return unlink(url.path) == 0
    }

    private func removeTemporaries(in folder: URL, relative: String, suffix: String, into removed: inout [String]) {
        for name in Self.entries(of: folder) where name.hasPrefix(".") && name.hasSuffix(suffix) && name.count > suffix.count + 1 {
            let url = folder.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if unlink(url.path) == 0 { removed.append(relative + name) }
        }
    }

    private static func entries(of folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    private static func isRealDirectory(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
