import Prometheus

/// Every metric `RenderMetrics` exposes: its full name, type, labels and help text.
public enum MetricName: String, CaseIterable, Sendable {
    /// `comfybridge_panels_total{status}` (counter): panels finished, by `completed`, `failed` or `kept`.
    case panels = "comfybridge_panels_total"
    /// `comfybridge_run_panels` (gauge): panels in the current run.
    case runPanels = "comfybridge_run_panels"
    /// `comfybridge_prompts_in_flight{server}` (gauge): this run's prompts on the server: queued, running, or
    /// finished with their images still downloading.
    case inFlight = "comfybridge_prompts_in_flight"
    /// `comfybridge_queue_length{server}` (gauge): this run's prompts waiting in the server's queue (not started).
    case queueLength = "comfybridge_queue_length"
    /// `comfybridge_server_up{server}` (gauge): 1 while the server takes jobs, 0 once it is down.
    case serverUp = "comfybridge_server_up"
    /// `comfybridge_job_duration_seconds{server}` (histogram): from the server starting a prompt until the
    /// client has its images on disk (or the prompt ended otherwise).
    case jobDuration = "comfybridge_job_duration_seconds"
    /// `comfybridge_out_of_memory_recoveries_total{server,step}` (counter): out-of-memory recoveries, by ladder step.
    case outOfMemoryRecoveries = "comfybridge_out_of_memory_recoveries_total"
    /// `comfybridge_retries_total{server,reason}` (counter): panels tried again, by reason code.
    case retries = "comfybridge_retries_total"
    /// `comfybridge_reconnects_total{server}` (counter): WebSocket reconnects to the server.
    case reconnects = "comfybridge_reconnects_total"
    /// `comfybridge_downloaded_bytes_total{server}` (counter): bytes of the images stored from the server.
    case downloadedBytes = "comfybridge_downloaded_bytes_total"

    /// The Prometheus type as `# TYPE` names it.
    public var type: String {
        switch self {
        case .panels, .outOfMemoryRecoveries, .retries, .reconnects, .downloadedBytes: "counter"
        case .runPanels, .inFlight, .queueLength, .serverUp: "gauge"
        case .jobDuration: "histogram"
        }
    }

    /// The labels of its series.
    public var labels: [String] {
        switch self {
        case .panels: ["status"]
        case .runPanels: []
        case .inFlight, .queueLength, .serverUp, .jobDuration, .reconnects, .downloadedBytes: ["server"]
        case .outOfMemoryRecoveries: ["server", "step"]
        case .retries: ["server", "reason"]
        }
    }

    /// The `# HELP` text.
    public var help: String {
        switch self {
        case .panels: "Panels finished, by status (completed, failed, kept from an earlier run)."
        case .runPanels: "Panels in the current run."
        case .inFlight: "Prompts of this run on the server: queued, running, or finished with images downloading."
        case .queueLength: "Prompts of this run waiting in the server's queue (not started)."
        case .serverUp: "1 while the server takes jobs, 0 once it is down."
        case .jobDuration: "Seconds from the server starting a prompt until its images were on disk (or it ended otherwise)."
        case .outOfMemoryRecoveries: "Out-of-memory recoveries, by ladder step."
        case .retries: "Panels tried again, by reason."
        case .reconnects: "WebSocket reconnects to the server."
        case .downloadedBytes: "Bytes of images downloaded from the server and stored."
        }
    }

    /// The descriptor the registry takes (the namespace `comfybridge`, the unit suffix split off).
    var descriptor: MetricNameDescriptor {
        let bare = String(rawValue.dropFirst("comfybridge_".count))
        for unit in ["_bytes_total", "_total", "_seconds"] where bare.hasSuffix(unit) {
            return MetricNameDescriptor(namespace: "comfybridge", metricName: String(bare.dropLast(unit.count)),
                                        unitName: String(unit.dropFirst()), helpText: help)
        }
        return MetricNameDescriptor(namespace: "comfybridge", metricName: bare, unitName: "", helpText: help)
    }
}
