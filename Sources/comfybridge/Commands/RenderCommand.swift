import ArgumentParser
import ComfyAPI
import Foundation
import StoryCore
import StoryCoreMetrics

/// `comfybridge render PROJECT_DIR`: renders a StoryCore project, resuming an earlier run by default.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a StoryCore project (resumes the previous run unless --fresh).",
        discussion: """
            Each panel becomes one workflow run with its seed, prompt and size; images go to \
            PROJECT_DIR/outputs/<panel_id>/, the manifest to PROJECT_DIR/outputs/manifest.json, and \
            project.json is updated. On a terminal a progress bar is shown on stderr; with --json, or \
            when stdout is not a terminal, stdout gets one JSON object per event. Ctrl-C stops \
            submitting, interrupts this run's prompts and saves the ledger (exit 130); run the same \
            command again to resume.

            --panel and --shot render only those panels (completed ones are kept). --redo renders \
            panels again as version 2, 3, ... into outputs/<panel_id>/v<N>/, keeping every earlier \
            file; --prompt/--seed change that version only. An interrupted redo is finished by the \
            next render (with or without --redo), never started over as another version.

            Every PNG is measured when stored and its quality verdict (ok, blank, dark, washed_out, \
            soft) recorded in the manifest; --qa redo:N renders a failing panel again. Each completed \
            panel is also handed on to StoryCore as assets/images/panels/panel_NN.ppm and .png \
            (--no-handoff turns it off).
            """)

    @Argument(help: ArgumentHelp("The project folder (holding project.json and storyboard.json).", valueName: "project-dir"))
    var projectDirectory: String

    @Option(help: ArgumentHelp("API-format (or UI-export) workflow JSON (default: the bundled SDXL workflow).", valueName: "file"))
    var workflow: String?

    @OptionGroup var server: ServerOptions

    @Option(name: .customLong("max-inflight"), help: "Prompts kept queued per server, one running and the rest waiting.")
    var maxInFlight = 2

    @Flag(help: "Forget the previous run and render every panel again.")
    var fresh = false

    @Flag(name: .customLong("no-memory-policy"), help: "Do not apply the low-VRAM rules (batch 1, euler, ≤ 20 steps below 12 GiB).")
    var noMemoryPolicy = false

    @Option(name: .customLong("panel"), help: ArgumentHelp("Render only this panel id; repeatable.", valueName: "id"))
    var panels: [String] = []

    @OptionGroup var redo: RedoOptions

    @OptionGroup var clips: ClipCommandOptions

    @OptionGroup var quality: QualityCommandOptions

    @Option(name: .customLong("max-output-bytes"), help: ArgumentHelp("Largest output file accepted, in bytes.", valueName: "bytes"))
    var maxOutputBytes: Int64 = 1 << 30

    @Option(name: .customLong("max-json-bytes"), help: ArgumentHelp("Largest JSON reply accepted from a server, in bytes.", valueName: "bytes"))
    var maxJSONBytes: Int = 32 << 20

    @Option(name: .customLong("dashboard"),
            help: ArgumentHelp("Serve the live dashboard of this render at [HOST:]PORT (host default 127.0.0.1) while it runs, and print its URL on stderr; any address other than loopback needs --dashboard-token.", valueName: "[host:]port"))
    var dashboard: String?

    @OptionGroup var dashboardOptions: DashboardOptions

    @Option(name: .customLong("metrics"),
            help: ArgumentHelp("Serve Prometheus metrics at http://[HOST:]PORT/metrics while the render runs (host default 127.0.0.1, port 0 for a free one; the address goes to stderr). With --dashboard, /metrics is on the dashboard's server too.", valueName: "[host:]port"))
    var metrics: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard maxInFlight >= 1 else { throw ValidationError("--max-inflight must be at least 1") }
        guard maxOutputBytes >= 1 else { throw ValidationError("--max-output-bytes must be at least 1") }
        guard maxJSONBytes >= 1024 else { throw ValidationError("--max-json-bytes must be at least 1024") }
    }

    /// `--metrics` as an address; bad input (exit 2) with one line when it is not `[HOST:]PORT`.
    static func metricsAddress(_ text: String) throws -> MetricsAddress {
        do { return try MetricsAddress(parsing: text) } catch { throw CommandFailure.badInput(error.description) }
    }

    func run() async throws {
        let console = Console()
        do {
            if output.verbose { console.error(server.summary()) }
            let dashboardConfiguration = try dashboard.map { text throws(CommandFailure) in try dashboardOptions.configuration(listen: text) }
            let metricsAddress = try metrics.map(Self.metricsAddress)
            let folder = URL(fileURLWithPath: projectDirectory, isDirectory: true).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.badInput("\(projectDirectory): no such project folder (expected a folder holding project.json and storyboard.json)")
            }
            let project = try Project.load(from: folder)
            let servers = try server.configurations().map { configuration in
                var configuration = configuration
                configuration.maxResponseBytes = maxJSONBytes
                return configuration
            }
            var options = RenderOptions(servers: servers,
                                        workflow: try WorkflowChoice.source(path: workflow),
                                        maxInFlightPerServer: maxInFlight, fresh: fresh,
                                        memoryPolicy: noMemoryPolicy ? .off : .standard,
                                        panelSelection: panels.isEmpty ? nil : Set(panels))
            options.previewMethod = dashboardOptions.previewMethod(default: dashboard == nil ? .none : .auto)
            options.maxFileBytes = maxOutputBytes
            redo.apply(to: &options)
            quality.apply(to: &options)
            try clips.apply(to: &options, redo: redo.redo)
            let session = RenderSession(project: project, options: options,
                                        mode: RenderSession.mode(json: output.json, console: console), verbose: output.verbose,
                                        metricsAddress: metricsAddress)
            let summary = if let dashboardConfiguration { try await session.run(dashboard: dashboardConfiguration) } else { try await session.run() }
            if session.mode != .jsonLines {
                for line in RenderSession.summaryLines(summary, project: project) { console.output(line) }
                for line in RedoOptions.summaryLines(summary) { console.output(line) }
            }
            throw RenderSession.status(of: summary).exitCode
        } catch let code as ExitCode {
            throw code
        } catch RenderError.invalidPlan(let problems) where workflow != nil {
            // The graph the servers cannot run comes from the user's file: the one line names it first.
            let failure = CommandFailure.badInput("\(workflow ?? ""): \(RenderError.invalidPlan(problems).description)",
                                                  details: problems.map { "  \($0)" })
            throw ErrorReport.report(failure, verbose: output.verbose, console: console)
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
