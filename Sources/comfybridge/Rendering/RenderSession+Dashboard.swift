import Foundation
import Logging
import StoryCore
import StoryCoreDashboard
import StoryCoreMetrics

extension RenderSession {
    /// Renders as `run()` does while serving the dashboard of this render at `dashboard`; its URL
    /// (never the token) goes to stderr. A stop from the page acts as Ctrl-C. The server is shut
    /// down when the render ends.
    func run(dashboard: DashboardConfiguration) async throws -> RenderSummary {
        let metrics = RenderMetrics()
        let server = try await Self.startDashboard(project: project, options: options, configuration: dashboard, verbose: verbose,
                                                   metrics: metrics)
        console.error("Dashboard: \(await server.url.absoluteString)")
        let metricsServer: MetricsServer?
        do { metricsServer = try await startMetrics(metrics) } catch {
            await server.shutdown()
            throw error
        }
        let display = RenderDisplay(mode: mode, console: console)
        let run: DashboardRun
        do { run = try await server.controller.start(observe: true) } catch {
            await metricsServer?.shutdown()
            await server.shutdown()
            throw CommandFailure(status: .failed, message: error.description)
        }
        await metrics.setReconnectSource { await run.reconnects() }
        let consumer = Task {
            for await event in run.events {
                await metrics.observe(event)
                await display.show(event)
            }
        }
        let ticker = Self.ticker(redrawing: display, mode: mode)
        defer { ticker?.cancel() }
        let controller = server.controller
        do {
            let summary = try await CtrlC.cancelling(notice: {
                await display.note("Stopping: interrupting this run's prompts and saving the ledger (Ctrl-C again quits at once)")
            }) {
                try await withTaskCancellationHandler {
                    try await run.summary()
                } onCancel: {
                    Task { try? await controller.stop() }
                }
            }
            await consumer.value
            await metricsServer?.shutdown()
            await server.shutdown()
            return summary
        } catch {
            await consumer.value
            await metricsServer?.shutdown()
            await server.shutdown()
            throw error
        }
    }

    /// Opens the project's dashboard controller and starts its server.
    static func startDashboard(project: Project, options: RenderOptions, configuration: DashboardConfiguration,
                               verbose: Bool, metrics: RenderMetrics? = nil) async throws -> DashboardServer {
        var logger = Logger(label: "comfybridge") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .info : .error
        let controller: DashboardController
        do {
            controller = try await DashboardController(projectDirectory: project.directory, options: options, logger: logger)
        } catch {
            throw failure(error)
        }
        do {
            let server = try DashboardServer(configuration: configuration, controller: controller, metrics: metrics, logger: logger)
            try await server.start()
            return server
        } catch {
            await controller.shutdown()
            throw failure(error)
        }
    }

    /// A dashboard error as the command line reports it: bad input (exit 2) for a missing token, an
    /// unusable listen address or an invalid project; a failure (exit 1) otherwise.
    static func failure(_ error: DashboardError) -> CommandFailure {
        switch error {
        case .tokenRequired, .badListenAddress, .project: .badInput(error.description)
        case .bind, .ledger: CommandFailure(status: .failed, message: error.description)
        }
    }
}
