import Foundation

/// Where the tests find the checkout they belong to: the repository root, its fixtures and its built
/// executables. The tests never read anything outside the repository.
public enum Repository {
    /// The repository root: the nearest folder above this source file that holds `Package.swift`.
    public static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// `Tests/Fixtures`: transcripts, workflows, images and certificates checked in for the tests.
    public static var fixtures: URL { root.appendingPathComponent("Tests/Fixtures", isDirectory: true) }

    /// `relativePath` under the repository root (e.g. `examples/demo-project`).
    public static func path(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// A built executable of this package: the file named by `$overrideVariable` when set, else `name`
    /// next to the test bundle (what `swift build --build-tests` produces), else `.build/debug/name`.
    ///
    /// - Throws: ``TestSupportError/notBuilt(_:lookedAt:)`` naming every place looked at.
    public static func builtExecutable(_ name: String, overrideVariable: String? = nil) throws(TestSupportError) -> URL {
        var candidates: [URL] = []
        if let overrideVariable, let override = ProcessInfo.processInfo.environment[overrideVariable] {
            candidates.append(URL(fileURLWithPath: override))
        }
        for bundle in [Bundle.main] + Bundle.allBundles {
            var folder = bundle.bundleURL.deletingLastPathComponent()
            if bundle.bundleURL.pathExtension != "xctest", let executable = bundle.executableURL {
                folder = executable.deletingLastPathComponent()
            }
            candidates.append(folder.appendingPathComponent(name))
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name))
        candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw .notBuilt(name, lookedAt: candidates.map(\.path))
        }
        return found
    }

    /// A new empty folder under the system temporary folder, named after `label`.
    public static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Why a test could not set up what it needs.
public enum TestSupportError: Error, Equatable, CustomStringConvertible {
    /// The executable `name` was not built; the paths looked at.
    case notBuilt(String, lookedAt: [String])
    /// `openssl` could not make a test certificate; what it said.
    case certificate(String)
    /// A child process's streamed stdout stayed open this long after it exited (another process holds the pipe).
    case stdoutStayedOpen(program: String, pid: Int32, after: Duration)

    /// One line naming what is missing or failed.
    public var description: String {
        switch self {
        case .notBuilt(let name, let paths):
            "\(name) is not built (run `swift build --build-tests`); looked at \(paths.joined(separator: ", "))"
        case .certificate(let message): "openssl could not make the test certificate: \(message)"
        case .stdoutStayedOpen(let program, let pid, let after): "stdout of \(program) (pid \(pid)) stayed open \(after) after it exited"
        }
    }
}
