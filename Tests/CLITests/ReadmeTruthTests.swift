import ComfyTestSupport
import Foundation
import Testing

/// The README's command lines name only commands and flags the binary has (issue 19, part 3).
@Suite("README's comfybridge command lines match the binary")
struct ReadmeTruthTests {
    @Test func everyCommandAndFlagInTheReadmesCommandLinesExists() async throws {
        let readme = try String(contentsOf: CLIBinary.repository.appendingPathComponent("README.md"), encoding: .utf8)
        // Lines that run comfybridge (in code blocks), without their trailing comments.
        let commandLines = readme.split(separator: "\n").map(String.init).filter { $0.hasPrefix("comfybridge ") }
            .map { $0.components(separatedBy: "  #").first ?? $0 }
        #expect(commandLines.count >= 8, "\(commandLines)")
        var helps: [String: String] = [:]
        for line in commandLines {
            let words = line.split(separator: " ").map(String.init)
            guard words.count > 1, words[1].first?.isLetter == true else { continue }
            let command = words[1]
            if helps[command] == nil {
                let result = try await ChildProcess.run(["help", command], in: Fixtures.temporaryFolder(), environment: ["COLUMNS": "1000"])
                #expect(result.status == 0 && result.stdout.contains("USAGE: comfybridge \(command)"), "README names `comfybridge \(command)`: \(result.stderr)")
                helps[command] = result.stdout
            }
            for flag in words.dropFirst(2) where flag.hasPrefix("--") {
                #expect(helps[command]?.contains("  \(flag) ") == true, "README line `\(line)`: \(command) has no \(flag)")
            }
        }
        #expect(helps.count >= 5)
    }
}
