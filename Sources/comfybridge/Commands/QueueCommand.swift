import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation

/// `comfybridge queue`: the running and pending prompts of a server; `--clear` and `--delete` edit it.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List a server's running and pending prompts, or clear / delete pending ones.",
        usage: "comfybridge queue [--clear] [--delete <prompt-id> ...] [<options>]")

    @Flag(help: "Remove every pending prompt (the running one continues; see `interrupt`).")
    var clear = false

    @Option(name: .customLong("delete"), help: ArgumentHelp("Remove this pending prompt; repeatable.", valueName: "prompt-id"))
    var deletions: [String] = []

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            let configuration = try server.single(command: "queue")
            let queue = try await ComfyClient.withClient(configuration: configuration) { client in
                if clear { try await client.clearQueue() }
                if !deletions.isEmpty { try await client.deleteFromQueue(deletions) }
                return try await client.queue()
            }
            if clear { console.error("Cleared the pending prompts of \(configuration.baseURL.absoluteString)") }
            if !deletions.isEmpty { console.error("Asked \(configuration.baseURL.absoluteString) to delete \(deletions.joined(separator: ", "))") }
            if output.json {
                func item(_ q: QueueItem) -> JSONValue {
                    ["prompt_id": .string(q.promptID), "number": .double(q.number), "client_id": q.clientID.map(JSONValue.string) ?? .null]
                }
                console.output(JSONValue.object(["server": .string(configuration.baseURL.absoluteString),
                                                 "running": .array(queue.running.map(item)),
                                                 "pending": .array(queue.pending.map(item))]).serializedString(.compact))
            } else {
                console.output("\(queue.running.count) running, \(queue.pending.count) pending")
                for q in queue.running { console.output("  running  \(q.promptID)") }
                for q in queue.pending { console.output("  pending  \(q.promptID)") }
            }
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
