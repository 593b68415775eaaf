/// `pool`: 64 panels of 200 ms on four emulators against the same run on one. The figure is the
/// speed-up (one-server makespan ÷ four-server makespan), paired within each repetition.
struct PoolScenario: Scenario {
    let name = "pool"
    /// Repetitions.
    var repetitions: Int
    /// Added latency in milliseconds.
    var latencyMilliseconds: Int
    /// Servers in the pool.
    var servers = 4
    /// The workload: 64 panels, 512×512, 10 steps × 20 ms.
    var shape = BenchProject.Shape(panels: 64, width: 512, height: 512, steps: 10, stepMilliseconds: 20)

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        var speedUps: [ClientKind: [Double]] = [:]
        var poolSeconds: [ClientKind: [Double]] = [:]
        for repetition in 1...repetitions {
            for client in [ClientKind.comfyBridge, .baseline] where client == .comfyBridge || workspace.baseline != nil {
                let (one, oneTimeline) = try await timed(client, servers: 1, in: workspace)
                let (many, manyTimeline) = try await timed(client, servers: servers, in: workspace)
                let speedUp = one.seconds / many.seconds
                log("pool \(repetition)/\(repetitions) \(client.rawValue): 1 server \(Spread.format(one.seconds, 3)) s "
                    + "(\(oneTimeline?.summary ?? "no timeline")), \(servers) servers \(Spread.format(many.seconds, 3)) s "
                    + "(\(manyTimeline?.summary ?? "no timeline")), speed-up \(Spread.format(speedUp, 2))×")
                speedUps[client, default: []].append(speedUp)
                poolSeconds[client, default: []].append(many.seconds)
            }
        }
        return [
            Figure(scenario: name, name: "speed-up, \(servers) servers vs 1 (×)", comfyBridge: Spread(samples: speedUps[.comfyBridge] ?? []),
                   baseline: speedUps[.baseline].map(Spread.init), target: .atLeast(3.8), digits: 2,
                   note: workspace.baseline == nil ? "baseline not measured: Python unavailable" : nil),
            Figure(scenario: name, name: "makespan on \(servers) servers (s), \(shape.panels) panels × \(shape.steps * shape.stepMilliseconds) ms",
                   comfyBridge: Spread(samples: poolSeconds[.comfyBridge] ?? []), baseline: poolSeconds[.baseline].map(Spread.init),
                   target: .none, digits: 2, note: nil),
        ]
    }

    private func timed(_ client: ClientKind, servers count: Int, in workspace: Workspace) async throws(BenchError) -> (ClientRun, Timeline?) {
        try await workspace.withEmulators(count, latencyMilliseconds: latencyMilliseconds) { emulators throws(BenchError) in
            let run = try await workspace.run(client, shape: shape, servers: emulators)
            var executions: [[Execution]] = []
            for emulator in emulators { executions.append(try await emulator.executions()) }
            return (run, Timeline(run: run, servers: executions))
        }
    }
}
