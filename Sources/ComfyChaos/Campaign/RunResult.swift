import Foundation

/// What one chaos run did and whether every invariant held.
public struct RunResult: Sendable, Hashable {
    /// The run's position in the campaign.
    public var index: Int
    /// The run's own seed (`chaos --runs 1 --run-seed S` replays it).
    public var seed: UInt64
    /// Faults injected, by kind (kills, restarts and bursts only when they fired).
    public var faults: [FaultKind: Int] = [:]
    /// `render` processes started.
    public var launches = 0
    /// The counts of the end-of-run check.
    public var tally = InvariantChecker.Tally()
    /// Broken invariants; empty when the run passed.
    public var problems: [String] = []
    /// Wall time of the run.
    public var duration: Duration = .zero
    /// The run's folder when it was kept (failed runs are always kept).
    public var keptDirectory: URL?

    /// True when every invariant held.
    public var passed: Bool { problems.isEmpty }

    /// One line: run, seed, faults, launches, outcome.
    public var summary: String {
        let faultText = faults.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let outcome = passed ? "ok" : "FAILED (\(problems.count) problem\(problems.count == 1 ? "" : "s")): \(problems.prefix(3).joined(separator: "; "))"
        return "run \(index) seed \(seed): \(faultText.isEmpty ? "no faults fired" : faultText); launches \(launches); rendered \(tally.rendered), lost \(tally.lost), duplicates \(tally.duplicates) — \(outcome)"
    }
}
