/// `dashboard`: the `feed` workload rendered through the live dashboard, with 0, 10 and 100 WebSocket
/// viewers connected (in the harness's process, draining every message). The figure is the `feed`
/// ratio with 10 viewers ÷ the ratio with none (target ≤ 1.01: viewers cost the render under 1 %),
/// and the client's CPU seconds and peak memory with 0, 10 and 100 viewers.
struct DashboardFeedScenario: Scenario {
    let name = "dashboard"
    /// Repetitions of each viewer count.
    var repetitions: Int
    /// Added latency in milliseconds.
    var latencyMilliseconds: Int
    /// The workload of `feed`.
    var shape = FeedScenario(repetitions: 1, latencyMilliseconds: 0).shape
    /// The viewer counts measured.
    var viewerCounts = [0, 10, 100]

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        var ratios: [Int: [Double]] = [:], cpu: [Int: [Double]] = [:], memory: [Int: [Double]] = [:]
        for repetition in 1...repetitions {
            for viewers in viewerCounts {
                let (run, executions) = try await workspace.withEmulators(1, latencyMilliseconds: latencyMilliseconds) { servers throws(BenchError) in
                    // Zero viewers still renders through the dashboard, so the comparison isolates the viewers.
                    let run = try await workspace.run(.comfyBridge, shape: shape, servers: servers, viewers: viewers, dashboard: true)
                    return (run, try await servers[0].executions())
                }
                let busy = executions.reduce(0) { $0 + $1.seconds }
                let ratio = run.seconds / busy
                ratios[viewers, default: []].append(ratio)
                cpu[viewers, default: []].append(run.cpuSeconds)
                memory[viewers, default: []].append(run.maxRSSMiB)
                log("dashboard \(repetition)/\(repetitions), \(viewers) viewers: makespan \(Spread.format(run.seconds, 3)) s, ratio "
                    + "\(Spread.format(ratio, 3)), client CPU \(Spread.format(run.cpuSeconds, 2)) s, peak RSS \(Spread.format(run.maxRSSMiB, 1)) MiB")
            }
        }
        var figures: [Figure] = []
        let none = ratios[0] ?? [], ten = ratios[10] ?? []
        if !none.isEmpty, none.count == ten.count {
            let relative = zip(ten, none).map { $0 / $1 }
            figures.append(Figure(scenario: name, name: "feed ratio with 10 viewers ÷ with none", comfyBridge: Spread(samples: relative),
                                  baseline: nil, target: .atMost(1.01), digits: 3, note: "ratios paired by repetition"))
        }
        for viewers in viewerCounts {
            figures.append(Figure(scenario: name, name: "feed ratio, \(viewers) viewers", comfyBridge: Spread(samples: ratios[viewers] ?? []),
                                  baseline: nil, target: .none, digits: 3, note: nil))
            figures.append(Figure(scenario: name, name: "client CPU (s), \(viewers) viewers", comfyBridge: Spread(samples: cpu[viewers] ?? []),
                                  baseline: nil, target: .none, digits: 2, note: nil))
            figures.append(Figure(scenario: name, name: "client peak RSS (MiB), \(viewers) viewers",
                                  comfyBridge: Spread(samples: memory[viewers] ?? []), baseline: nil, target: .none, digits: 1, note: nil))
        }
        return figures
    }
}
