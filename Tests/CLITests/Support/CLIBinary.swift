import Foundation

/// Finds the built `comfybridge` executable and the repository the tests belong to.
enum CLIBinary {
    /// The repository root (three folders above this file's folder).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$COMFYBRIDGE_BINARY`, else `comfybridge` next to the test bundle (what `swift build
    /// --build-tests` produces), else `.build/debug/comfybridge` in the repository.
    static func url() throws -> URL {
        let manager = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["COMFYBRIDGE_BINARY"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        for bundle in [Bundle.main] + Bundle.allBundles {
            var folder = bundle.bundleURL.deletingLastPathComponent()
            if bundle.bundleURL.pathExtension != "xctest", let executable = bundle.executableURL {
                folder = executable.deletingLastPathComponent()
            }
            candidates.append(folder.appendingPathComponent("comfybridge"))
        }
        candidates.append(repository.appendingPathComponent(".build/debug/comfybridge"))
        guard let found = candidates.first(where: { manager.isExecutableFile(atPath: $0.path) }) else {
            throw CLITestError.noBinary(candidates.map(\.path))
        }
        return found
    }
}

/// Why a CLI test could not run.
enum CLITestError: Error, CustomStringConvertible {
    /// The executable was not built.
    case noBinary([String])

    var description: String {
        switch self {
        case .noBinary(let paths): "comfybridge is not built (run `swift build --build-tests`); looked at \(paths.joined(separator: ", "))"
        }
    }
}
