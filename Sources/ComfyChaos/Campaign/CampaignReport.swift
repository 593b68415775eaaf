import ComfyWorkflow
import Foundation

/// The figures of a chaos campaign: what was injected, what was rendered, and every failing seed.
public struct CampaignReport: Sendable {
    /// The campaign seed.
    public var seed: UInt64
    /// Every run's result, in order.
    public var runs: [RunResult] = []
    /// Wall time of the campaign.
    public var duration: Duration = .zero

    /// Creates an empty report for a campaign seed.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Faults injected over all runs, by kind.
    public var faults: [FaultKind: Int] {
        var total: [FaultKind: Int] = [:]
        for run in runs { for (kind, n) in run.faults { total[kind, default: 0] += n } }
        return total
    }

    /// Panels completed over all runs.
    public var panelsRendered: Int { runs.reduce(0) { $0 + $1.tally.rendered } }
    /// Panels not completed at the end of their run.
    public var panelsLost: Int { runs.reduce(0) { $0 + $1.tally.lost } }
    /// Unexplained repeated executions.
    public var duplicates: Int { runs.reduce(0) { $0 + $1.tally.duplicates } }
    /// Executions repeated because a server lost the prompt (recorded in the manifest).
    public var reexecutedAfterLoss: Int { runs.reduce(0) { $0 + $1.tally.reexecutedAfterLoss } }
    /// Files checked against their SHA-256.
    public var filesVerified: Int { runs.reduce(0) { $0 + $1.tally.filesVerified } }
    /// `render` processes started.
    public var launches: Int { runs.reduce(0) { $0 + $1.launches } }
    /// Runs with a broken invariant.
    public var failedRuns: [RunResult] { runs.filter { !$0.passed } }

    /// The report as lines for a terminal or RELIABILITY.md.
    public var lines: [String] {
        var out = [
            "chaos campaign seed \(seed): \(runs.count) runs in \(Int(duration.components.seconds)) s",
            "faults injected: " + FaultKind.allCases.map { "\($0)=\(faults[$0] ?? 0)" }.joined(separator: ", "),
            "render processes started: \(launches)",
            "panels rendered: \(panelsRendered), panels lost: \(panelsLost), duplicates: \(duplicates), re-executed after a server lost them (in the manifest): \(reexecutedAfterLoss)",
            "files verified by SHA-256: \(filesVerified)",
            "failed runs: \(failedRuns.count)",
        ]
        for run in failedRuns { out.append("  " + run.summary) }
        return out
    }

    /// The report as JSON (for `--json`).
    public var json: JSONValue {
        .object(JSONObject([
            ("seed", .uint64(seed)),
            ("runs", .int(runs.count)),
            ("duration_seconds", .int(Int(duration.components.seconds))),
            ("faults", .object(JSONObject(FaultKind.allCases.map { ($0.rawValue, .int(faults[$0] ?? 0)) }))),
            ("launches", .int(launches)),
            ("panels_rendered", .int(panelsRendered)),
            ("panels_lost", .int(panelsLost)),
            ("duplicates", .int(duplicates)),
            ("reexecuted_after_loss", .int(reexecutedAfterLoss)),
            ("files_verified", .int(filesVerified)),
            ("failed_runs", .array(failedRuns.map { run in
                .object(JSONObject([("index", .int(run.index)), ("seed", .uint64(run.seed)),
                                    ("problems", .array(run.problems.map(JSONValue.string))),
                                    ("directory", run.keptDirectory.map { .string($0.path) } ?? .null)]))
            })),
        ]))
    }
}
