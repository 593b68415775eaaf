import ComfyWorkflow
import Foundation
import StoryCore

/// Everything the dashboard page shows, as one value: the run header, a tile per panel in
/// storyboard order, a card per server and the latest notices.
///
/// Built from the project and its ledger (`DashboardState(project:records:servers:)`), then kept
/// current by folding render events into it (`apply(_:at:)`) and ledger records of panels that
/// finished (`refresh(with:)`). A pure value: no I/O, no clock but the `at` it is given.
public struct DashboardState: Sendable {
    /// What the dashboard's render is doing.
    public enum RunState: String, Sendable, Hashable {
        /// No render is going.
        case idle
        /// A render is going.
        case rendering
        /// A stop was asked; the render is interrupting its prompts.
        case stopping
    }

    /// The project id.
    public var projectID: String
    /// The project folder (absolute path).
    public var projectPath: String
    /// The run state.
    public var runState: RunState = .idle
    /// The run id of the current (or last) render, when there was one.
    public var runID: String?
    /// When the current (or last) render started.
    public var runStartedAt: Date?
    /// When the last render finished (nil while one goes).
    public var runFinishedAt: Date?
    /// The panels, in storyboard order.
    public private(set) var tiles: [PanelTile]
    /// The servers, in the order given.
    public var servers: [ServerCard]
    /// The latest notices, oldest first, at most `maxNotices`.
    public private(set) var notices: [Notice] = []
    /// Notices ever added (including those forgotten beyond `maxNotices`).
    public private(set) var noticeCount = 0
    /// Panels of the current run that finished in this process (completed or failed): the pace of the estimate.
    public private(set) var finishedInRun = 0
    /// Panels the current run renders (planned or kept).
    public private(set) var runPanels: Set<String> = []
    /// Panels the current run redoes.
    public var redoPanels: Set<String> = []
    private var index: [String: Int]
    private var downServers: Set<String> = []

    /// The most notices kept.
    public static let maxNotices = 200

    /// A state with a pending tile per project panel and a card per server, before any ledger is read.
    public init(projectID: String, projectPath: String, panels: [Panel], servers: [String]) {
        self.projectID = projectID
        self.projectPath = projectPath
        self.tiles = panels.map(PanelTile.init(panel:))
        self.index = Dictionary(tiles.enumerated().map { ($1.panelID, $0) }, uniquingKeysWith: { a, _ in a })
        self.servers = servers.map { ServerCard(url: $0) }
    }

    /// The state of a project between renders: the project's panels overlaid with what the ledger
    /// records of each (status, version, files, failure, review).
    public init(project: Project, records: [PanelRecord], servers: [String]) {
        self.init(projectID: project.id, projectPath: project.directory.path, panels: project.panels, servers: servers)
        for record in records { refresh(with: record) }
    }

    /// The tile of a panel.
    public func tile(_ panelID: String) -> PanelTile? { index[panelID].map { tiles[$0] } }

    /// Panels by status.
    public var counts: [PanelTile.Status: Int] {
        var counts: [PanelTile.Status: Int] = [:]
        for tile in tiles { counts[tile.status, default: 0] += 1 }
        return counts
    }

    /// Panels finished one way or another (completed, kept or failed).
    public var done: Int { tiles.reduce(0) { $0 + ($1.status.isFinished ? 1 : 0) } }

    /// Seconds since the current (or last) render started; zero before any.
    public func elapsedSeconds(at now: Date) -> Double {
        guard let runStartedAt else { return 0 }
        return max(0, (runFinishedAt ?? now).timeIntervalSince(runStartedAt))
    }

    /// The estimated seconds until the current render's panels are all finished, from the pace of the
    /// panels finished in this run; nil when idle, before the first finished, or when nothing is left.
    public func etaSeconds(at now: Date) -> Double? {
        guard runState != .idle, finishedInRun > 0 else { return nil }
        let left = runPanels.reduce(0) { $0 + ((tile($1)?.status.isFinished ?? true) ? 0 : 1) }
        guard left > 0 else { return nil }
        return elapsedSeconds(at: now) / Double(finishedInRun) * Double(left)
    }

    // MARK: Changes

    /// Changes the tile of `panelID` (nothing when the project has no such panel).
    mutating func update(_ panelID: String, _ change: (inout PanelTile) -> Void) {
        guard let position = index[panelID] else { return }
        change(&tiles[position])
    }

    /// Changes the card of `server`, adding one when the server is new.
    mutating func updateServer(_ server: String, _ change: (inout ServerCard) -> Void) {
        if let position = servers.firstIndex(where: { $0.url == server }) {
            change(&servers[position])
        } else {
            var card = ServerCard(url: server)
            change(&card)
            servers.append(card)
        }
    }

    /// Appends a notice, forgetting the oldest beyond `maxNotices`.
    public mutating func note(_ notice: Notice) {
        notices.append(notice)
        noticeCount += 1
        if notices.count > Self.maxNotices { notices.removeFirst(notices.count - Self.maxNotices) }
    }

    /// Marks a render as begun (before its first event): state `rendering`, counters reset.
    public mutating func beginRun(at now: Date, redo: Set<String>) {
        runState = .rendering
        runStartedAt = now
        runFinishedAt = nil
        finishedInRun = 0
        runPanels = []
        redoPanels = redo
    }

    /// Marks the end of a render that threw before or without `.runFinished`.
    public mutating func endRun(at now: Date) {
        runState = .idle
        runFinishedAt = now
        settleActive()
        for position in servers.indices { servers[position].panelID = nil }
    }

    /// Panels still queued or running when a run ends go back to pending.
    private mutating func settleActive() {
        for position in tiles.indices where tiles[position].status == .queued || tiles[position].status == .running {
            tiles[position].status = .pending
            tiles[position].clearActivity()
        }
    }

    /// Folds one render event into the state and returns the panel it changed, if any.
    @discardableResult
    public mutating func apply(_ event: RenderEvent, at now: Date) -> String? {
        let json = event.json
        switch event {
        case .runStarted(let runID, let resumed, let panels, _):
            if runState == .idle { beginRun(at: now, redo: redoPanels) }
            self.runID = runID
            note(Notice(at: now, level: .info, text: "render \(resumed ? "resumed" : "started"): \(panels) panel\(panels == 1 ? "" : "s")"))
            return nil
        case .planned(let panelID, let seed, _):
            runPanels.insert(panelID)
            update(panelID) { tile in
                tile.status = .pending
                tile.seed = seed
                tile.failure = nil
                tile.clearActivity()
            }
            return panelID
        case .kept(let panelID, let files):
            runPanels.insert(panelID)
            update(panelID) { tile in
                tile.status = .kept
                tile.failure = nil
                tile.clearActivity()
                tile.setFiles(files, version: tile.version)
            }
            return panelID
        case .queued(let panelID, _, let server, let position):
            update(panelID) { tile in
                tile.status = .queued
                tile.queuePosition = position
                tile.server = server
                tile.step = nil
                tile.totalSteps = nil
                tile.node = nil
            }
            return panelID
        case .started(let panelID, _, let server):
            update(panelID) { tile in
                tile.status = .running
                tile.queuePosition = nil
                tile.server = server
                tile.startedAt = now
            }
            updateServer(server) { $0.panelID = panelID }
            return panelID
        case .progress(let panelID, _, let node, let step, let total):
            let wasRunning = tile(panelID)?.status == .running
            update(panelID) { tile in
                tile.status = .running
                tile.queuePosition = nil
                tile.node = node
                tile.step = step
                tile.totalSteps = total
                if tile.startedAt == nil { tile.startedAt = now }
            }
            if !wasRunning, let server = tile(panelID)?.server { updateServer(server) { $0.panelID = panelID } }
            return panelID
        case .preview:
            return nil
        case .retrying(let panelID, _):
            let reason = Self.text(json["reason"]) ?? "retrying"
            let server = json["server"]?.stringValue ?? tile(panelID)?.server
            let who = server.map { "\($0) " } ?? ""
            let text: String
            if json["code"]?.stringValue == "out_of_memory" || reason.lowercased().hasPrefix("out of memory") {
                var step = reason
                for prefix in ["out of memory; ", "out of memory: "] where step.lowercased().hasPrefix(prefix) { step = String(step.dropFirst(prefix.count)) }
                text = "\(who)ran out of memory on \(panelID): \(step), retrying"
            } else {
                text = "\(panelID) is retried: \(reason)"
            }
            note(Notice(at: now, level: .warning, panelID: panelID, server: server, text: text))
            update(panelID) { $0.notes.appendOnce(reason) }
            return panelID
        case .completed(let panelID, let files, _):
            let notes = (json["notes"]?.arrayValue ?? []).compactMap(Self.text)
            var server: String?
            var jobSeconds: Double?
            update(panelID) { tile in
                tile.status = .completed
                tile.failure = nil
                server = tile.server
                jobSeconds = tile.startedAt.map { now.timeIntervalSince($0) }
                tile.clearActivity()
                tile.setFiles(files, version: tile.version)
                for note in notes { tile.notes.appendOnce(note) }
            }
            finishedInRun += 1
            if let server { updateServer(server) { $0.recordJob(panelID: panelID, seconds: jobSeconds) } }
            if redoPanels.contains(panelID) {
                let version = tile(panelID)?.version ?? 1
                note(Notice(at: now, level: .info, panelID: panelID, server: server, text: "\(panelID) redone as version \(version)"))
            }
            return panelID
        case .failed(let panelID, let failure):
            var server: String?
            update(panelID) { tile in
                tile.status = .failed
                tile.failure = json["error"] ?? failure.json
                server = tile.server
                tile.clearActivity()
            }
            finishedInRun += 1
            if let server { updateServer(server) { card in if card.panelID == panelID { card.panelID = nil } } }
            note(Notice(at: now, level: .error, panelID: panelID, server: server, text: "\(panelID) failed: \(failure.description)"))
            return panelID
        case .serverUp(let server):
            let wasDown = downServers.remove(server) != nil
            updateServer(server) { card in
                card.state = .up
                card.reason = nil
            }
            if wasDown { note(Notice(at: now, level: .info, server: server, text: "\(server) is back")) }
            return nil
        case .serverDown(let server, let reason):
            downServers.insert(server)
            updateServer(server) { card in
                card.state = .down
                card.reason = reason
                card.panelID = nil
            }
            note(Notice(at: now, level: .error, server: server, text: "\(server) lost: \(reason)"))
            return nil
        case .runFinished(let summary):
            runID = summary.runID
            let text = summary.cancelled
                ? "render stopped: \(summary.completed) of \(summary.total) done, \(summary.pending) left (start resumes)"
                : "render finished: \(summary.completed) of \(summary.total) done, \(summary.failures.count) failed"
            note(Notice(at: now, level: summary.failures.isEmpty ? .info : .warning, text: text))
            endRun(at: now)
            return nil
        }
    }

    /// Overlays what the ledger records of a panel: status (when finished or when no run is going),
    /// version, prompt, seed, files of every version, failure, notes and review.
    public mutating func refresh(with record: PanelRecord) {
        let running = runState != .idle
        update(record.panelID) { tile in
            tile.version = record.version
            tile.prompt = record.prompt
            tile.seed = record.seed
            tile.review = record.review
            var versions = record.history.map { PanelTile.VersionFiles(version: $0.version, files: $0.files) }
            versions.append(.init(version: record.version, files: record.files))
            tile.versions = versions.filter { !$0.files.isEmpty || $0.version == record.version }
            for note in record.notes { tile.notes.appendOnce(note.text) }
            if let server = record.server, tile.server == nil { tile.server = server }
            switch record.state {
            case .completed:
                if !(running && tile.status == .kept) { tile.status = .completed }
                tile.failure = nil
                tile.clearActivity()
            case .failed:
                tile.status = .failed
                tile.failure = record.failure?.json
                tile.clearActivity()
            case .planned, .submitted:
                if !running { tile.status = .pending; tile.clearActivity() }
            }
        }
    }

    /// Sets a panel's review (nil clears it).
    public mutating func setReview(_ review: PanelReview?, panelID: String) {
        update(panelID) { $0.review = review }
    }

    /// Sets the sequence number of a panel's newest preview.
    public mutating func setPreview(seq: Int?, panelID: String) {
        update(panelID) { $0.previewSeq = seq }
    }

    /// A string from a JSON value that is either a string or an object with `text`, `description` or `message`.
    static func text(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        if let string = value.stringValue { return string }
        for key in ["text", "description", "message"] { if let string = value[key]?.stringValue { return string } }
        return nil
    }
}

extension Array where Element == String {
    /// Appends `text` unless it is already there.
    mutating func appendOnce(_ text: String) {
        if !contains(text) { append(text) }
    }
}
