import ArgumentParser
import ComfyWorkflow
import Foundation

/// The harness: runs the chosen scenarios for ComfyBridge and the baseline and reports the figures.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run benchmark scenarios (the default command)."
    )

    /// A scenario name on the command line.
    enum ScenarioName: String, ExpressibleByArgument, CaseIterable {
        case feed, pool, throughput, memory, dashboard, farm, scale, imaging, all
    }

    @Option(help: "Which scenario to run: feed, pool, throughput, memory, dashboard (feed through the live dashboard with 0, 10 and 100 viewers), farm (100 servers, with and without faults), scale (20,000 panels against 1,000), imaging (decoding and measuring a 1024×1024 PNG; not part of all) or all (every one but dashboard, farm and scale).")
    var scenario: ScenarioName = .all

    @Flag(help: "Print the figures as JSON on stdout (the table goes to stderr).")
    var json = false

    @Option(help: "Repetitions of every scenario (default: 3 for feed, pool and throughput, 2 for memory; see BENCHMARKS.md).")
    var repetitions: Int?

    @Option(help: "The baseline client script (default: benchmarks/baseline/sequential_client.py).")
    var baseline: String?

    @Option(help: "The Python 3 interpreter for the baseline.")
    var python = "python3"

    @Flag(help: "Measure ComfyBridge only, without the baseline.")
    var noBaseline = false

    func validate() throws {
        if let repetitions, repetitions < 1 { throw ValidationError("--repetitions must be at least 1") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let date = ISO8601DateFormatter().string(from: Date())
        let log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }
        var settings = ScenarioSettings()
        if let repetitions { settings = settings.repeating(repetitions) }

        var baselineProblem: String?
        var python: PythonBaseline?
        if noBaseline {
            baselineProblem = "skipped (--no-baseline)"
        } else {
            do {
                python = try await PythonBaseline.prepare(python: self.python, script: baseline, log: log)
            } catch {
                baselineProblem = error.description
                log("WARNING: \(error.description); measuring ComfyBridge only, and targets relative to the baseline fail")
            }
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("comfybridge-bench-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = Workspace(root: root, baseline: python, clientTimeout: .seconds(120))

        var scenarios: [any Scenario] = []
        if scenario == .feed || scenario == .all {
            scenarios.append(FeedScenario(repetitions: settings.feedRepetitions, latencyMilliseconds: settings.latencyMilliseconds))
        }
        if scenario == .dashboard {
            scenarios.append(DashboardFeedScenario(repetitions: settings.feedRepetitions, latencyMilliseconds: settings.latencyMilliseconds))
        }
        if scenario == .pool || scenario == .all {
            scenarios.append(PoolScenario(repetitions: settings.poolRepetitions, latencyMilliseconds: settings.latencyMilliseconds))
        }
        if scenario == .throughput || scenario == .all {
            scenarios.append(ThroughputScenario(repetitions: settings.throughputRepetitions,
                                                latencyMilliseconds: settings.throughputLatencyMilliseconds))
        }
        if scenario == .memory || scenario == .all {
            scenarios.append(MemoryScenario(repetitions: settings.memoryRepetitions, latencyMilliseconds: settings.memoryLatencyMilliseconds))
        }

        // Run only when named: together they take several minutes, and `all` stays under ten.
        if scenario == .farm {
            scenarios.append(FarmScenario(repetitions: repetitions ?? 1, latencyMilliseconds: settings.latencyMilliseconds))
        }
        if scenario == .scale {
            scenarios.append(ScaleScenario(repetitions: repetitions ?? 1, latencyMilliseconds: 0))
        }

        if scenario == .imaging {
            scenarios.append(ImagingScenario(repetitions: repetitions ?? 30))
        }

        var figures: [Figure] = []
        for scenario in scenarios {
            let scenarioStarted = ContinuousClock.now
            do {
                figures += try await scenario.run(in: workspace, log: log)
            } catch {
                log("\(scenario.name) could not run: \(error.description)")
                figures.append(Figure(scenario: scenario.name, name: "did not complete", comfyBridge: Spread(samples: []), baseline: nil,
                                      target: .atMost(0), digits: 0, note: error.description))
            }
            log("\(scenario.name) took \(Spread.format((ContinuousClock.now - scenarioStarted).seconds, 1)) s")
        }
        let report = ResultReport(figures: figures, machine: .current(), date: date,
                                  command: (["comfybridge-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                  seconds: (ContinuousClock.now - started).seconds, baselineProblem: baselineProblem)
        if json {
            FileHandle.standardError.write(Data(report.table.utf8))
            FileHandle.standardOutput.write(Data((report.json.serializedString(.pretty) + "\n").utf8))
        } else {
            FileHandle.standardOutput.write(Data(report.table.utf8))
        }
        if !report.passed { throw ExitCode(1) }
    }
}
