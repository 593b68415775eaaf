import ComfyWorkflow
import Foundation
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

extension EmulatorCore {
    /// Registers a new socket: `sid` is the `clientId` or a fresh 32-digit hex id. Sends the `status`
    /// greeting with `sid`, and, when this client's prompt is running, the bare `executing` of ComfyUI's
    /// reconnect path.
    func openSocket(clientID: String?, continuation: AsyncStream<OutboundFrame>.Continuation) -> Int {
        let sid: String
        if let clientID, !clientID.isEmpty { sid = clientID } else { sid = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
        let id = sockets.register(sid: sid, continuation: continuation)
        if closed {
            // The emulator is stopping: refuse the session so shutdown never waits on it.
            continuation.yield(.close)
            continuation.finish()
            sockets.unregister(id)
            return id
        }
        let now = ContinuousClock.now
        deliver(.text(statusMessage(sid: sid).serializedString(.python), at: now), to: id)
        if let current = currentNodeID, let client = currentClientID, client == sid {
            let message: JSONValue = ["type": "executing", "data": ["node": .string(current)]]
            deliver(.text(message.serializedString(.python), at: now), to: id)
        }
        return id
    }

    /// A text frame from socket `id`: only the first JSON object may negotiate feature flags.
    func received(_ text: String, from id: Int) {
        guard var entry = sockets[id], entry.negotiationOpen else { return }
        guard case .object(let message)? = try? JSONValue.parse(text) else { return }
        entry.negotiationOpen = false
        if message["type"]?.stringValue == "feature_flags", case .object(let flags)? = message["data"] {
            entry.supportsPreviewMetadata = flags["supports_preview_metadata"] == .bool(true)
            sockets[id] = entry
            deliver(.text((["type": "feature_flags", "data": featureFlags] as JSONValue).serializedString(.python), at: .now), to: id)
        } else {
            sockets[id] = entry
        }
    }

    /// Forgets socket `id` after it closed.
    func closeSocket(_ id: Int) {
        sockets[id]?.continuation.finish()
        sockets.unregister(id)
    }
}

/// Runs one `/ws` connection: a reader for the client's frames and a writer that drains the socket's
/// outbound stream (applying simulated latency), until either side closes.
enum WebSocketSession {
    /// Registers the socket for `query`'s `clientId` (called before the upgrade is answered).
    static func register(query: String, core: EmulatorCore, slot: SocketSlot) async {
        let clientID = RequestInfo.parseQuery(query)["clientId"]
        let (stream, continuation) = AsyncStream.makeStream(of: OutboundFrame.self)
        let id = await core.openSocket(clientID: clientID, continuation: continuation)
        await slot.set(id: id, stream: stream)
    }

    static func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, slot: SocketSlot, query: String,
                    core: EmulatorCore, maxFrame: Int, latency: Duration) async {
        var opened = await slot.take()
        if opened == nil {
            await register(query: query, core: core, slot: slot)
            opened = await slot.take()
        }
        guard let (id, stream) = opened else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: maxFrame) {
                        if case .text(let text) = message { await core.received(text, from: id) }
                    }
                } catch {}
            }
            group.addTask {
                for await frame in stream {
                    switch frame {
                    case .text(let text, let at):
                        if latency > .zero { try? await Task.sleep(until: at + latency) }
                        if let garbled = await core.hostileJSON(Array(text.utf8)) {
                            let frame: WebSocketOutboundWriter.OutboundFrame =
                                String(bytes: garbled, encoding: .utf8).map { .text($0) } ?? .binary(ByteBuffer(bytes: garbled))
                            do { try await outbound.write(frame) } catch { return }
                            continue
                        }
                        do { try await outbound.write(.text(text)) } catch { return }
                    case .binary(let bytes, let at):
                        if latency > .zero { try? await Task.sleep(until: at + latency) }
                        let sent = await core.hostileBinary(bytes) ?? bytes
                        do { try await outbound.write(.binary(ByteBuffer(bytes: sent))) } catch { return }
                    case .close:
                        try? await outbound.close(.goingAway, reason: nil)
                        return
                    }
                }
                if !Task.isCancelled { try? await outbound.close(.goingAway, reason: nil) }
            }
            await group.next()
            group.cancelAll()
        }
        await core.closeSocket(id)
    }
}
