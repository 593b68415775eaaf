/// `throughput`: one emulator with zero execution time and 2,000 tiny (64×64) prompts. Figures: client
/// CPU milliseconds per prompt from `wait4` (target ≤ 1.0), and prompts per second beside the baseline's
/// (no target: on two cores the emulator's own CPU per prompt caps any client's rate; see BENCHMARKS.md).
struct ThroughputScenario: Scenario {
    let name = "throughput"
    /// Repetitions.
    var repetitions: Int
    /// Added latency in milliseconds.
    var latencyMilliseconds: Int
    /// Longest a ComfyBridge run may take (default 60 s, i.e. 33 prompts/s, far slower than the sequential
    /// baseline); keeps `--scenario all` under ten minutes when the client is slow.
    var timeout: Duration = .seconds(60)
    /// The workload: 2,000 panels, 64×64, one step of 0 ms.
    var shape = BenchProject.Shape(panels: 2000, width: 64, height: 64, steps: 1, stepMilliseconds: 0)

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        var rates: [ClientKind: [Double]] = [:]
        var cpu: [ClientKind: [Double]] = [:]
        var unfinished: String?
        for repetition in 1...repetitions {
            for client in [ClientKind.comfyBridge, .baseline] where (client == .comfyBridge && unfinished == nil) || (client == .baseline && workspace.baseline != nil) {
                let run: ClientRun
                do {
                    run = try await workspace.withEmulators(1, latencyMilliseconds: latencyMilliseconds) { emulators throws(BenchError) in
                        try await workspace.run(client, shape: shape, servers: emulators, timeout: client == .comfyBridge ? timeout : nil)
                    }
                } catch BenchError.timedOut(_, let after) where client == .comfyBridge {
                    unfinished = "ComfyBridge did not finish \(shape.panels) prompts within \(after) (fewer than "
                        + "\(Spread.format(Double(shape.panels) / after.seconds, 1)) prompts/s); its later repetitions were skipped"
                    log("throughput \(repetition)/\(repetitions) \(client.rawValue): \(unfinished ?? "")")
                    continue
                }
                let rate = Double(run.panels) / run.seconds
                let perPrompt = run.cpuSeconds * 1000 / Double(run.panels)
                log("throughput \(repetition)/\(repetitions) \(client.rawValue): \(Spread.format(rate, 1)) prompts/s, "
                    + "CPU \(Spread.format(perPrompt, 3)) ms/prompt")
                rates[client, default: []].append(rate)
                cpu[client, default: []].append(perPrompt)
            }
        }
        let missing = workspace.baseline == nil ? "baseline not measured: Python unavailable" : nil
        return [
            Figure(scenario: name, name: "client CPU ms per prompt", comfyBridge: Spread(samples: cpu[.comfyBridge] ?? []),
                   baseline: cpu[.baseline].map(Spread.init), target: .atMost(1.0), digits: 3, note: unfinished),
            Figure(scenario: name, name: "prompts per second, \(shape.panels) prompts", comfyBridge: Spread(samples: rates[.comfyBridge] ?? []),
                   baseline: rates[.baseline].map(Spread.init), target: .none, digits: 1, note: missing),
        ]
    }
}
