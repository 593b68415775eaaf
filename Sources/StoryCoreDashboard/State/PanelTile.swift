import ComfyWorkflow
import Foundation
import StoryCore

/// One storyboard tile: a panel's prompt, seed, version, status and files as the page shows them.
public struct PanelTile: Sendable, Hashable {
    /// A tile's status on the page.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Not rendered yet (or stopped before it finished).
        case pending
        /// Waiting in a server's queue.
        case queued
        /// A server is executing it.
        case running
        /// Rendered (by this run or an earlier one).
        case completed
        /// Completed by an earlier run and kept by this one.
        case kept
        /// Failed; `failure` says why.
        case failed

        /// True for completed, kept and failed.
        public var isFinished: Bool { self == .completed || self == .kept || self == .failed }
    }

    /// The files of one version.
    public struct VersionFiles: Sendable, Hashable {
        /// The version number, from 1.
        public var version: Int
        /// Its files, as the ledger records them.
        public var files: [StoredFile]
    }

    /// The panel id.
    public var panelID: String
    /// The shot id (nil for the master sheet).
    public var shotID: String?
    /// The prompt of the current version.
    public var prompt: String
    /// The seed of the current version.
    public var seed: UInt64
    /// The current version.
    public var version = 1
    /// The status.
    public var status = Status.pending
    /// Prompts ahead of it, while queued and when known.
    public var queuePosition: Int?
    /// Sampler step done, while running.
    public var step: Int?
    /// Sampler steps in total, while running.
    public var totalSteps: Int?
    /// The node reporting progress, while running.
    public var node: String?
    /// The server it runs (or last ran) on.
    public var server: String?
    /// Why it failed (`RenderFailure.json`), when it did.
    public var failure: JSONValue?
    /// The review of a version, when one was given.
    public var review: PanelReview?
    /// Notes (retries, batch splits, same images as the version before).
    public var notes: [String] = []
    /// The sequence number of its newest sampler preview, while one is held.
    public var previewSeq: Int?
    /// Every version that has files, and the current one, oldest first.
    public var versions: [VersionFiles] = []
    /// When the server started executing it (times the server's mean job).
    var startedAt: Date?

    /// A pending tile for a project panel.
    public init(panel: Panel) {
        panelID = panel.id
        shotID = panel.shotID
        prompt = panel.prompt
        seed = panel.seed
        versions = [VersionFiles(version: 1, files: [])]
    }

    /// The files of `version`, when it has any.
    public func files(version: Int) -> [StoredFile]? {
        versions.first { $0.version == version }?.files
    }

    /// Forgets queue position, step, node and start time.
    mutating func clearActivity() {
        queuePosition = nil
        step = nil
        totalSteps = nil
        node = nil
        startedAt = nil
    }

    /// Sets the files of `version`, adding the version when it is new.
    mutating func setFiles(_ files: [StoredFile], version: Int) {
        if let position = versions.firstIndex(where: { $0.version == version }) {
            versions[position].files = files
        } else {
            versions.append(VersionFiles(version: version, files: files))
            versions.sort { $0.version < $1.version }
        }
    }
}

/// One server card: health, device, memory, queue and the jobs it ran.
public struct ServerCard: Sendable, Hashable {
    /// Up or down.
    public enum State: String, Sendable, Hashable {
        /// Answering.
        case up
        /// Not answering (or not checked yet).
        case down
    }

    /// The base URL.
    public var url: String
    /// The state.
    public var state = State.down
    /// Why it is down, when it is.
    public var reason: String? = "not checked yet"
    /// The compute device, as `/system_stats` names it.
    public var device: String?
    /// Device memory in use, in bytes.
    public var vramUsed: UInt64?
    /// Device memory in total, in bytes.
    public var vramTotal: UInt64?
    /// Prompts waiting or running on it.
    public var queueLength: Int?
    /// The panel it runs now.
    public var panelID: String?
    /// Panels it completed while the dashboard watched.
    public var promptsDone = 0
    /// Seconds of those jobs, from start of execution to completion.
    var jobSeconds = 0.0
    /// Jobs timed.
    var jobsTimed = 0

    /// A card for a server not checked yet.
    public init(url: String) { self.url = url }

    /// The mean time from start of execution to completion of its jobs, when any was timed.
    public var meanJobSeconds: Double? { jobsTimed > 0 ? jobSeconds / Double(jobsTimed) : nil }

    /// Counts a completed job and frees the card's panel.
    mutating func recordJob(panelID: String, seconds: Double?) {
        promptsDone += 1
        if let seconds, seconds >= 0 {
            jobSeconds += seconds
            jobsTimed += 1
        }
        if self.panelID == panelID { self.panelID = nil }
    }
}

/// A line in the notices list: failures, memory recovery, servers lost and back, redo done.
public struct Notice: Sendable, Hashable {
    /// How serious.
    public enum Level: String, Sendable, Hashable {
        /// Something worth knowing.
        case info
        /// Recovered trouble (a retry, a recovery step).
        case warning
        /// A failure or a lost server.
        case error
    }

    /// When it happened.
    public var at: Date
    /// How serious.
    public var level: Level
    /// The panel concerned, if any.
    public var panelID: String?
    /// The server concerned, if any.
    public var server: String?
    /// One line for people.
    public var text: String

    /// Creates a notice.
    public init(at: Date, level: Level, panelID: String? = nil, server: String? = nil, text: String) {
        self.at = at
        self.level = level
        self.panelID = panelID
        self.server = server
        self.text = text
    }
}
