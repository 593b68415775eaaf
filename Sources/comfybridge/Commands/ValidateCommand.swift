import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation

/// `comfybridge validate WORKFLOW.json`: format detection, UI-export conversion and every validation problem.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a workflow against a server's nodes; convert a UI export to the API format.",
        usage: "comfybridge validate [<options>] <workflow.json>",
        discussion: """
            Detects whether the file is the API format or a UI export, converts a UI export with the \
            server's node catalogue (--write-api FILE saves the result), and lists every problem the \
            server would find. Without --server (and without $COMFYUI_URL) it checks against the \
            embedded emulator's catalogue and says so. Exit 0: valid; 2: problems found.
            """)

    @Argument(help: ArgumentHelp("The workflow JSON file.", valueName: "workflow.json"))
    var file: String

    @Option(name: .customLong("write-api"), help: ArgumentHelp("Write the API-format graph to this file.", valueName: "file"))
    var writeAPI: String?

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            let url = URL(fileURLWithPath: file)
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw CommandFailure.badInput("\(file): cannot read: \((error as NSError).localizedDescription)")
            }
            let json: JSONValue
            do { json = try JSONValue.parse(data) } catch {
                throw CommandFailure.badInput("\(file): invalid JSON: \(error)")
            }
            let format = WorkflowFormat.detect(json)
            guard format != .unknown else {
                throw CommandFailure.badInput("\(file): neither an API-format graph ({node_id: {class_type, inputs}}) nor a UI export (nodes/links)")
            }
            let catalogName: String
            let catalog: NodeCatalog
            if server.isExplicit {
                let configuration = try server.single(command: "validate")
                catalogName = configuration.baseURL.absoluteString
                catalog = try await ServerCatalog.fetch(configuration)
            } else {
                catalogName = "embedded emulator"
                catalog = try await ServerCatalog.emulator()
                if !output.json { console.error("No server given: checking against the embedded emulator's node catalogue.") }
            }
            let workflow = try Workflow(json: json, catalog: catalog, file: file)
            var written: String?
            if let writeAPI {
                let target = URL(fileURLWithPath: writeAPI)
                do { try Data(workflow.serialized(.pretty)).write(to: target, options: .atomic) } catch {
                    throw CommandFailure(status: .failed, message: "\(writeAPI): cannot write: \((error as NSError).localizedDescription)")
                }
                written = target.path
            }
            let problems = workflow.validate(against: catalog)
            if output.json {
                let report: JSONValue = [
                    "file": .string(url.path), "format": .string(format.rawValue), "catalog": .string(catalogName),
                    "nodes": .int(workflow.count), "valid": .bool(problems.isEmpty),
                    "written": written.map(JSONValue.string) ?? .null,
                    "problems": .array(problems.map { problem in
                        ["kind": .string(problem.kind.rawValue), "node_id": problem.nodeID.map(JSONValue.string) ?? .null,
                         "class_type": problem.classType.map(JSONValue.string) ?? .null,
                         "input": problem.input.map(JSONValue.string) ?? .null, "message": .string(problem.message)]
                    }),
                ]
                console.output(report.serializedString(.compact))
            } else {
                console.output("\(file): \(format == .ui ? "UI export, converted" : "API format"), \(workflow.count) nodes, checked against \(catalogName)")
                if let written { console.output("API format written to \(written)") }
                if problems.isEmpty {
                    console.output("valid: no problems found")
                } else {
                    console.output("\(problems.count) problem\(problems.count == 1 ? "" : "s"):")
                    for problem in problems { console.output("  \(problem)") }
                }
            }
            if !problems.isEmpty { throw ExitStatus.badInput.exitCode }
        } catch let code as ExitCode {
            throw code
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
