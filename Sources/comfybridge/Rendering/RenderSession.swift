import Foundation
import Logging
import StoryCore
import StoryCoreMetrics

/// One render of a project as the command line runs it: the renderer, the display of its events,
/// Ctrl-C, and the summary for a person.
struct RenderSession {
    /// The project to render.
    var project: Project
    /// The render options.
    var options: RenderOptions
    /// How events are shown.
    var mode: RenderDisplay.Mode
    /// Log library diagnostics to stderr.
    var verbose: Bool
    /// Where to serve `/metrics` (`--metrics`), if anywhere.
    var metricsAddress: MetricsAddress? = nil
    var console = Console()

    /// The display mode for the flags and the terminal: JSON lines with `--json` or when stdout is
    /// not a terminal, otherwise progress on stderr (redrawn when stderr is a terminal).
    static func mode(json: Bool, console: Console) -> RenderDisplay.Mode {
        if json || !console.stdoutIsTerminal { return .jsonLines }
        return console.stderrIsTerminal ? .terminal : .plain
    }

    /// On a terminal, a task that redraws the progress display four times a second until cancelled.
    static func ticker(redrawing display: RenderDisplay, mode: RenderDisplay.Mode) -> Task<Void, Never>? {
        guard mode == .terminal else { return nil }
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await display.redraw()
            }
        }
    }

    /// Renders; the first Ctrl-C stops submitting and the run ends with a cancelled summary.
    func run() async throws -> RenderSummary {
        var logger = Logger(label: "comfybridge") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .info : .error
        let renderer = Renderer(project: project, options: options, logger: verbose ? logger : Self.silent)
        let display = RenderDisplay(mode: mode, console: console)
        let metrics = metricsAddress.map { _ in RenderMetrics() }
        await metrics?.setReconnectSource { await renderer.reconnects() }
        let metricsServer = try await startMetrics(metrics)
        let consumer = Task {
            for await event in renderer.events {
                await metrics?.observe(event)
                await display.show(event)
            }
        }
        let ticker = Self.ticker(redrawing: display, mode: mode)
        defer { ticker?.cancel() }
        do {
            let summary = try await CtrlC.cancelling(notice: {
                await display.note("Stopping: interrupting this run's prompts and saving the ledger (Ctrl-C again quits at once)")
            }) {
                try await renderer.run()
            }
            await consumer.value
            await metricsServer?.shutdown()
            return summary
        } catch {
            await consumer.value
            await metricsServer?.shutdown()
            throw error
        }
    }

    /// Starts the `--metrics` server for `metrics` and prints its scrape address on stderr; nil without `--metrics`.
    func startMetrics(_ metrics: RenderMetrics?) async throws -> MetricsServer? {
        guard let metricsAddress, let metrics else { return nil }
        let server = MetricsServer(address: metricsAddress, metrics: metrics)
        do { try await server.start() } catch { throw CommandFailure(status: .failed, message: error.description) }
        console.error("Metrics: \(await server.url)")
        return server
    }

    private static let silent = Logger(label: "comfybridge", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The exit status a finished run leaves with: 130 when cancelled, 1 when a panel failed or
    /// is still pending, 0 when every panel completed.
    static func status(of summary: RenderSummary) -> ExitStatus {
        if summary.cancelled { return .interrupted }
        return summary.succeeded ? .success : .failed
    }

    /// The summary for a person: counts, every failure with its reason, where things are, wall time.
    static func summaryLines(_ summary: RenderSummary, project: Project, resume: String? = nil) -> [String] {
        var lines: [String] = []
        let seconds = String(format: "%.1f", Double(summary.duration.components.seconds) + Double(summary.duration.components.attoseconds) / 1e18)
        if summary.cancelled {
            lines.append("Interrupted after \(seconds) s: \(summary.completed) of \(summary.total) panels done, \(summary.pending) left.")
            lines.append("Run `\(resume ?? "comfybridge render \(project.directory.path)")` again to resume.")
        } else {
            lines.append("Completed \(summary.completed) of \(summary.total) panels in \(seconds) s"
                         + (summary.kept > 0 ? " (\(summary.kept) kept from an earlier run)." : "."))
        }
        if !summary.failures.isEmpty {
            lines.append("Failed: \(summary.failures.count)")
            for id in summary.failures.keys.sorted() { lines.append("  \(id): \(summary.failures[id]!)") }
        }
        lines.append("Images:   \(project.outputsDirectory.path)/<panel_id>/")
        lines.append("Manifest: \(summary.manifest.path)")
        lines.append("Project:  \(project.projectFile.path)")
        return lines
    }
}
