/// `feed`: one emulator, 32 panels of 400 ms server execution and 1024×1024 PNG outputs, 25 ms added
/// latency. The figure is makespan ÷ the server execution time the emulator recorded for those
/// prompts (1.00: the GPU never idled).
struct FeedScenario: Scenario {
    let name = "feed"
    /// Repetitions.
    var repetitions: Int
    /// Added latency in milliseconds.
    var latencyMilliseconds: Int
    /// The workload: 32 panels, 1024×1024, 20 steps × 20 ms.
    var shape = BenchProject.Shape(panels: 32, width: 1024, height: 1024, steps: 20, stepMilliseconds: 20)

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        var bridgeRatio: [Double] = [], baseRatio: [Double] = []
        var bridgeSeconds: [Double] = [], baseSeconds: [Double] = []
        for repetition in 1...repetitions {
            for client in [ClientKind.comfyBridge, .baseline] where client == .comfyBridge || workspace.baseline != nil {
                let (run, executions) = try await workspace.withEmulators(1, latencyMilliseconds: latencyMilliseconds) { servers throws(BenchError) in
                    let run = try await workspace.run(client, shape: shape, servers: servers)
                    return (run, try await servers[0].executions())
                }
                let busy = executions.reduce(0) { $0 + $1.seconds }
                let ratio = run.seconds / busy
                log("feed \(repetition)/\(repetitions) \(client.rawValue): makespan \(Spread.format(run.seconds, 3)) s, "
                    + "server execution \(Spread.format(busy, 3)) s, ratio \(Spread.format(ratio, 3)); "
                    + (Timeline(run: run, servers: [executions])?.summary ?? "no timeline"))
                if client == .comfyBridge { bridgeRatio.append(ratio); bridgeSeconds.append(run.seconds) } else {
                    baseRatio.append(ratio); baseSeconds.append(run.seconds)
                }
            }
        }
        let baselineMissing = workspace.baseline == nil ? "baseline not measured: Python unavailable" : nil
        return [
            Figure(scenario: name, name: "makespan ÷ server execution time", comfyBridge: Spread(samples: bridgeRatio),
                   baseline: baseRatio.isEmpty ? nil : Spread(samples: baseRatio), target: .atMost(1.02), digits: 3, note: baselineMissing),
            Figure(scenario: name, name: "makespan (s), \(shape.panels) panels × \(shape.steps * shape.stepMilliseconds) ms",
                   comfyBridge: Spread(samples: bridgeSeconds), baseline: baseSeconds.isEmpty ? nil : Spread(samples: baseSeconds),
                   target: .none, digits: 2, note: nil),
        ]
    }
}
