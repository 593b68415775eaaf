import ArgumentParser
import Foundation

/// The `comfybridge` command: renders StoryCore projects through ComfyUI servers.
@main
struct ComfyBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comfybridge",
        abstract: "Render StoryCore projects through one or more ComfyUI servers.",
        discussion: """
            Server URL: --server, else $COMFYUI_URL, else http://127.0.0.1:8188. Bearer token: --token, \
            else $COMFYUI_TOKEN (never printed). Results and JSON go to stdout, messages and progress to \
            stderr.

            \(ExitStatus.helpText)
            """,
        version: "0.1.0",
        subcommands: CommandRegistry.all
    )

    /// Parses the arguments, runs the command and exits with the documented codes: usage errors
    /// exit 2 (not ArgumentParser's 64), help and version exit 0.
    static func main() async {
        let console = Console()
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            finish(after: error, console: console)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            Foundation.exit(ExitStatus.success.rawValue)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            finish(after: error, console: console)
        }
    }

    private static func finish(after error: any Error, console: Console) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { console.output(message) }
            Foundation.exit(ExitStatus.success.rawValue)
        }
        if code == .validationFailure {
            console.error(message)
            Foundation.exit(ExitStatus.badInput.rawValue)
        }
        if !message.isEmpty { console.error("comfybridge: error: \(message)") }
        Foundation.exit(code.rawValue)
    }
}
