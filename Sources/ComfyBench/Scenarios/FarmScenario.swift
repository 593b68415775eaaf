import ComfyWorkflow
import Foundation

/// `farm`: one coordinator feeding 100 servers. 100 emulators in one process (the harness's child, so the
/// client's CPU and memory are its own), 2,000 panels of 2 s server time (20 steps × 100 ms, slept, not
/// computed), 25 ms latency. Figure: makespan ÷ (Σ server execution time ÷ servers), 1.00 when no server
/// ever idled. Then the same with faults — 5 servers restarted mid-run (down 3 s, queue and history lost)
/// and 2 stopped for good: every panel must complete exactly once (checked in the ledger and on disk), and
/// the figure is taken against the capacity actually available, the live-server-seconds of the run.
struct FarmScenario: Scenario {
    let name = "farm"
    /// Repetitions (each runs the fault-free and the faulty farm).
    var repetitions: Int
    /// Added latency in milliseconds.
    var latencyMilliseconds: Int
    /// Servers in the farm.
    var servers = 100
    /// The workload: 2,000 panels of 64×64, 20 steps × 100 ms.
    var shape = BenchProject.Shape(panels: 2000, width: 64, height: 64, steps: 20, stepMilliseconds: 100)
    /// The faults of the second run: 5 restarted 10 s after the first prompt finished (down 3 s), 2 stopped at 15 s.
    var faults = EmulatorFarm.Faults(restart: 5, restartAt: 10, down: 3, kill: 2, killAt: 15)
    /// Longest a client run may take.
    var timeout: Duration = .seconds(300)

    /// One panel's nominal server time in seconds.
    private var panelSeconds: Double { Double(shape.steps * shape.stepMilliseconds) / 1000 }

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        var clean: [Double] = [], faulty: [Double] = [], violations: [Double] = []
        var makespans: [Double] = [], faultyMakespans: [Double] = [], cpu: [Double] = [], memory: [Double] = []
        for repetition in 1...repetitions {
            let plain = try await farmRun(workspace, faults: .none)
            let busy = plain.executions.reduce(0) { $0 + $1.seconds }
            let ratio = plain.kept.run.seconds / (busy / Double(servers))
            clean.append(ratio)
            makespans.append(plain.kept.run.seconds)
            cpu.append(plain.kept.run.cpuSeconds)
            memory.append(plain.kept.run.maxRSSMiB)
            log("farm \(repetition)/\(repetitions): \(servers) servers, makespan \(Spread.format(plain.kept.run.seconds, 2)) s, "
                + "server execution \(Spread.format(busy, 1)) s (mean \(Spread.format(busy / Double(max(1, plain.executions.count)), 3)) s "
                + "over \(plain.executions.count) prompts), ratio \(Spread.format(ratio, 3)), client CPU \(Spread.format(plain.kept.run.cpuSeconds, 1)) s, "
                + "peak RSS \(Spread.format(plain.kept.run.maxRSSMiB, 1)) MiB; \(plain.timeline?.summary(servers: servers) ?? "no timeline")")

            let broken = try await farmRun(workspace, faults: faults)
            let run = broken.kept.run
            let capacity = EmulatorFarm.liveServerSeconds(servers: servers, events: broken.events,
                                                          start: run.startedUnixMilliseconds ?? 0, end: run.finishedUnixMilliseconds ?? 0)
            let work = Double(shape.panels) * panelSeconds
            let faultyRatio = capacity / work
            faulty.append(faultyRatio)
            faultyMakespans.append(run.seconds)
            violations.append(Double(broken.check.violations))
            log("farm \(repetition)/\(repetitions) with faults: makespan \(Spread.format(run.seconds, 2)) s, "
                + "\(broken.events.filter { !$0.up }.count) servers went down and \(broken.events.filter(\.up).count) came back, "
                + "live capacity \(Spread.format(capacity, 0)) server-s for \(Spread.format(work, 0)) s of panels, ratio \(Spread.format(faultyRatio, 3)); "
                + "\(broken.executions.count) executions in surviving histories; exactly once: \(broken.check.detail)")
        }
        let per = "\(shape.panels) panels × \(Spread.format(panelSeconds, 1)) s on \(servers) servers"
        return [
            Figure(scenario: name, name: "makespan ÷ (Σ server time ÷ \(servers)), \(per)", comfyBridge: Spread(samples: clean),
                   baseline: nil, target: .atMost(1.03), digits: 3, note: nil),
            Figure(scenario: name, name: "makespan (s), \(per)", comfyBridge: Spread(samples: makespans), baseline: nil, target: .none, digits: 2, note: nil),
            Figure(scenario: name, name: "client CPU (s), \(per)", comfyBridge: Spread(samples: cpu), baseline: nil, target: .none, digits: 1, note: nil),
            Figure(scenario: name, name: "client peak RSS (MiB), \(servers) servers", comfyBridge: Spread(samples: memory), baseline: nil,
                   target: .none, digits: 1, note: nil),
            Figure(scenario: name, name: "with faults: live server-seconds ÷ Σ panel server time (\(faults.restart) restarted, \(faults.kill) gone)",
                   comfyBridge: Spread(samples: faulty), baseline: nil, target: .atMost(1.05), digits: 3,
                   note: "capacity: \(servers) servers less each one's down time, integrated over the client's makespan; work: panels × nominal server time"),
            Figure(scenario: name, name: "with faults: makespan (s)", comfyBridge: Spread(samples: faultyMakespans), baseline: nil,
                   target: .none, digits: 2, note: nil),
            Figure(scenario: name, name: "with faults: panels not completed exactly once", comfyBridge: Spread(samples: violations), baseline: nil,
                   target: .atMost(0), digits: 0, note: nil),
        ]
    }

    /// What one farm run left: the client's run, the servers' executions (those whose history survived),
    /// the host's fault events and the ledger check.
    private struct FarmRun: Sendable {
        var kept: KeptClientRun
        var executions: [Execution]
        var timeline: Timeline?
        var events: [EmulatorFarm.Event]
        var check: (violations: Int, detail: String)
    }

    private func farmRun(_ workspace: Workspace, faults: EmulatorFarm.Faults) async throws(BenchError) -> FarmRun {
        let folder = workspace.root.appendingPathComponent("farm-" + UUID().uuidString.prefix(8).lowercased(), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let farm = try await EmulatorFarm.start(count: servers, latencyMilliseconds: latencyMilliseconds, faults: faults, folder: folder)
        do {
            let project = try BenchProject.write(shape, to: folder.appendingPathComponent("project", isDirectory: true))
            let kept = try await workspace.runKeeping(project, panels: shape.panels, servers: farm.servers.map(\.baseURL), timeout: timeout)
            let check = try await Workspace.completedExactlyOnce(project, panels: shape.panels)
            let events = farm.events()
            let downForGood = Set(events.filter { !$0.up }.map(\.server)).subtracting(events.filter(\.up).map(\.server))
            var perServer: [[Execution]] = []
            for (index, server) in farm.servers.enumerated() where !downForGood.contains(index) {
                perServer.append(try await server.executions())
            }
            await farm.stop()
            return FarmRun(kept: kept, executions: perServer.flatMap { $0 }, timeline: Timeline(run: kept.run, servers: perServer),
                           events: events, check: check)
        } catch {
            await farm.stop()
            throw error
        }
    }
}

extension Timeline {
    /// A short form for many servers: lead-in, total and worst idle gap, tail, fewest and most prompts per server.
    func summary(servers: Int) -> String {
        "lead-in \(Int(leadIn * 1000)) ms, idle gaps \(Int(gaps.reduce(0, +) * 1000)) ms in total (worst server \(Int((gaps.max() ?? 0) * 1000)) ms), "
            + "tail \(Int(tail * 1000)) ms, prompts per server \(counts.min() ?? 0)–\(counts.max() ?? 0)"
    }
}
