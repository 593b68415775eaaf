import ArgumentParser

/// `comfybridge-dev`: development tools that do not ship in `comfybridge` (the chaos campaign and
/// decoder fuzzer). Usage errors exit 2, like `comfybridge`.
@main
struct ComfyBridgeDevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comfybridge-dev",
        abstract: "ComfyBridge development tools: the seeded chaos campaign and decoder fuzzing.",
        subcommands: [ChaosCommand.self]
    )

    /// Runs the chosen subcommand; a usage error exits 2 instead of ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            exit(withError: code == .validationFailure ? ExitCode(2) : error)
        }
    }
}
