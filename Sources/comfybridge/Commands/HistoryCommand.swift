import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation

/// `comfybridge history [ID]`: finished prompts with their outcome and output files.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show finished prompts (or one prompt) with outcome and output files.",
        usage: "comfybridge history [<options>] [<prompt-id>]",
        discussion: "Exit 1 when the prompt ID is not in the server's history.")

    @Argument(help: ArgumentHelp("One prompt id.", valueName: "prompt-id"))
    var promptID: String?

    @Option(help: "Show at most this many recent prompts.")
    var max: Int?

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let max, max < 1 { throw ValidationError("--max must be at least 1") }
    }

    func run() async throws {
        let console = Console()
        do {
            let configuration = try server.single(command: "history")
            let entries: [HistoryEntry] = try await ComfyClient.withClient(configuration: configuration) { client in
                if let promptID {
                    guard let entry = try await client.history(promptID: promptID) else {
                        throw CommandFailure(status: .failed, message: "\(configuration.baseURL.absoluteString): prompt \(promptID) is not in the history (still queued, or unknown)")
                    }
                    return [entry]
                }
                return try await client.history(maxItems: max)
            }
            for entry in entries {
                let outcome = Self.outcome(entry.outcome)
                if output.json {
                    let files: [JSONValue] = entry.files.map { file in
                        ["node_id": .string(file.nodeID), "filename": .string(file.filename),
                         "subfolder": .string(file.subfolder), "type": .string(file.type)]
                    }
                    console.output(JSONValue.object(["prompt_id": .string(entry.promptID), "status": .string(outcome.status),
                                                     "error": outcome.detail.map(JSONValue.string) ?? .null,
                                                     "files": .array(files)]).serializedString(.compact))
                } else {
                    console.output("\(entry.promptID)  \(outcome.status)\(outcome.detail.map { ": \($0)" } ?? "")")
                    for file in entry.files { console.output("    \(file)") }
                }
            }
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }

    private static func outcome(_ outcome: HistoryEntry.Outcome) -> (status: String, detail: String?) {
        switch outcome {
        case .success: ("success", nil)
        case .failed(let failure): ("error", failure.description)
        case .interrupted(let node, let type): ("interrupted", node.map { "at node \($0)" + (type.map { " (\($0))" } ?? "") })
        case .unknown(let status): ("unknown", status)
        }
    }
}
