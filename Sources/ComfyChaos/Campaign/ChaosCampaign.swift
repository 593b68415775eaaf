import ComfyEmulator
import Foundation
import Logging
import ProcessSupport

/// The chaos campaign: renders a 16-panel project with the real `comfybridge render` process against
/// two emulators on loopback while injecting faults, and checks every invariant after each run.
///
/// Each run starts two fresh emulators with their fault plans, launches `render`, and while it runs
/// fires the run's events when the render has printed enough event lines: SIGKILL the render (then
/// check the files at that kill point and start it again), restart an emulator without its queue and
/// history, or make an emulator answer 500 for a while. A run ends when `render` exits 0.
public struct ChaosCampaign: Sendable {
    /// The campaign's settings.
    public let configuration: CampaignConfiguration
    private let logger: Logger

    /// Creates a campaign; nothing runs until `run()` or `run(index:)`.
    public init(configuration: CampaignConfiguration, logger: Logger = Logger(label: "ComfyChaos", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The seed of run `index`.
    public func seed(ofRun index: Int) -> UInt64 {
        configuration.runSeed ?? ChaosRandom.runSeed(campaign: configuration.seed, run: index)
    }

    /// Runs every run in order and returns the report.
    public func run() async throws(CampaignError) -> CampaignReport {
        var report = CampaignReport(seed: configuration.seed)
        let started = ContinuousClock.now
        for index in 0..<configuration.runs {
            report.runs.append(try await run(index: index))
        }
        report.duration = ContinuousClock.now - started
        return report
    }

    /// Runs run `index` alone (the same faults as in the whole campaign) and returns its result.
    public func run(index: Int) async throws(CampaignError) -> RunResult {
        let seed = seed(ofRun: index)
        let plan = RunPlan(seed: seed)
        let directory = configuration.workDirectory.appendingPathComponent("run-\(index)-\(String(seed, radix: 16))", isDirectory: true)
        try? FileManager.default.removeItem(at: directory)
        let project = try ChaosProject.create(in: directory.appendingPathComponent("project"), panels: configuration.panels,
                                              batchSize: plan.batchSize)
        var result = RunResult(index: index, seed: seed)
        let started = ContinuousClock.now
        var emulators: [ComfyEmulator] = []
        let serverOutputs = (0..<2).map { directory.appendingPathComponent("server-\($0)-output", isDirectory: true) }
        do throws(CampaignError) {
            for server in 0..<2 {
                let tight = plan.tightMemory.contains(server)
                let emulator = ComfyEmulator(configuration: EmulatorConfiguration(
                    timing: TimingModel(modelLoad: .zero, perStep: configuration.stepTime, perNode: .milliseconds(1)),
                    vramBytes: tight ? 12 << 30 : 24 << 30, bytesPerPixel: tight ? 1_000_000 : 2048,
                    outputDirectory: serverOutputs[server], faults: plan.faultPlan(server: server)), logger: logger)
                do { try await emulator.start() } catch { throw CampaignError.setup("emulator \(server) did not start: \(error)") }
                emulators.append(emulator)
                if plan.socketDropAfter[server] != nil { result.faults[.socketDrops, default: 0] += 1 }
                if plan.slowReplies[server].rate > 0 { result.faults[.slowReplies, default: 0] += 1 }
                if tight { result.faults[.outOfMemory, default: 0] += 1 }
            }
            try await drive(plan: plan, project: project, emulators: emulators, result: &result)
        } catch {
            for emulator in emulators { await emulator.stop() }
            throw error
        }
        for emulator in emulators { await emulator.stop() }
        let (problems, tally) = await InvariantChecker(project: project).checkFinal(serverOutputs: serverOutputs)
        result.problems += problems
        result.tally = tally
        result.duration = ContinuousClock.now - started
        if result.passed && !configuration.keepArtifacts {
            try? FileManager.default.removeItem(at: directory)
        } else {
            result.keptDirectory = directory
        }
        return result
    }

    /// Launches `render` until it exits 0, firing the plan's events as its output grows.
    private func drive(plan: RunPlan, project: ChaosProject, emulators: [ComfyEmulator], result: inout RunResult) async throws(CampaignError) {
        let checker = InvariantChecker(project: project)
        var pending = plan.events[...]
        var linesBefore = 0
        var burstEnds: [Int: ContinuousClock.Instant] = [:]
        var calm = false
        let clock = ContinuousClock()
        var childEnvironment = configuration.environment
        childEnvironment["COMFYUI_URL"] = nil
        childEnvironment["COMFYUI_TOKEN"] = nil
        while true {
            result.launches += 1
            if result.launches > configuration.maxLaunches {
                result.problems.append("render did not finish after \(configuration.maxLaunches) launches")
                return
            }
            let launch = result.launches
            let logs = project.directory.deletingLastPathComponent()
            let launchArguments = await arguments(project: project, emulators: emulators)
            let process = try RenderProcess.spawn(
                configuration.executable, launchArguments,
                stdout: logs.appendingPathComponent("render-\(launch).out"), stderr: logs.appendingPathComponent("render-\(launch).err"),
                environment: childEnvironment)
            let deadline = clock.now + configuration.launchTimeout
            var ending: RenderProcess.Ending?
            var killed = false
            while ending == nil {
                try? await Task.sleep(for: .milliseconds(5))
                for (server, end) in burstEnds where clock.now >= end {
                    await emulators[server].setFaults(calm ? .none : plan.faultPlan(server: server))
                    burstEnds[server] = nil
                }
                if let done = process.poll() { ending = done; break }
                let lines = linesBefore + process.outputLines()
                while !calm, let event = pending.first, event.atLine <= lines {
                    pending = pending.dropFirst()
                    switch event.action {
                    case .killClient:
                        ending = process.killNow()
                        killed = true
                        result.faults[.clientKill, default: 0] += 1
                    case .restart(let server):
                        await emulators[server].restart(keepHistory: false)
                        result.faults[.serverRestart, default: 0] += 1
                    case .http500Burst(let server, let milliseconds):
                        await emulators[server].setFaults(plan.burstPlan(server: server))
                        burstEnds[server] = clock.now + .milliseconds(milliseconds)
                        result.faults[.http500Burst, default: 0] += 1
                    }
                    if killed { break }
                }
                if ending == nil && clock.now > deadline {
                    ending = process.killNow()
                    result.problems.append("render launch \(launch) still running after \(configuration.launchTimeout); killed (\(process.lastErrorLine()))")
                }
            }
            linesBefore += process.outputLines()
            if killed {
                for problem in await checker.checkKillPoint() { result.problems.append("after kill \(result.faults[.clientKill] ?? 0): \(problem)") }
                continue
            }
            if case .exited(0) = ending { return }
            logger.info("render launch \(launch) ended with \(ending!): \(process.lastErrorLine())")
            if !calm && (pending.isEmpty || launch > 2 * plan.events.count + 2) {
                calm = true
                pending = []
                for (server, emulator) in emulators.enumerated() { await emulator.setFaults(.none); burstEnds[server] = nil }
            }
        }
    }

    private func arguments(project: ChaosProject, emulators: [ComfyEmulator]) async -> [String] {
        var arguments = ["render", project.directory.path, "--workflow", project.workflowFile.path, "--json"]
        for emulator in emulators { arguments += ["--server", await emulator.baseURL.absoluteString] }
        return arguments
    }
}
