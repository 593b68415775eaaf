import ComfyWorkflow
import Foundation
import Logging

/// The emulated ComfyUI process: queue, history, caches, sockets and counters, behind one actor.
///
/// HTTP and WebSocket handlers and the queue worker all call into it; a restart resets it in place
/// while the listener keeps its port.
actor EmulatorCore {
    let configuration: EmulatorConfiguration
    let paths: EmulatorPaths
    let logger: Logger
    var catalog: NodeCatalog
    var faults: FaultPlan
    var faultRandom: SplitMix64
    private var viewFailuresLeft = 0
    var nameRandom = SplitMix64(seed: 0x5EED)
    var inputFiles: [String] = []

    // Queue and history (ComfyUI's PromptQueue).
    var counter = 0
    var heap = PromptHeap()
    var running: QueueItem?
    var history = PromptHistory()
    var waiter: CheckedContinuation<QueueItem?, Never>?
    var closed = false

    // Execution state.
    var cache = OutputCache()
    var loadedModels: Set<String> = []
    var interruptRequested = false
    var pendingFree: (unload: Bool, free: Bool) = (false, false)
    var generation = 0
    var currentNodeID: String?
    var currentClientID: String?
    var saveCounters: [String: Int] = [:]

    // Observability for tests.
    var executedPrompts = 0
    var executionsByPromptID: [String: Int] = [:]

    // WebSockets.
    var sockets = SocketRegistry()

    init(configuration: EmulatorConfiguration, paths: EmulatorPaths, logger: Logger) {
        self.configuration = configuration
        self.paths = paths
        self.logger = logger
        self.faults = configuration.faults
        self.faultRandom = SplitMix64(seed: configuration.faults.seed)
        self.viewFailuresLeft = configuration.faults.viewFailures
        self.catalog = NodeCatalog(models: configuration.models, inputFiles: EmulatorCore.listInputFiles(paths.input))
    }

    /// `queue_remaining`: pending plus running.
    var queueRemaining: Int { heap.count + (running == nil ? 0 : 1) }

    /// The `status` message body.
    func statusMessage(sid: String? = nil) -> JSONValue {
        var data: JSONObject = ["status": ["exec_info": ["queue_remaining": .int(queueRemaining)]]]
        if let sid { data["sid"] = .string(sid) }
        return ["type": "status", "data": .object(data)]
    }

    /// Broadcasts the queue status, as ComfyUI's `queue_updated` does.
    func queueUpdated() { send(statusMessage(), to: .everyone) }

    // MARK: Sending

    /// Sends a JSON message to `audience`.
    func send(_ message: JSONValue, to audience: Audience) {
        let targets = sockets.targets(audience)
        guard !targets.isEmpty else { return }
        let text = message.serializedString(.python)
        let now = ContinuousClock.now
        for id in targets { deliver(.text(text, at: now), to: id) }
    }

    /// Sends `type`/`data` to `audience`.
    func send(_ type: String, _ data: JSONObject, to audience: Audience) {
        send(["type": .string(type), "data": .object(data)], to: audience)
    }

    /// Queues a frame for socket `id`, applying the close-after-N fault.
    func deliver(_ frame: OutboundFrame, to id: Int) {
        guard var entry = sockets[id] else { return }
        entry.continuation.yield(frame)
        entry.sent += 1
        sockets[id] = entry
        if let limit = faults.closeSocketsAfterMessages, entry.sent >= limit {
            entry.continuation.yield(.close)
            entry.continuation.finish()
            sockets.unregister(id)
        }
    }

    // MARK: Queue

    /// Adds a validated prompt to the queue and wakes the worker.
    func enqueue(_ item: QueueItem) {
        heap.push(item)
        queueUpdated()
        wakeWorker()
    }

    func wakeWorker() {
        guard let waiter, !heap.isEmpty, running == nil else { return }
        self.waiter = nil
        let item = takeNext()
        waiter.resume(returning: item)
    }

    private func takeNext() -> QueueItem? {
        guard let item = heap.pop() else { return nil }
        running = item
        queueUpdated()
        return item
    }

    /// The next prompt to run; suspends while the queue is empty. Nil once the emulator stops.
    func nextItem() async -> QueueItem? {
        if closed { return nil }
        applyPendingFree()
        if !heap.isEmpty, running == nil { return takeNext() }
        return await withCheckedContinuation { continuation in
            if let old = waiter { old.resume(returning: nil) }
            waiter = continuation
        }
    }

    /// Stops the worker loop for good.
    func close() {
        closed = true
        waiter?.resume(returning: nil)
        waiter = nil
        sockets.closeAll()
        generation += 1
    }

    func applyPendingFree() {
        if pendingFree.unload || pendingFree.free { loadedModels = [] }
        if pendingFree.free { cache.clear() }
        pendingFree = (false, false)
    }

    /// Simulates a server restart: queue, running prompt, sockets, caches, counter and temp files are
    /// lost; history survives only when `keepHistory`.
    func restart(keepHistory: Bool) {
        generation += 1
        heap.removeAll()
        running = nil
        counter = 0
        cache.clear()
        loadedModels = []
        interruptRequested = false
        currentNodeID = nil
        currentClientID = nil
        if !keepHistory { history.clear() }
        sockets.closeAll()
        paths.wipeTemp()
    }

    func setFaults(_ plan: FaultPlan) {
        faults = plan
        faultRandom = SplitMix64(seed: plan.seed)
        viewFailuresLeft = plan.viewFailures
    }

    /// True (and one fewer left) while the fault plan still fails `GET /view` requests.
    func takeViewFailure() -> Bool {
        guard viewFailuresLeft > 0 else { return false }
        viewFailuresLeft -= 1
        return true
    }

    /// Decides whether this HTTP request fails or is slowed by the fault plan.
    func drawHTTPFault() -> (fail: Bool, delay: Duration) {
        let fail = faultRandom.chance(faults.http500Rate)
        let slow = faultRandom.chance(faults.slowReplyRate)
        return (fail, slow ? faults.slowReplyDelay : .zero)
    }

    func executionCount(_ promptID: String) -> Int { executionsByPromptID[promptID] ?? 0 }

    static func listInputFiles(_ dir: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path, isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
    }

    /// Rebuilds LoadImage's file list when the input folder changed.
    func refreshInputFiles() {
        let files = EmulatorCore.listInputFiles(paths.input)
        guard files != inputFiles else { return }
        inputFiles = files
        catalog.updateInputFiles(files, models: configuration.models)
    }
}
