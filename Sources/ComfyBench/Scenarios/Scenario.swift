/// A benchmark scenario: a workload run for ComfyBridge and for the baseline, reduced to figures.
protocol Scenario: Sendable {
    /// The name used on the command line and in the table.
    var name: String { get }
    /// Runs every repetition and returns the figures; `log` receives one line per client run.
    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure]
}

/// How each scenario is run: sizes, timings and repetitions. The defaults are the workloads,
/// with repetitions chosen so that `--scenario all` stays under ten minutes on a 2-core machine.
struct ScenarioSettings: Sendable {
    /// Repetitions of `feed` (default 3).
    var feedRepetitions = 3
    /// Repetitions of `pool` (default 3).
    var poolRepetitions = 3
    /// Repetitions of `throughput` (default 3).
    var throughputRepetitions = 3
    /// Repetitions of `memory` (default 2: peak RSS varies little, and each repetition downloads 2.2 GB per client).
    var memoryRepetitions = 2
    /// Added latency of `feed` and `pool` in milliseconds (default 25).
    var latencyMilliseconds = 25
    /// Added latency of `throughput` in milliseconds (default 0: the scenario measures client overhead).
    var throughputLatencyMilliseconds = 0
    /// Added latency of `memory` in milliseconds (default 0).
    var memoryLatencyMilliseconds = 0

    /// The same settings with every repetition count replaced by `count`.
    func repeating(_ count: Int) -> ScenarioSettings {
        var copy = self
        copy.feedRepetitions = count
        copy.poolRepetitions = count
        copy.throughputRepetitions = count
        copy.memoryRepetitions = count
        return copy
    }
}
