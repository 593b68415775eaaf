import AsyncHTTPClient
import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import StoryCore
import StoryCoreMetrics
import Testing

/// `/metrics` scraped over loopback during and after an emulator render, parsed as Prometheus text.
@Suite struct MetricsScrapeTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func demoCopy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["project.json", "storyboard.json"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("examples/demo-project/\(name)"),
                                             to: folder.appendingPathComponent(name))
        }
        return folder
    }

    static func scrape(_ port: Int) async throws -> (contentType: String?, body: PrometheusText) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(60))
        #expect(response.status == .ok)
        let body = try await response.body.collect(upTo: 8 << 20)
        return (response.headers.first(name: "content-type"), try PrometheusText(String(buffer: body)))
    }

    @Test func scrapedMetricsMatchTheRender() async throws {
        var logger = Logger(label: "emulator")
        logger.logLevel = .warning
        let emulator = ComfyEmulator(configuration: EmulatorConfiguration(), logger: logger)
        try await emulator.start()
        defer { Task { await emulator.stop() } }
        let url = await emulator.baseURL
        let folder = try Self.demoCopy()
        var options = RenderOptions(
            servers: [ComfyClient.Configuration(baseURL: url, connectTimeout: .seconds(2), stallTimeout: .seconds(20))],
            workflow: .file(Self.repositoryRoot.appendingPathComponent("workflows/storycore_sdxl.json")))
        options.healthCheckInterval = .milliseconds(100)
        let project = try Project.load(from: folder)
        let renderer = Renderer(project: project, options: options)
        let metrics = RenderMetrics()
        await metrics.setReconnectSource { await renderer.reconnects() }
        let server = MetricsServer(address: MetricsAddress(port: 0), metrics: metrics)
        try await server.start()
        let port = await server.port
        #expect(port > 0)

        // Scrape mid-render: right after the first completed panel is folded in, while the run goes on.
        let consumer = Task { () throws -> (during: PrometheusText?, started: Int) in
            var during: PrometheusText?
            var started = 0
            for await event in renderer.events {
                await metrics.observe(event)
                if case .started = event { started += 1 }
                if case .completed = event, during == nil { during = try await Self.scrape(port).body }
            }
            return (during, started)
        }
        let summary = try await renderer.run()
        let (during, started) = try await consumer.value
        let (contentType, after) = try await Self.scrape(port)
        await server.shutdown()

        #expect(summary.succeeded)
        let total = project.panels.count
        #expect(contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        let mid = try #require(during)
        #expect((mid.value("comfybridge_panels_total", ["status": "completed"]) ?? 0) >= 1)
        #expect(mid.value("comfybridge_server_up", ["server": url.absoluteString]) == 1)
        #expect(mid.value("comfybridge_run_panels") == Double(total))

        for metric in MetricName.allCases {
            #expect(after.types[metric.rawValue] == metric.type, "TYPE of \(metric.rawValue)")
            #expect(after.help[metric.rawValue]?.isEmpty == false, "HELP of \(metric.rawValue)")
        }
        let server0 = url.absoluteString
        #expect(after.value("comfybridge_panels_total", ["status": "completed"]) == Double(total))
        #expect(after.value("comfybridge_panels_total", ["status": "failed"]) == 0)
        #expect(after.value("comfybridge_prompts_in_flight", ["server": server0]) == 0)
        #expect(after.value("comfybridge_queue_length", ["server": server0]) == 0)
        #expect(after.value("comfybridge_reconnects_total", ["server": server0]) == 0)

        // Bytes: the sum of the file sizes the manifest lists.
        let manifest = try JSONValue.parse(Array(try Data(contentsOf: project.outputsDirectory.appendingPathComponent("manifest.json"))))
        var manifestBytes = 0.0
        for panel in manifest["panels"]?.arrayValue ?? [] {
            for file in panel["files"]?.arrayValue ?? [] { manifestBytes += file["bytes"]?.doubleValue ?? 0 }
        }
        #expect(manifestBytes > 0)
        #expect(after.value("comfybridge_downloaded_bytes_total", ["server": server0]) == manifestBytes)

        // The job histogram counts every prompt that started, and its buckets are cumulative.
        let ledger = try Ledger(outputsDirectory: project.outputsDirectory)
        var prompts = 0
        for panel in project.panels { prompts += try await ledger.prompts(panel.id).filter { $0.state == .completed }.count }
        #expect(prompts >= total)
        #expect(started == prompts)
        #expect(after.value("comfybridge_job_duration_seconds_count", ["server": server0]) == Double(prompts))
        let buckets = after.samples.filter { $0.name == "comfybridge_job_duration_seconds_bucket" && $0.labels["server"] == server0 }
        #expect(buckets.count == RenderMetrics.jobDurationBuckets.count + 1)
        #expect(buckets.first { $0.labels["le"] == "+Inf" }?.value == Double(prompts))
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
    }

    @Test func otherPathsAreNotFound() async throws {
        let server = MetricsServer(address: MetricsAddress(port: 0), metrics: RenderMetrics())
        try await server.start()
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(await server.port)/"), timeout: .seconds(60))
        await server.shutdown()
        #expect(response.status == .notFound)
    }

    @Test func aPortInUseIsATypedBindError() async throws {
        let first = MetricsServer(address: MetricsAddress(port: 0), metrics: RenderMetrics())
        try await first.start()
        let taken = await first.port
        let second = MetricsServer(address: MetricsAddress(port: taken), metrics: RenderMetrics())
        await #expect(throws: MetricsError.self) { try await second.start() }
        await first.shutdown()
    }
}
