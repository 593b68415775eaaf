import ComfyAPI
import ComfyWorkflow
import Foundation

/// The servers of a run and what is known about each: health, jobs in flight, measured job time,
/// node catalogue and memory rules.
///
/// Routing: a job goes to the server with the shortest expected wait, `(jobs in flight + 1) ×
/// measured seconds per job`; a server keeps at most `maxInFlight` jobs (one running, the rest
/// waiting in its queue, so it never idles between panels), or `shortJobInFlight` once its jobs
/// prove shorter than `shortJob`: the client's own work between two jobs (result, download,
/// checksum, ledger: some milliseconds) would otherwise leave such a server idle most of the time.
/// A server that fails is marked down and takes no jobs until a health probe finds it well again.
actor ServerPool {
    /// One server as the pool tracks it.
    struct Server: Sendable {
        let index: Int
        let url: String
        let client: ComfyClient
        var isUp: Bool
        var downReason: String?
        var inFlight = 0
        var secondsPerJob: Double?
        var completedJobs = 0
        var catalog: NodeCatalog?
        var rules: LowVRAMRules?
        var excluded = false
    }

    /// What a job holds while it uses a server.
    struct Lease: Sendable {
        let index: Int
        let url: String
        let client: ComfyClient
        let catalog: NodeCatalog?
        let rules: LowVRAMRules?
    }

    private(set) var servers: [Server]
    let maxInFlight: Int
    /// A measured job time below which a server is given `shortJobInFlight` jobs at once.
    static let shortJob = 0.05
    /// Jobs in flight on a server whose jobs are shorter than `shortJob` (when above `maxInFlight`).
    static let shortJobInFlight = 8
    private var allDownSince: ContinuousClock.Instant?

    init(servers: [Server], maxInFlight: Int) {
        self.servers = servers
        self.maxInFlight = max(1, maxInFlight)
        if !servers.contains(where: \.isUp) { allDownSince = .now }
    }

    /// Server URLs in configuration order.
    var urls: [String] { servers.map(\.url) }

    /// The catalogue of a server, when known.
    func catalog(_ index: Int) -> NodeCatalog? { servers[index].catalog }

    /// True when at least one server can still take jobs now or after rejoining.
    var anyUsable: Bool { servers.contains { !$0.excluded } }

    /// True when at least one server is up.
    var anyUp: Bool { servers.contains(where: \.isUp) }

    /// How long every server has been down, or nil when one is up.
    func allDownDuration() -> Duration? { allDownSince.map { ContinuousClock.now - $0 } }

    /// The server that should take the next job, or nil when the job should wait (every server is
    /// full, down, or a full server will be free sooner than a free one would finish).
    ///
    /// With `preferred`, a job whose prompt already sits in that server's queue goes back there
    /// whenever the server is up, regardless of capacity.
    func acquire(preferred: String? = nil) -> Lease? {
        if let preferred, let i = servers.firstIndex(where: { $0.url == preferred && $0.isUp }) {
            return lease(i)
        }
        let up = servers.indices.filter { servers[$0].isUp }
        guard !up.isEmpty else { return nil }
        let known = up.compactMap { servers[$0].secondsPerJob }
        let fallback = known.isEmpty ? 1.0 : known.reduce(0, +) / Double(known.count)
        func expectedWait(_ i: Int) -> Double { Double(servers[i].inFlight + 1) * (servers[i].secondsPerJob ?? fallback) }
        let ranked = up.sorted { (expectedWait($0), servers[$0].inFlight, $0) < (expectedWait($1), servers[$1].inFlight, $1) }
        guard let best = ranked.first else { return nil }
        if servers[best].inFlight < capacity(best) { return lease(best) }
        return nil
    }

    /// The jobs server `i` may hold at once: `maxInFlight`, or more when its jobs are measured short.
    func capacity(_ i: Int) -> Int {
        guard let seconds = servers[i].secondsPerJob, seconds < Self.shortJob else { return maxInFlight }
        return max(maxInFlight, Self.shortJobInFlight)
    }

    /// A lease on the server at `url` that takes no capacity (it is not a job in flight): for collecting
    /// or cancelling a prompt an earlier process left there. Nil when no server of the run has that URL.
    func borrow(url: String) -> Lease? {
        guard let i = servers.firstIndex(where: { $0.url == url }) else { return nil }
        return Lease(index: i, url: servers[i].url, client: servers[i].client, catalog: servers[i].catalog, rules: servers[i].rules)
    }

    private func lease(_ i: Int) -> Lease {
        servers[i].inFlight += 1
        return Lease(index: i, url: servers[i].url, client: servers[i].client, catalog: servers[i].catalog, rules: servers[i].rules)
    }

    /// Returns a lease; `jobSeconds` (the measured execution time of a completed job) updates the
    /// server's estimate.
    func release(_ lease: Lease, jobSeconds: Double?) {
        servers[lease.index].inFlight = max(0, servers[lease.index].inFlight - 1)
        guard let jobSeconds, jobSeconds.isFinite, jobSeconds >= 0 else { return }
        servers[lease.index].completedJobs += 1
        if let old = servers[lease.index].secondsPerJob {
            servers[lease.index].secondsPerJob = 0.5 * old + 0.5 * jobSeconds
        } else {
            servers[lease.index].secondsPerJob = jobSeconds
        }
    }

    /// Marks a server down; returns true when it was up.
    @discardableResult
    func markDown(_ index: Int, reason: String) -> Bool {
        guard servers[index].isUp else { return false }
        servers[index].isUp = false
        servers[index].downReason = reason
        if !anyUp { allDownSince = .now }
        return true
    }

    /// Marks a server up with what a probe found; returns true when it was down.
    @discardableResult
    func markUp(_ index: Int, catalog: NodeCatalog?, rules: LowVRAMRules?) -> Bool {
        guard !servers[index].excluded else { return false }
        let wasUp = servers[index].isUp
        // A server that comes back may be another process or machine behind the same address (restarted,
        // moved to another GPU): its old speed is no evidence, and a slow figure from the job it died in
        // would rank it behind a busy server for the rest of the run. Its next job measures it again.
        if !wasUp { servers[index].secondsPerJob = nil }
        servers[index].isUp = true
        servers[index].downReason = nil
        if let catalog { servers[index].catalog = catalog }
        servers[index].rules = rules
        allDownSince = nil
        return !wasUp
    }

    /// Keeps a server out of the run for good (for example its catalogue cannot run the jobs).
    func exclude(_ index: Int, reason: String) {
        servers[index].isUp = false
        servers[index].excluded = true
        servers[index].downReason = reason
        if !anyUp { allDownSince = .now }
    }

    /// Indices of servers that are down.
    var downIndices: [Int] { servers.indices.filter { !servers[$0].isUp && !servers[$0].excluded } }

    /// Jobs completed per server URL.
    var completedJobsByServer: [String: Int] {
        Dictionary(servers.map { ($0.url, $0.completedJobs) }, uniquingKeysWith: +)
    }
}
