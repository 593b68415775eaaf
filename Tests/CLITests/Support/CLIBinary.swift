import ComfyTestSupport
import Foundation

/// Finds the built `comfybridge` executable and the repository the tests belong to.
enum CLIBinary {
    /// The repository root.
    static let repository = Repository.root

    /// `$COMFYBRIDGE_BINARY`, else `comfybridge` next to the test bundle (what `swift build
    /// --build-tests` produces), else `.build/debug/comfybridge` in the repository.
    static func url() throws -> URL {
        try Repository.builtExecutable("comfybridge", overrideVariable: "COMFYBRIDGE_BINARY")
    }
}
