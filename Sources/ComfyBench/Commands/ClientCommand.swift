import ArgumentParser
import CAllocatorTuning
import ComfyAPI
import Foundation
import StoryCore
import StoryCoreDashboard

/// Hidden mode: ComfyBridge's side of a scenario, rendering a generated project in its own process
/// so that the harness reads its CPU time and peak memory from `wait4`, exactly like the baseline's.
///
/// Prints one JSON object on stdout: panels, completed, failed, seconds (from just before the first
/// network request to the last file on disk), files, bytes, and the start and end as Unix milliseconds.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Render a generated benchmark project with StoryCore (used by the harness).",
        shouldDisplay: false
    )

    @Option(help: "The project folder (project.json + storyboard.json).")
    var project: String

    @Option(help: "The API-format workflow file.")
    var workflow: String

    @Option(help: "A server base URL; repeat for a pool.")
    var server: [String]

    @Option(name: .customLong("in-flight"), help: "Prompts kept on each server at once.")
    var inFlight = RenderOptions(servers: []).maxInFlightPerServer

    @Flag(name: .customLong("dashboard"), help: "Render through the live dashboard (served on a free loopback port).")
    var dashboard = false

    @Option(name: .customLong("dashboard-viewers"), help: "With --dashboard: wait for this many viewers before rendering.")
    var dashboardViewers = 0

    @Option(name: .customLong("dashboard-port-file"), help: "Where the dashboard's port is written once it listens.")
    var dashboardPortFile: String?

    @Flag(help: "Resume the project's earlier run from its ledger instead of starting afresh.")
    var resume = false

    @Option(name: .customLong("stop-after"), help: "Stop the render (as Ctrl-C does) once this many panels completed; exits 0.")
    var stopAfter: Int?

    func run() async throws {
        let urls = try server.map { text in
            guard let url = URL(string: text), url.scheme != nil else { throw ValidationError("not a server URL: \(text)") }
            return url
        }
        let loaded = try Project.load(from: URL(fileURLWithPath: project, isDirectory: true))
        var options = RenderOptions(servers: urls.map { ComfyClient.Configuration(baseURL: $0) },
                                    workflow: .file(URL(fileURLWithPath: workflow)))
        options.maxInFlightPerServer = inFlight
        options.fresh = !resume
        var files = 0
        var firstQueuedUnix: Double?
        var bytes: Int64 = 0
        let startedUnix: Double
        let started: ContinuousClock.Instant
        let summary: RenderSummary
        if dashboard || dashboardViewers > 0 {
            // The render goes through the dashboard, watched by viewers in the harness's process.
            options.previewMethod = .none
            let controller = try await DashboardController(projectDirectory: loaded.directory, options: options)
            let server = try DashboardServer(configuration: DashboardConfiguration(port: 0), controller: controller)
            try await server.start()
            try Data("\(await server.port)".utf8).write(to: URL(fileURLWithPath: dashboardPortFile ?? "dashboard.port"))
            let waitStarted = ContinuousClock.now
            while await controller.hub.viewerCount < dashboardViewers {
                guard ContinuousClock.now - waitStarted < .seconds(60) else { throw ValidationError("the dashboard viewers did not connect") }
                try await Task.sleep(for: .milliseconds(5))
            }
            startedUnix = Date().timeIntervalSince1970 * 1000
            started = ContinuousClock.now
            let run = try await controller.start(observe: true)
            for await event in run.events {
                if case .completed(_, let stored, _) = event {
                    files += stored.count
                    bytes += stored.reduce(0) { $0 + $1.bytes }
                }
            }
            summary = try await run.summary()
            await server.shutdown()
        } else {
            let renderer = Renderer(project: loaded, options: options)
            startedUnix = Date().timeIntervalSince1970 * 1000
            started = ContinuousClock.now
            let outcome = Task { () async throws(RenderError) -> RenderSummary in try await renderer.run() }
            var completed = 0
            for await event in renderer.events {
                switch event {
                case .queued where firstQueuedUnix == nil:
                    firstQueuedUnix = Date().timeIntervalSince1970 * 1000
                case .completed(_, let stored, _):
                    files += stored.count
                    bytes += stored.reduce(0) { $0 + $1.bytes }
                    completed += 1
                    if let stopAfter, completed == stopAfter { outcome.cancel() }
                default:
                    break
                }
            }
            summary = try await outcome.value
        }
        let elapsed = ContinuousClock.now - started
        let finishedUnix = Date().timeIntervalSince1970 * 1000
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let line = "{\"panels\": \(summary.total), \"completed\": \(summary.completed), \"failed\": \(summary.failures.count), "
            + "\"seconds\": \(seconds), \"files\": \(files), \"bytes\": \(bytes), "
            + "\"started_unix_ms\": \(startedUnix), \"finished_unix_ms\": \(finishedUnix), "
            + "\"kept\": \(summary.kept), \"rendered\": \(summary.rendered), "
            + "\"manifest_writes\": \(summary.manifestWrites), \"manifest_writer_cpu_seconds\": \(summary.manifestWriterCPUSeconds), "
            + (firstQueuedUnix.map { "\"first_queued_unix_ms\": \($0), " } ?? "")
            + "\"malloc_arena_limit\": \(comfy_allocator_arena_limit())}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        if !summary.succeeded, !(summary.cancelled && stopAfter != nil && summary.failures.isEmpty) {
            for (panel, failure) in summary.failures.sorted(by: { $0.key < $1.key }).prefix(5) {
                FileHandle.standardError.write(Data("panel \(panel) failed: \(failure)\n".utf8))
            }
            throw ExitCode(1)
        }
    }
}
