import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation

/// `comfybridge interrupt [ID]`: stops the running prompt (only if it is ID, when given).
struct InterruptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interrupt",
        abstract: "Interrupt the running prompt (only when it is PROMPT-ID, if given).",
        usage: "comfybridge interrupt [<options>] [<prompt-id>]")

    @Argument(help: ArgumentHelp("Interrupt only this prompt.", valueName: "prompt-id"))
    var promptID: String?

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            let configuration = try server.single(command: "interrupt")
            try await ComfyClient.withClient(configuration: configuration) { client in try await client.interrupt(promptID: promptID) }
            if output.json {
                console.output(JSONValue.object(["server": .string(configuration.baseURL.absoluteString), "interrupted": true,
                                                 "prompt_id": promptID.map(JSONValue.string) ?? .null]).serializedString(.compact))
            } else {
                console.output("Interrupt sent to \(configuration.baseURL.absoluteString)\(promptID.map { " for \($0)" } ?? "")")
            }
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
