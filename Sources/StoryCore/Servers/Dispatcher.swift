import ComfyAPI
import ComfyWorkflow
import Foundation
import Logging

/// Feeds panels to servers: starts a panel task whenever the pool has a server for it, puts
/// panels of a failed server back at the front of the queue, probes down servers so they can
/// rejoin, and gives up on waiting panels when every server stays down.
struct Dispatcher: Sendable {
    let context: RunContext
    let plan: RenderPlan

    /// What the dispatch loop ended with.
    struct Tally: Sendable {
        var rendered = 0
        var failed = 0
        var cancelled = false
    }

    private enum Result: Sendable {
        case panel(PanelOutcome)
        case probes([(index: Int, result: Swift.Result<ServerProbe.Found?, ComfyError>)])
    }

    /// Runs every item to completion, failure or cancellation.
    func run(_ items: [WorkItem]) async -> Tally {
        let renderer = PanelRenderer(context: context)
        let pool = context.pool
        let interval = context.options.healthCheckInterval
        return await withTaskGroup(of: Result.self) { group in
            // Shot clips wait for their key panel: released when it completes, failed when it fails.
            var queue = WorkQueue(items.filter { $0.waitsFor == nil })
            var blocked = items.filter { $0.waitsFor != nil }
            var running = 0
            var probing = false
            var tally = Tally()

            func dispatch() async {
                while let first = queue.first, let lease = await pool.acquire(preferred: first.preferredServer) {
                    let item = queue.removeFirst()
                    running += 1
                    group.addTask { .panel(await renderer.render(item, on: lease)) }
                }
            }

            func scheduleProbe() async {
                guard !probing else { return }
                let down = await pool.downIndices
                guard !down.isEmpty else { return }
                let targets = await down.asyncMap { ($0, await pool.servers[$0].client, await pool.catalog($0) == nil) }
                probing = true
                group.addTask {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { return .probes([]) }
                    var results: [(index: Int, result: Swift.Result<ServerProbe.Found?, ComfyError>)] = []
                    for (index, client, needsCatalog) in targets {
                        results.append((index, await ServerProbe.probe(client, withCatalog: needsCatalog)))
                    }
                    return .probes(results)
                }
            }

            await dispatch()
            await scheduleProbe()
            while running > 0 || (!queue.isEmpty && !Task.isCancelled) {
                guard let result = await group.next() else { break }
                switch result {
                case .panel(let outcome):
                    running -= 1
                    switch outcome {
                    case .completed(let panelID):
                        tally.rendered += 1
                        queue += Self.release(&blocked, waitingFor: panelID)
                    case .failed(let panelID, _):
                        tally.failed += 1
                        tally.failed += await failWaiting(&blocked, on: panelID)
                    case .cancelled:
                        tally.cancelled = true
                    case .requeue(let item, let reason):
                        if item.requeues > context.options.maxTransportRetries {
                            await failForGood(item.job.panelID, RenderFailure(kind: .transport, message: reason.description,
                                suggestion: "check that the ComfyUI servers are running and reachable"))
                            tally.failed += 1
                            tally.failed += await failWaiting(&blocked, on: item.job.panelID)
                        } else {
                            context.emit(.retrying(panelID: item.job.panelID, reason: reason))
                            queue.insert(item, at: 0)
                        }
                    }
                case .probes(let results):
                    probing = false
                    await rejoin(results)
                }
                if Task.isCancelled {
                    tally.cancelled = true
                    continue
                }
                await dispatch()
                await scheduleProbe()
                if running == 0, !queue.isEmpty, await giveUpWaiting() {
                    for item in queue {
                        await failForGood(item.job.panelID, RenderFailure(
                            kind: .noServer, message: "every server stayed down: \(item.lastReason ?? "unreachable")",
                            suggestion: "start a ComfyUI server and run again; completed panels are kept"))
                        tally.failed += 1
                        tally.failed += await failWaiting(&blocked, on: item.job.panelID)
                    }
                    queue.removeAll()
                }
            }
            if Task.isCancelled { tally.cancelled = true }
            group.cancelAll()
            return tally
        }
    }

    /// True when no server can take the waiting panels and none will come back in time.
    private func giveUpWaiting() async -> Bool {
        let pool = context.pool
        if await !pool.anyUsable { return true }
        guard let down = await pool.allDownDuration() else { return false }
        return down >= context.options.allServersDownTimeout
    }

    private func rejoin(_ results: [(index: Int, result: Swift.Result<ServerProbe.Found?, ComfyError>)]) async {
        let pool = context.pool
        for (index, result) in results {
            guard case .success(let found?) = result else { continue }
            let url = await pool.servers[index].url
            let known = await pool.catalog(index)
            let catalog = known ?? found.catalog
            let rules = context.options.memoryPolicy.rules(vramTotal: found.vramTotal)
            if known == nil {
                let problems = plan.problems(against: catalog, server: url, rules: rules)
                if !problems.isEmpty {
                    await pool.exclude(index, reason: problems.map(\.description).joined(separator: "; "))
                    context.emit(.serverDown(server: url, reason: "cannot run the workflow: \(problems[0])"))
                    continue
                }
            }
            if await pool.markUp(index, catalog: catalog, rules: rules) {
                context.emit(.serverUp(server: url))
            }
        }
    }

    /// Removes the items waiting for `panelID` from `blocked` and returns them, ready to run.
    private static func release(_ blocked: inout [WorkItem], waitingFor panelID: String) -> [WorkItem] {
        var ready: [WorkItem] = []
        blocked.removeAll { item in
            guard item.waitsFor == panelID else { return false }
            var next = item
            next.waitsFor = nil
            ready.append(next)
            return true
        }
        return ready
    }

    /// Fails the items waiting for `panelID` (its render failed for good); returns how many.
    private func failWaiting(_ blocked: inout [WorkItem], on panelID: String) async -> Int {
        let waiting = blocked.filter { $0.waitsFor == panelID }
        blocked.removeAll { $0.waitsFor == panelID }
        for item in waiting {
            await failForGood(item.job.panelID, RenderFailure(
                kind: .keyPanel, message: "key panel \(panelID) of \(item.job.panelID) failed, so its clip was not rendered",
                suggestion: "fix the key panel (see its error) and run again; the clip follows it"))
        }
        return waiting.count
    }

    private func failForGood(_ panelID: String, _ failure: RenderFailure) async {
        do { try await context.ledger.fail(panelID, failure: failure) } catch {
            context.logger.error("cannot record failure of \(panelID): \(error)")
        }
        await context.recorder.noteChange()
        context.emit(.failed(panelID: panelID, failure: failure))
    }
}

extension Array {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for element in self { out.append(await transform(element)) }
        return out
    }
}
