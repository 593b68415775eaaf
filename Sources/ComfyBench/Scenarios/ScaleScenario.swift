import ComfyWorkflow
import Foundation

/// `scale`: 20,000 panels of zero server time (64×64) on 4 emulators, against 1,000. Figures: peak RSS
/// of the client at both sizes and their ratio (memory must not grow with the project); the time from
/// spawning the client to its first prompt queued when it resumes a 20,000-panel project stopped half
/// done; the share of the client's CPU its manifest writer took; prompts per second at both sizes.
struct ScaleScenario: Scenario {
    let name = "scale"
    /// Repetitions.
    var repetitions: Int
    /// Added latency in milliseconds.
    var latencyMilliseconds: Int
    /// Servers.
    var servers = 4
    /// Panels of the small and the large project.
    var sizes = (small: 1000, large: 20000)
    /// Longest a client run may take.
    var timeout: Duration = .seconds(900)

    private func shape(_ panels: Int) -> BenchProject.Shape {
        BenchProject.Shape(panels: panels, width: 64, height: 64, steps: 1, stepMilliseconds: 0)
    }

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        var small: [Double] = [], large: [Double] = [], ratio: [Double] = []
        var firstPrompt: [Double] = [], freshFirstPrompt: [Double] = [], writerShare: [Double] = []
        var smallRate: [Double] = [], largeRate: [Double] = [], resumedPeak: [Double] = []
        for repetition in 1...repetitions {
            var peaks: [Double] = []
            for panels in [sizes.small, sizes.large] {
                let kept = try await workspace.withEmulators(servers, latencyMilliseconds: latencyMilliseconds) { emulators throws(BenchError) in
                    let project = try workspace.makeProject(shape(panels))
                    defer { try? FileManager.default.removeItem(at: project.directory) }
                    return try await workspace.runKeeping(project, panels: panels, servers: emulators.map(\.baseURL), timeout: timeout)
                }
                let rate = Double(panels) / kept.run.seconds
                let share = (kept.result["manifest_writer_cpu_seconds"]?.doubleValue).map { $0 / max(kept.run.cpuSeconds, 1e-9) }
                peaks.append(kept.run.maxRSSMiB)
                if panels == sizes.small { smallRate.append(rate) } else {
                    largeRate.append(rate)
                    if let first = kept.secondsToFirstPrompt { freshFirstPrompt.append(first) }
                    if let share { writerShare.append(share * 100) }
                }
                log("scale \(repetition)/\(repetitions): \(panels) panels on \(servers) servers in \(Spread.format(kept.run.seconds, 1)) s "
                    + "(\(Spread.format(rate, 1)) prompts/s), client CPU \(Spread.format(kept.run.cpuSeconds, 1)) s, peak RSS "
                    + "\(Spread.format(kept.run.maxRSSMiB, 1)) MiB, first prompt \(kept.secondsToFirstPrompt.map { Spread.format($0, 2) } ?? "n/a") s "
                    + "after spawn, manifest writer \(share.map { Spread.format($0 * 100, 1) } ?? "n/a") % of CPU "
                    + "(\(kept.result["manifest_writes"]?.intValue ?? 0) writes)")
            }
            small.append(peaks[0])
            large.append(peaks[1])
            ratio.append(peaks[1] / peaks[0])

            let half = sizes.large / 2
            let resumed = try await workspace.withEmulators(servers, latencyMilliseconds: latencyMilliseconds) { emulators throws(BenchError) in
                let project = try workspace.makeProject(shape(sizes.large))
                defer { try? FileManager.default.removeItem(at: project.directory) }
                let urls = emulators.map(\.baseURL)
                _ = try await workspace.runKeeping(project, panels: sizes.large, servers: urls, arguments: ["--stop-after", String(half)],
                                                   timeout: timeout, expectFinished: false)
                return try await workspace.runKeeping(project, panels: sizes.large, servers: urls, arguments: ["--resume"], timeout: timeout)
            }
            if let first = resumed.secondsToFirstPrompt { firstPrompt.append(first) }
            resumedPeak.append(resumed.run.maxRSSMiB)
            log("scale \(repetition)/\(repetitions): resumed \(sizes.large) panels stopped after \(half): "
                + "\(resumed.result["kept"]?.intValue ?? -1) kept, \(resumed.result["rendered"]?.intValue ?? -1) rendered, first prompt "
                + "\(resumed.secondsToFirstPrompt.map { Spread.format($0, 2) } ?? "n/a") s after spawn, peak RSS \(Spread.format(resumed.run.maxRSSMiB, 1)) MiB")
        }
        let big = "\(sizes.large) panels", little = "\(sizes.small) panels"
        return [
            Figure(scenario: name, name: "peak RSS ratio, \(big) ÷ \(little)", comfyBridge: Spread(samples: ratio), baseline: nil,
                   target: .atMost(1.10), digits: 2, note: nil),
            Figure(scenario: name, name: "peak RSS (MiB), \(big)", comfyBridge: Spread(samples: large), baseline: nil, target: .none, digits: 1, note: nil),
            Figure(scenario: name, name: "peak RSS (MiB), \(little)", comfyBridge: Spread(samples: small), baseline: nil, target: .none, digits: 1, note: nil),
            Figure(scenario: name, name: "resume \(big) half done: spawn to first prompt queued (s)", comfyBridge: Spread(samples: firstPrompt),
                   baseline: nil, target: .atMost(2.0), digits: 2, note: nil),
            Figure(scenario: name, name: "fresh \(big): spawn to first prompt queued (s)", comfyBridge: Spread(samples: freshFirstPrompt),
                   baseline: nil, target: .none, digits: 2, note: nil),
            Figure(scenario: name, name: "peak RSS (MiB), resumed \(big)", comfyBridge: Spread(samples: resumedPeak), baseline: nil,
                   target: .none, digits: 1, note: nil),
            Figure(scenario: name, name: "manifest writer share of client CPU (%), \(big)", comfyBridge: Spread(samples: writerShare),
                   baseline: nil, target: .none, digits: 1, note: writerShare.isEmpty ? "the client did not report its manifest writer's CPU" : nil),
            Figure(scenario: name, name: "prompts per second, \(big)", comfyBridge: Spread(samples: largeRate), baseline: nil, target: .none, digits: 1, note: nil),
            Figure(scenario: name, name: "prompts per second, \(little)", comfyBridge: Spread(samples: smallRate), baseline: nil, target: .none, digits: 1, note: nil),
        ]
    }
}
