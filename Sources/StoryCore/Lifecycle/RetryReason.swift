import StoryCoreImaging

/// Why a panel is tried again, as `RenderEvent.retrying` reports it.
public enum RetryReason: Sendable, Hashable, CustomStringConvertible {
    /// The server ran out of memory; the ladder took `step` (free memory, split the batch, tiled decoding).
    case outOfMemory(step: OutOfMemoryStep, server: String)
    /// The server lost the prompt (a restart); it is submitted again.
    case promptLost(server: String)
    /// The server failed (`reason`); the panel goes back to the queue for any server.
    case serverFailed(server: String, reason: String)
    /// The prompt rendered but its images did not download yet; they are fetched again from the same server.
    case downloadPending(server: String, reason: String)
    /// The quality gate failed the image (`verdict`) on `server`: the panel renders again as `version` with `seed`.
    case quality(verdict: QualityVerdict, version: Int, seed: UInt64, server: String)

    /// The stable code (`out_of_memory`, `prompt_lost`, `server_failed`, `download_pending`, `quality_redo`).
    public var code: String {
        switch self {
        case .outOfMemory: "out_of_memory"
        case .promptLost: "prompt_lost"
        case .serverFailed: "server_failed"
        case .downloadPending: "download_pending"
        case .quality: "quality_redo"
        }
    }

    /// The server concerned.
    public var server: String {
        switch self {
        case .outOfMemory(_, let server), .promptLost(let server), .serverFailed(let server, _), .downloadPending(let server, _),
             .quality(_, _, _, let server): server
        }
    }

    /// One line for people.
    public var description: String {
        switch self {
        case .outOfMemory(.freeMemory, _): "out of memory; freed server memory"
        case .outOfMemory(.splitBatch, _): "out of memory; splitting the batch"
        case .outOfMemory(.tiledDecode, _): "out of memory; decoding in tiles"
        case .outOfMemory(.giveUp, _): "out of memory; nothing left to try"
        case .promptLost: "the server lost the prompt"
        case .serverFailed(_, let reason): "server failed: \(reason)"
        case .downloadPending(_, let reason): "server failed: \(reason)"
        case .quality(let verdict, let version, let seed, _): "quality gate: image \(verdict.rawValue); rendering version \(version) with seed \(seed)"
        }
    }
}

/// One rung of the out-of-memory recovery ladder.
public enum OutOfMemoryStep: String, Sendable, Hashable {
    /// `POST /free` on the server, then retry unchanged.
    case freeMemory = "free_memory"
    /// Send every remaining image as its own prompt (image k with seed + k).
    case splitBatch = "split_batch"
    /// Replace `VAEDecode` with `VAEDecodeTiled`.
    case tiledDecode = "tiled_decode"
    /// Nothing left to try.
    case giveUp = "give_up"
}
