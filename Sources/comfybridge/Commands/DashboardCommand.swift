import ArgumentParser
import Foundation
import StoryCore
import StoryCoreDashboard

/// `comfybridge dashboard PROJECT_DIR`: serves a project's live storyboard dashboard between renders.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a project's live storyboard dashboard, and start, stop and redo renders from the page.",
        usage: "comfybridge dashboard [<options>] <project-dir>",
        discussion: "The page shows the project's ledger and manifest (every panel with its status, versions and images), the servers' health and memory, and notices; renders started from it stream live. It listens on 127.0.0.1:8290 unless --listen says otherwise; any address other than loopback needs --dashboard-token (or $COMFYBRIDGE_DASHBOARD_TOKEN). The URL goes to stderr, never with the token. Ctrl-C stops a running render (resumable) and the server.")

    @Argument(help: ArgumentHelp("The project folder (holding project.json and storyboard.json).", valueName: "project-dir"))
    var projectDirectory: String

    @Option(help: ArgumentHelp("API-format (or UI-export) workflow JSON for renders started from the page (default: the bundled SDXL workflow).", valueName: "file"))
    var workflow: String?

    @OptionGroup var server: ServerOptions

    @Option(name: .customLong("listen"), help: ArgumentHelp("Address to serve the dashboard on, [HOST:]PORT.", valueName: "[host:]port"))
    var listen = "127.0.0.1:\(DashboardConfiguration.defaultPort)"

    @Option(name: .customLong("max-inflight"), help: "Prompts kept queued per server, one running and the rest waiting.")
    var maxInFlight = 2

    @OptionGroup var dashboardOptions: DashboardOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard maxInFlight >= 1 else { throw ValidationError("--max-inflight must be at least 1") }
    }

    func run() async throws {
        let console = Console()
        do {
            let configuration = try dashboardOptions.configuration(listen: listen)
            let folder = URL(fileURLWithPath: projectDirectory, isDirectory: true).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.badInput("\(projectDirectory): no such project folder (expected a folder holding project.json and storyboard.json)")
            }
            let project = try Project.load(from: folder)
            var options = RenderOptions(servers: try server.configurations(), workflow: try WorkflowChoice.source(path: workflow),
                                        maxInFlightPerServer: maxInFlight)
            options.previewMethod = dashboardOptions.previewMethod(default: .auto)
            let dashboard = try await RenderSession.startDashboard(project: project, options: options, configuration: configuration,
                                                                   verbose: output.verbose)
            console.error("Dashboard of \(project.id): \(await dashboard.url.absoluteString) (Ctrl-C stops it)")
            do {
                _ = try await CtrlC.cancelling(notice: {
                    console.error("Stopping: interrupting a running render's prompts and saving the ledger")
                }) {
                    while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
                }
            } catch {}
            await dashboard.shutdown()
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
