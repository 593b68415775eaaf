import ComfyWorkflow
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import WSClient

/// A frame the test socket received.
enum TestFrame: Sendable {
    case json(JSONValue)
    case binary([UInt8])
    case closed

    var json: JSONValue? { if case .json(let v) = self { return v }; return nil }
    var type: String? { json?["type"]?.stringValue }
    var data: JSONValue? { json?["data"] }
}

/// A real WebSocket client (WSClient) connected to an emulator, collecting every frame.
actor TestSocket {
    private var buffer: [TestFrame] = []
    private var waiter: CheckedContinuation<TestFrame, Never>?
    private var waiterToken = 0
    private var commands: AsyncStream<String?>.Continuation?
    private var task: Task<Void, Never>?
    /// Every frame handed out so far, in order.
    private(set) var received: [TestFrame] = []

    /// Connects to `ws://127.0.0.1:port/ws` with `clientId` (omitted when nil); `firstFrame` is sent first.
    init(port: Int, clientID: String?, path: String = "/ws", firstFrame: String? = nil) async {
        let query = clientID.map { "?clientId=\($0)" } ?? ""
        start(url: "ws://127.0.0.1:\(port)\(path)\(query)", firstFrame: firstFrame)
    }

    private func start(url: String, firstFrame: String?) {
        let (commandStream, commandsOut) = AsyncStream.makeStream(of: String?.self)
        commands = commandsOut
        var logger = Logger(label: "TestSocket")
        logger.logLevel = .warning
        task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 64 << 20), logger: logger) { inbound, outbound, _ in
                    if let firstFrame { try await outbound.write(.text(firstFrame)) }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await message in inbound.messages(maxSize: 64 << 20) {
                                switch message {
                                case .text(let text): await self.push(.json((try? JSONValue.parse(text)) ?? .string(text)))
                                case .binary(let buffer): await self.push(.binary(Array(buffer: buffer)))
                                }
                            }
                        }
                        group.addTask {
                            for await command in commandStream {
                                if let command { try await outbound.write(.text(command)) } else {
                                    try await outbound.close(.normalClosure, reason: nil)
                                    return
                                }
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {}
            self.push(.closed)
        }
    }

    private func push(_ frame: TestFrame) {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: frame)
        } else {
            buffer.append(frame)
        }
    }

    private func expire(_ token: Int) {
        guard token == waiterToken, let waiter else { return }
        self.waiter = nil
        waiter.resume(returning: .closed)
    }

    /// The next frame, or `.closed` after `timeout` without one (so a broken test fails instead of hanging).
    ///
    /// The default is a hang guard, generous enough for a loaded machine; only a test checking that no frame
    /// comes passes a short one (a late frame there can only hide a fault, never invent one).
    func next(timeout: Duration = .seconds(60)) async -> TestFrame {
        let frame: TestFrame
        if !buffer.isEmpty {
            frame = buffer.removeFirst()
        } else {
            waiterToken += 1
            let token = waiterToken
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire(token)
            }
            frame = await withCheckedContinuation { waiter = $0 }
            timer.cancel()
        }
        received.append(frame)
        return frame
    }

    /// Frames up to and including the first one `stop` accepts (or `.closed`).
    func collect(until stop: @Sendable (TestFrame) -> Bool) async -> [TestFrame] {
        var out: [TestFrame] = []
        while true {
            let frame = await next()
            out.append(frame)
            if case .closed = frame { return out }
            if stop(frame) { return out }
        }
    }

    /// Frames up to and including `executing` with `node: null` for `promptID`.
    func collectRun(_ promptID: String) async -> [TestFrame] {
        await collect { $0.type == "executing" && $0.data?["node"] == .null && $0.data?["prompt_id"]?.stringValue == promptID }
    }

    /// Sends a text frame.
    func send(_ text: String) { commands?.yield(text) }

    /// Closes the socket and waits until the connection has ended.
    func close() async {
        commands?.yield(nil)
        commands?.finish()
        await task?.value
    }
}
