import Prometheus
import StoryCore

/// The metrics of a render for operators, in the Prometheus text format, folded from `RenderEvent`s.
///
/// ```swift
/// let metrics = RenderMetrics()
/// for await event in renderer.events { await metrics.observe(event) }
/// let text = metrics.exposition()      // what GET /metrics answers
/// ```
/// Feed it every event of a run in order. Counters count from the creation of this value (across
/// runs, as Prometheus expects); gauges describe the run in progress. `reconnectSource`, when set,
/// is asked for each server's socket reconnects at every exposition (reconnects are no render event).
/// Every name, type and label is listed in `MetricName` and in the README ("Monitoring a farm").
public actor RenderMetrics {
    /// The registry the metrics live in; `exposition()` renders it.
    public nonisolated let registry: PrometheusCollectorRegistry
    /// The buckets of `comfybridge_job_duration_seconds`, in seconds.
    public nonisolated static let jobDurationBuckets: [Double] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

    /// The retry reason codes whose series exist from the start (others appear when they first happen).
    static let retryReasons = ["out_of_memory", "prompt_lost", "server_failed", "download_pending"]

    private let runPanels: Gauge
    private var servers: Set<String> = []
    /// Panels queued or running, by panel id: the server and the prompt, and when it started.
    private var active: [String: ActivePrompt] = [:]
    private var reconnects: [String: Int] = [:]
    private var reconnectSource: (@Sendable () async -> [String: Int])?

    private struct ActivePrompt {
        var server: String
        var promptID: String
        var startedAt: ContinuousClock.Instant?
    }

    /// Empty metrics in a registry of their own.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        runPanels = registry.makeGauge(descriptor: MetricName.runPanels.descriptor)
        for status in ["completed", "failed", "kept"] {
            _ = registry.makeCounter(descriptor: MetricName.panels.descriptor, labels: [("status", status)])
        }
    }

    /// Sets where socket reconnects per server are read from at each exposition (`Renderer.reconnects()`).
    public func setReconnectSource(_ source: @escaping @Sendable () async -> [String: Int]) {
        reconnectSource = source
    }

    /// Folds one event into the metrics; `now` is when it arrived (it times jobs).
    public func observe(_ event: RenderEvent, at now: ContinuousClock.Instant = .now) {
        switch event {
        case .runStarted(_, _, let panels, let servers):
            runPanels.set(Double(panels))
            for server in servers { register(server) }
            active.removeAll()
        case .planned, .progress, .preview:
            break
        case .kept:
            panels("kept").increment()
        case .queued(let panelID, let promptID, let server, _):
            register(server)
            end(panelID, at: now)
            active[panelID] = ActivePrompt(server: server, promptID: promptID, startedAt: nil)
            publish(server)
        case .started(let panelID, let promptID, let server):
            register(server)
            if let current = active[panelID], current.promptID != promptID { end(panelID, at: now) }
            if active[panelID]?.startedAt == nil {
                active[panelID] = ActivePrompt(server: server, promptID: promptID, startedAt: now)
            }
            publish(server)
        case .retrying(let panelID, let reason):
            counter(.retries, [("server", reason.server), ("reason", reason.code)]).increment()
            if case .outOfMemory(let step, let server) = reason {
                counter(.outOfMemoryRecoveries, [("server", server), ("step", step.rawValue)]).increment()
            }
            end(panelID, at: now)
        case .completed(let panelID, let files, _):
            panels("completed").increment()
            let bytes = files.reduce(Int64(0)) { $0 + Int64($1.bytes) }
            if let server = active[panelID]?.server {
                counter(.downloadedBytes, [("server", server)]).increment(by: bytes)
            } else {
                counter(.downloadedBytes, [("server", "unknown")]).increment(by: bytes)
            }
            end(panelID, at: now)
        case .failed(let panelID, _):
            panels("failed").increment()
            end(panelID, at: now)
        case .serverUp(let server):
            register(server)
            gauge(.serverUp, [("server", server)]).set(1.0)
        case .serverDown(let server, _):
            register(server)
            gauge(.serverUp, [("server", server)]).set(0.0)
        case .runFinished:
            for panelID in Array(active.keys) { end(panelID, at: now) }
        }
    }

    /// The text `GET /metrics` answers (Prometheus text format 0.0.4), reconnects read fresh.
    public func exposition() async -> [UInt8] {
        if let reconnectSource {
            for (server, count) in await reconnectSource() {
                register(server)
                let counter = counter(.reconnects, [("server", server)])
                let seen = reconnects[server] ?? 0
                if count > seen {
                    counter.increment(by: Int64(count - seen))
                    reconnects[server] = count
                }
            }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        registry.emit(into: &buffer)
        return buffer
    }

    // MARK: Plumbing

    /// Creates every per-server series at zero the first time a server is named, so a scrape shows it
    /// before anything happened on it.
    private func register(_ server: String) {
        guard servers.insert(server).inserted else { return }
        _ = gauge(.inFlight, [("server", server)])
        _ = gauge(.queueLength, [("server", server)])
        _ = counter(.reconnects, [("server", server)])
        _ = counter(.downloadedBytes, [("server", server)])
        for step in [OutOfMemoryStep.freeMemory, .splitBatch, .tiledDecode, .giveUp] {
            _ = counter(.outOfMemoryRecoveries, [("server", server), ("step", step.rawValue)])
        }
        for reason in Self.retryReasons { _ = counter(.retries, [("server", server), ("reason", reason)]) }
        _ = registry.makeDurationHistogram(descriptor: MetricName.jobDuration.descriptor, labels: [("server", server)],
                                           buckets: Self.jobDurationBuckets.map { .nanoseconds(Int64($0 * 1e9)) })
    }

    /// Ends the panel's current prompt: its job time goes to the histogram when it had started.
    private func end(_ panelID: String, at now: ContinuousClock.Instant) {
        guard let current = active.removeValue(forKey: panelID) else { return }
        if let startedAt = current.startedAt {
            registry.makeDurationHistogram(descriptor: MetricName.jobDuration.descriptor, labels: [("server", current.server)],
                                           buckets: Self.jobDurationBuckets.map { .nanoseconds(Int64($0 * 1e9)) })
                .record(now - startedAt)
        }
        publish(current.server)
    }

    /// Sets the server's in-flight and queue gauges from the active prompts.
    private func publish(_ server: String) {
        var inFlight = 0
        var waiting = 0
        for prompt in active.values where prompt.server == server {
            inFlight += 1
            if prompt.startedAt == nil { waiting += 1 }
        }
        gauge(.inFlight, [("server", server)]).set(Double(inFlight))
        gauge(.queueLength, [("server", server)]).set(Double(waiting))
    }

    private func panels(_ status: String) -> Counter {
        registry.makeCounter(descriptor: MetricName.panels.descriptor, labels: [("status", status)])
    }

    private func counter(_ name: MetricName, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: name.descriptor, labels: labels)
    }

    private func gauge(_ name: MetricName, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: name.descriptor, labels: labels)
    }
}
