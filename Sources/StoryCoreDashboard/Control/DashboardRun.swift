import StoryCore

/// One render the dashboard's controller started.
public struct DashboardRun: Sendable {
    /// The run's events, in order, ending after the run: for a caller that also shows progress (the
    /// terminal display of `render --dashboard`). Finished at once when the run was started without
    /// an observer; read it to the end, or not at all.
    public let events: AsyncStream<RenderEvent>
    let outcome: Task<Result<RenderSummary, RenderError>, Never>
    let renderer: Renderer

    /// Waits for the run to end and returns its summary (cancelled after `stop`), or why it could not run.
    public func summary() async throws(RenderError) -> RenderSummary {
        try await outcome.value.get()
    }

    /// WebSocket reconnects per server so far in this run (`Renderer.reconnects()`), for the metrics.
    public func reconnects() async -> [String: Int] {
        await renderer.reconnects()
    }
}
