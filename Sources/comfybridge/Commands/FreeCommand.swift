import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation

/// `comfybridge free`: asks a server to free memory, optionally unloading its models.
struct FreeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "free",
        abstract: "Ask a server to free cached memory (and unload models with --unload-models).",
        usage: "comfybridge free [--unload-models] [<options>]")

    @Flag(name: .customLong("unload-models"), help: "Also unload every model from GPU memory.")
    var unloadModels = false

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            let configuration = try server.single(command: "free")
            try await ComfyClient.withClient(configuration: configuration) { client in
                try await client.free(unloadModels: unloadModels, freeMemory: true)
            }
            if output.json {
                console.output(JSONValue.object(["server": .string(configuration.baseURL.absoluteString), "freed": true,
                                                 "unloaded_models": .bool(unloadModels)]).serializedString(.compact))
            } else {
                console.output("Freed memory on \(configuration.baseURL.absoluteString)\(unloadModels ? " and unloaded models" : "")")
            }
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
