import ComfyChaos
import Foundation

/// Paths of the repository's fixtures and built products, found from this file's location.
enum Fixtures {
    /// The repository root.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Tests/Fixtures/transcripts`.
    static var transcripts: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures/transcripts", isDirectory: true) }

    /// The transcript corpus, loaded once per use.
    static func corpus() throws -> FuzzCorpus { try FuzzCorpus.load(transcripts: transcripts) }

    /// The built `comfybridge` executable: beside the test bundle, else under `.build/debug`.
    static var comfybridge: URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("comfybridge")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let debug = repositoryRoot.appendingPathComponent(".build/debug/comfybridge")
        return FileManager.default.isExecutableFile(atPath: debug.path) ? debug : nil
    }

    /// A new empty folder under the system temporary folder.
    static func scratch(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reliability-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
