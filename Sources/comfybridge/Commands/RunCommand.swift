import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation
import StoryCore

/// `comfybridge run WORKFLOW.json`: one workflow on one server, its outputs downloaded to a folder.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one workflow on a server and download its outputs.",
        discussion: """
            Parameters are injected by following the graph's links (seed into every seed/noise_seed, \
            prompts into the sampler's positive and negative text encoders, size and batch into the \
            latent); --set NODE.INPUT=VALUE sets any input last. The graph is validated against the \
            server's nodes before it is queued. Ctrl-C interrupts the prompt on the server (exit 130).
            """)

    @Argument(help: ArgumentHelp("API-format (or UI-export) workflow JSON.", valueName: "workflow.json"))
    var file: String

    @OptionGroup var server: ServerOptions

    @Option(help: "Seed for every seed/noise_seed input.") var seed: UInt64?
    @Option(help: "Positive prompt text.") var prompt: String?
    @Option(help: "Negative prompt text.") var negative: String?
    @Option(help: ArgumentHelp("Image size, e.g. 1024x768.", valueName: "WxH")) var size: String?
    @Option(help: "Images per prompt (latent batch size).") var batch: Int?
    @Option(help: "Sampler steps.") var steps: Int?
    @Option(name: .customLong("set"), help: ArgumentHelp("Set an input: NODE.INPUT=VALUE (JSON or text); repeatable.", valueName: "node.input=value"))
    var settings: [String] = []
    @Option(help: ArgumentHelp("Folder for the downloaded outputs.", valueName: "dir")) var out = "./comfybridge-output"

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            let parameters = try makeParameters()
            let json = try WorkflowFileReader.json(file)
            let configuration = try server.single(command: "run")
            let streamsJSON = output.streamsJSON(console: console)
            let (file, outputDirectory) = (self.file, URL(fileURLWithPath: out, isDirectory: true))
            let result = try await ComfyClient.withClient(configuration: configuration) { client in
                let execution = PromptExecution(client: client, console: console, json: streamsJSON)
                return try await CtrlC.cancelling(notice: { console.error("Stopping: interrupting the prompt on the server") }) {
                    try await execution.run(json: json, file: file, parameters: parameters, outputDirectory: outputDirectory)
                }
            }
            throw result.exitCode
        } catch let code as ExitCode {
            throw code
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }

    private func makeParameters() throws -> WorkflowParameters {
        var width: Int?
        var height: Int?
        if let size {
            let parts = size.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else {
                throw CommandFailure.badInput("--size '\(size)': expected WIDTHxHEIGHT, like 1024x768")
            }
            (width, height) = (w, h)
        }
        if let batch, batch < 1 { throw CommandFailure.badInput("--batch must be at least 1") }
        if let steps, steps < 1 { throw CommandFailure.badInput("--steps must be at least 1") }
        let overrides = try settings.map { text in
            do { return try NodeInputOverride(parsing: text) } catch { throw CommandFailure.badInput("--set \(error)") }
        }
        return WorkflowParameters(seed: seed, positivePrompt: prompt, negativePrompt: negative, width: width, height: height,
                                  batchSize: batch, steps: steps, overrides: overrides)
    }
}

/// Reads a workflow file as JSON, with one-line errors naming the file.
enum WorkflowFileReader {
    /// The parsed JSON of `path`.
    static func json(_ path: String) throws -> JSONValue {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CommandFailure.badInput("\(path): cannot read: \((error as NSError).localizedDescription)")
        }
        do { return try JSONValue.parse(data) } catch {
            throw CommandFailure.badInput("\(path): invalid JSON: \(error)")
        }
    }
}
