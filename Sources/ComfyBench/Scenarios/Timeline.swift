/// Where a run's makespan went, from the client's start and end and every server's execution
/// timestamps: lead-in before the first execution, time every server sat idle between two of its
/// executions, and the tail after the last one. A perfect client has zero gaps and a short lead-in and tail.
struct Timeline: Sendable {
    /// Seconds from the client's start to the first execution on any server.
    var leadIn: Double
    /// Seconds from the last execution's end to the client's end.
    var tail: Double
    /// Per server: seconds it sat idle between its first and last execution.
    var gaps: [Double]
    /// Per server: prompts it executed.
    var counts: [Int]

    /// The breakdown, or nil when the client reported no start and end times or no server executed anything.
    init?(run: ClientRun, servers: [[Execution]]) {
        guard let started = run.startedUnixMilliseconds, let finished = run.finishedUnixMilliseconds,
              let first = servers.compactMap({ $0.first?.startMilliseconds }).min(),
              let last = servers.compactMap({ $0.map(\.endMilliseconds).max() }).max() else { return nil }
        leadIn = (Double(first) - started) / 1000
        tail = (finished - Double(last)) / 1000
        gaps = servers.map { executions in
            zip(executions, executions.dropFirst()).reduce(0) { $0 + Double(max(0, $1.1.startMilliseconds - $1.0.endMilliseconds)) / 1000 }
        }
        counts = servers.map(\.count)
    }

    /// `lead-in 120 ms, idle gaps 3 ms, tail 80 ms, prompts per server 16/16/16/16`.
    var summary: String {
        "lead-in \(Int(leadIn * 1000)) ms, idle gaps \(gaps.map { String(Int($0 * 1000)) }.joined(separator: "/")) ms, "
            + "tail \(Int(tail * 1000)) ms" + (counts.count > 1 ? ", prompts per server \(counts.map(String.init).joined(separator: "/"))" : "")
    }
}
