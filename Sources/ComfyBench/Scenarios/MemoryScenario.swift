/// `memory`: 1,000 panels with 2 MB outputs (832×832 stored PNGs), against 100. Figures: ComfyBridge's
/// peak resident memory at both sizes (from `wait4`) and the growth between them.
struct MemoryScenario: Scenario {
    let name = "memory"
    /// Repetitions.
    var repetitions: Int
    /// Added latency in milliseconds.
    var latencyMilliseconds: Int
    /// Panels of the small and the large run.
    var sizes = (small: 100, large: 1000)
    /// Most the large run's peak may exceed the small run's, as a factor, to count as flat.
    var flatFactor = 1.25

    private func shape(_ panels: Int) -> BenchProject.Shape {
        BenchProject.Shape(panels: panels, width: 832, height: 832, steps: 1, stepMilliseconds: 0)
    }

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        var small: [ClientKind: [Double]] = [:]
        var large: [ClientKind: [Double]] = [:]
        var growth: [ClientKind: [Double]] = [:]
        for repetition in 1...repetitions {
            for client in [ClientKind.comfyBridge, .baseline] where client == .comfyBridge || workspace.baseline != nil {
                var peaks: [Double] = []
                for panels in [sizes.small, sizes.large] {
                    let run = try await workspace.withEmulators(1, latencyMilliseconds: latencyMilliseconds) { emulators throws(BenchError) in
                        try await workspace.run(client, shape: shape(panels), servers: emulators)
                    }
                    peaks.append(run.maxRSSMiB)
                    log("memory \(repetition)/\(repetitions) \(client.rawValue): \(panels) panels, \(run.bytes / 1_000_000) MB downloaded in "
                        + "\(Spread.format(run.seconds, 2)) s, peak RSS \(Spread.format(run.maxRSSMiB, 1)) MiB")
                }
                small[client, default: []].append(peaks[0])
                large[client, default: []].append(peaks[1])
                growth[client, default: []].append(peaks[1] / peaks[0])
            }
        }
        let missing = workspace.baseline == nil ? "baseline not measured: Python unavailable" : nil
        return [
            Figure(scenario: name, name: "peak RSS (MiB), \(sizes.large) panels × 2 MB", comfyBridge: Spread(samples: large[.comfyBridge] ?? []),
                   baseline: large[.baseline].map(Spread.init), target: .atMost(40), digits: 1, note: missing),
            Figure(scenario: name, name: "peak RSS (MiB), \(sizes.small) panels × 2 MB", comfyBridge: Spread(samples: small[.comfyBridge] ?? []),
                   baseline: small[.baseline].map(Spread.init), target: .none, digits: 1, note: nil),
            Figure(scenario: name, name: "peak RSS growth, \(sizes.large) ÷ \(sizes.small) panels", comfyBridge: Spread(samples: growth[.comfyBridge] ?? []),
                   baseline: growth[.baseline].map(Spread.init), target: .atMost(flatFactor), digits: 2, note: nil),
        ]
    }
}
