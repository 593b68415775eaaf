import AsyncHTTPClient
import ComfyEmulator
import Foundation
import NIOCore
import NIOHTTP1
import StoryCore
@testable import StoryCoreDashboard
import StoryCoreMetrics
import Testing

/// `render --dashboard` serves `/metrics` on the dashboard's own server, behind its token.
@Suite("the dashboard's server serves /metrics behind its token")
struct DashboardMetricsTests {
    @Test func metricsOfARenderAreServedOnTheDashboardWithTheToken() async throws {
        let emulator = try await DashboardTestSupport.startEmulator()
        let project = try DashboardTestSupport.demoCopy()
        let metrics = RenderMetrics()
        let controller = try await DashboardController(projectDirectory: project, options: DashboardTestSupport.options(await emulator.baseURL))
        let server = try DashboardServer(configuration: DashboardConfiguration(port: 0, token: "metrics-token-5"), controller: controller,
                                         metrics: metrics)
        try await server.start()
        let run = try await controller.start(observe: true)
        for await event in run.events { await metrics.observe(event) }
        let summary = try await run.summary()
        let url = "http://127.0.0.1:\(await server.port)/metrics"

        let refused = try await Dashboard.client.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer metrics-token-5")
        let response = try await Dashboard.client.execute(request, timeout: .seconds(60))
        let text = String(buffer: try await response.body.collect(upTo: 8 << 20))
        await server.shutdown()
        await emulator.stop()

        #expect(summary.succeeded)
        #expect(refused.status == .unauthorized)
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE comfybridge_panels_total counter"))
        #expect(lines.contains("comfybridge_panels_total{status=\"completed\"} \(summary.total)"), "\(text)")
        #expect(lines.contains("comfybridge_run_panels \(summary.total).0"), "\(text)")
    }
}
