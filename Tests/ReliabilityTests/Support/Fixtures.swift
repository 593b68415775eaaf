import ComfyChaos
import ComfyTestSupport
import Foundation

/// Paths of the repository's fixtures and built products (from ComfyTestSupport's ``Repository``).
enum Fixtures {
    /// The repository root.
    static var repositoryRoot: URL { Repository.root }

    /// `Tests/Fixtures/transcripts`.
    static var transcripts: URL { Repository.fixtures.appendingPathComponent("transcripts", isDirectory: true) }

    /// The transcript corpus, loaded once per use.
    static func corpus() throws -> FuzzCorpus { try FuzzCorpus.load(transcripts: transcripts) }

    /// The built `comfybridge` executable: beside the test bundle, else under `.build/debug`.
    static var comfybridge: URL? { try? Repository.builtExecutable("comfybridge") }

    /// A new empty folder under the system temporary folder.
    static func scratch(_ label: String) throws -> URL {
        try Repository.temporaryFolder("reliability-\(label)")
    }
}
