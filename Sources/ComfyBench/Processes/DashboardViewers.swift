import Foundation
import Logging
import WSClient

/// Browsers watching a client's dashboard during a scenario: WebSocket viewers of `/api/events` in the
/// harness's process (so their cost never counts as the client's), each draining every message.
final class DashboardViewers: Sendable {
    private let tasks: [Task<Int, Never>]

    private init(tasks: [Task<Int, Never>]) { self.tasks = tasks }

    /// Waits (at most a minute) for `portFile` to name the dashboard's port, then connects `count` viewers.
    static func connect(count: Int, portFile: URL) async throws(BenchError) -> DashboardViewers {
        let started = ContinuousClock.now
        var port: Int?
        while port == nil {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let value = Int(text) { port = value; break }
            guard ContinuousClock.now - started < .seconds(60) else {
                throw .file(path: portFile.path, reason: "the client's dashboard never wrote its port")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        var logger = Logger(label: "bench-viewer")
        logger.logLevel = .critical
        let url = "ws://127.0.0.1:\(port ?? 0)/api/events"
        let tasks = (0..<count).map { _ in
            Task { [logger] in
                let received = ReceivedCount()
                _ = try? await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 64 << 20), logger: logger) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 64 << 20) {
                        if case .text(let text) = message { await received.add(text.utf8.count) }
                    }
                }
                return await received.bytes
            }
        }
        return DashboardViewers(tasks: tasks)
    }

    /// Waits for every viewer to see its socket closed (the client shut its dashboard down) and returns
    /// the bytes each received.
    func finish() async -> [Int] {
        var bytes: [Int] = []
        for task in tasks { bytes.append(await task.value) }
        return bytes
    }

    /// Stops every viewer.
    func cancel() { for task in tasks { task.cancel() } }
}

/// Bytes a viewer received.
private actor ReceivedCount {
    var bytes = 0
    func add(_ count: Int) { bytes += count }
}
