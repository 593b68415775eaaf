import ComfyWorkflow
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOWebSocket
import WSClient

/// A real WebSocket client (WSClient) on the dashboard's `/api/events`, collecting every message.
///
/// With `paused`, it reads nothing from the socket until `resume()`: a browser that stalled.
actor FeedSocket {
    private var buffer: [JSONValue?] = []
    private var waiter: CheckedContinuation<JSONValue?, Never>?
    private var waiterToken = 0
    private var task: Task<Void, Never>?
    private var gate: AsyncStream<Void>.Continuation?
    private var closer: AsyncStream<Void>.Continuation?
    /// Why the connection failed, when it did.
    private(set) var failure: String?

    /// Connects to `ws://127.0.0.1:port/api/events` with `headers` (the connection proceeds in the background).
    static func connect(port: Int, headers: [(String, String)] = [], paused: Bool = false) async -> FeedSocket {
        let socket = FeedSocket()
        await socket.start(port: port, headers: headers, paused: paused)
        return socket
    }

    private func start(port: Int, headers: [(String, String)], paused: Bool) {
        var fields = HTTPFields()
        for (name, value) in headers { if let field = HTTPField.Name(name) { fields[field] = value } }
        let (gateStream, gate) = AsyncStream.makeStream(of: Void.self)
        let (closeStream, closer) = AsyncStream.makeStream(of: Void.self)
        if !paused { gate.yield(); gate.finish() }
        self.gate = gate
        self.closer = closer
        var logger = Logger(label: "FeedSocket")
        logger.logLevel = .critical
        let url = "ws://127.0.0.1:\(port)/api/events"
        let configuration = WebSocketClientConfiguration(maxFrameSize: 64 << 20, additionalHeaders: fields)
        task = Task { [logger] in
            do {
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                    var gateIterator = gateStream.makeAsyncIterator()
                    _ = await gateIterator.next()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await message in inbound.messages(maxSize: 64 << 20) {
                                if case .text(let text) = message { await self.push((try? JSONValue.parse(text)) ?? .string(text)) }
                            }
                        }
                        group.addTask {
                            for await _ in closeStream { break }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                self.fail("\(error)")
            }
            self.push(nil)
        }
    }

    private func fail(_ reason: String) { failure = reason }

    private func push(_ message: JSONValue?) {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: message)
        } else {
            buffer.append(message)
        }
    }

    private func expire(_ token: Int) {
        guard token == waiterToken, let waiter else { return }
        self.waiter = nil
        waiter.resume(returning: nil)
    }

    /// Starts reading a paused socket.
    func resume() {
        gate?.yield()
        gate?.finish()
    }

    /// The next message, or nil when the socket closed (or after `timeout`, a hang guard).
    func next(timeout: Duration = .seconds(90)) async -> JSONValue? {
        if !buffer.isEmpty { return buffer.removeFirst() }
        waiterToken += 1
        let token = waiterToken
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(token)
        }
        let message = await withCheckedContinuation { waiter = $0 }
        timer.cancel()
        return message
    }

    /// Messages up to and including the first that `stop` accepts; stops early (returning what came)
    /// when the socket closes.
    func collect(until stop: @Sendable (JSONValue) -> Bool) async -> [JSONValue] {
        var out: [JSONValue] = []
        while let message = await next() {
            out.append(message)
            if stop(message) { return out }
        }
        return out
    }

    /// Closes the socket and waits until the connection has ended.
    func close() async {
        resume()
        closer?.yield()
        closer?.finish()
        await task?.value
    }
}

extension JSONValue {
    /// The `type` of a feed message.
    var feedType: String? { self["type"]?.stringValue }
    /// The render event name of an `event` message.
    var eventName: String? { self["event"]?["event"]?.stringValue }
}
