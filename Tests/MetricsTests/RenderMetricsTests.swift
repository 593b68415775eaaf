import StoryCore
import StoryCoreMetrics
import Testing

/// The fold from render events to metrics, and the `[HOST:]PORT` parsing of `--metrics`.
@Suite struct RenderMetricsTests {
    static let a = "http://gpu-a:8188"
    static let b = "http://gpu-b:8188"

    static func text(_ metrics: RenderMetrics) async throws -> PrometheusText {
        try PrometheusText(String(decoding: await metrics.exposition(), as: UTF8.self))
    }

    @Test func queuedAndStartedPromptsAreInFlightPerServer() async throws {
        let metrics = RenderMetrics()
        await metrics.observe(.runStarted(runID: "r", resumed: false, panels: 3, servers: [Self.a, Self.b]))
        await metrics.observe(.queued(panelID: "p1", promptID: "x1", server: Self.a, position: 0))
        await metrics.observe(.queued(panelID: "p2", promptID: "x2", server: Self.a, position: 1))
        await metrics.observe(.queued(panelID: "p3", promptID: "x3", server: Self.b, position: 0))
        await metrics.observe(.started(panelID: "p1", promptID: "x1", server: Self.a))
        let text = try await Self.text(metrics)
        #expect(text.value("comfybridge_prompts_in_flight", ["server": Self.a]) == 2)
        #expect(text.value("comfybridge_queue_length", ["server": Self.a]) == 1)
        #expect(text.value("comfybridge_prompts_in_flight", ["server": Self.b]) == 1)
        #expect(text.value("comfybridge_queue_length", ["server": Self.b]) == 1)
        #expect(text.value("comfybridge_run_panels") == 3)
    }

    @Test func retriesOutOfMemoryAndServerDownAreCounted() async throws {
        let metrics = RenderMetrics()
        await metrics.observe(.runStarted(runID: "r", resumed: false, panels: 2, servers: [Self.a]))
        await metrics.observe(.serverUp(server: Self.a))
        await metrics.observe(.queued(panelID: "p1", promptID: "x1", server: Self.a, position: 0))
        await metrics.observe(.started(panelID: "p1", promptID: "x1", server: Self.a))
        await metrics.observe(.retrying(panelID: "p1", reason: .outOfMemory(step: .freeMemory, server: Self.a)))
        await metrics.observe(.retrying(panelID: "p1", reason: .promptLost(server: Self.a)))
        await metrics.observe(.failed(panelID: "p2", failure: RenderFailure(kind: .validation, message: "bad graph")))
        await metrics.observe(.serverDown(server: Self.a, reason: "gone"))
        let text = try await Self.text(metrics)
        #expect(text.value("comfybridge_out_of_memory_recoveries_total", ["server": Self.a, "step": "free_memory"]) == 1)
        #expect(text.value("comfybridge_retries_total", ["server": Self.a, "reason": "out_of_memory"]) == 1)
        #expect(text.value("comfybridge_retries_total", ["server": Self.a, "reason": "prompt_lost"]) == 1)
        #expect(text.value("comfybridge_panels_total", ["status": "failed"]) == 1)
        #expect(text.value("comfybridge_server_up", ["server": Self.a]) == 0)
        #expect(text.value("comfybridge_prompts_in_flight", ["server": Self.a]) == 0)
        // The started prompt that ended in a retry was timed once.
        #expect(text.value("comfybridge_job_duration_seconds_count", ["server": Self.a]) == 1)
    }

    @Test func reconnectsComeFromTheSourceAtEachExposition() async throws {
        let metrics = RenderMetrics()
        await metrics.setReconnectSource { [Self.a: 2] }
        _ = try await Self.text(metrics)
        let text = try await Self.text(metrics)
        #expect(text.value("comfybridge_reconnects_total", ["server": Self.a]) == 2)
    }

    @Test(arguments: [("9464", "127.0.0.1", 9464), ("0", "127.0.0.1", 0), ("0.0.0.0:9464", "0.0.0.0", 9464),
                      ("[::1]:9100", "::1", 9100), ("localhost:80", "localhost", 80)])
    func parsesHostAndPort(text: String, host: String, port: Int) throws {
        let address = try MetricsAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(arguments: ["", "abc", "70000", "-1", "host:", ":9464", "::1:80", "[::1]9100", "a b:1", "９４６４"])
    func refusesWhatIsNotHostAndPort(text: String) {
        #expect {
            try MetricsAddress(parsing: text)
        } throws: { error in
            guard let error = error as? MetricsError, case .badAddress(let given, _) = error else { return false }
            return given == text && !error.description.contains("\n") && error.description.hasPrefix("--metrics ")
        }
    }
}
