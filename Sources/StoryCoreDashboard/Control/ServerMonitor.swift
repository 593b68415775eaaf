import ComfyAPI
import Foundation
import Logging

/// Polls each server's `/system_stats` and queue length for the server cards: at most every
/// `interval` (2 s), and only while a viewer is connected or a render goes.
actor ServerMonitor {
    private let logger: Logger
    private let interval: Duration
    private var tasks: [Task<Void, Never>] = []
    private let clients: [ComfyClient]
    /// The servers as the renderer names them in its events (`ComfyClient.server`), in the order given.
    nonisolated let names: [String]

    /// A monitor of `servers` (one quick attempt per poll, the next poll being the retry).
    init(servers: [ComfyClient.Configuration], logger: Logger, interval: Duration = .seconds(2)) {
        var clients: [ComfyClient] = []
        var names: [String] = []
        for configuration in servers {
            var configuration = configuration
            configuration.retry = .never
            configuration.connectTimeout = min(configuration.connectTimeout, .seconds(2))
            configuration.requestTimeout = min(configuration.requestTimeout, .seconds(5))
            if let client = try? ComfyClient(configuration: configuration, logger: logger) {
                clients.append(client)
                names.append(client.server)
            } else {
                names.append(configuration.baseURL.absoluteString)
            }
        }
        self.clients = clients
        self.names = names
        self.logger = logger
        self.interval = interval
    }

    /// Starts one polling loop per server, updating the cards in `hub`; `rendering` says whether a render goes.
    func start(hub: DashboardHub, rendering: @escaping @Sendable () async -> Bool) {
        guard tasks.isEmpty else { return }
        for client in clients {
            let interval = interval
            let url = client.server
            tasks.append(Task {
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    var wanted = await hub.viewerCount > 0
                    if !wanted { wanted = await rendering() }
                    if wanted {
                        let card = await Self.poll(client)
                        await hub.change { state in
                            state.updateServer(url) { existing in
                                existing.state = card.state
                                existing.reason = card.reason
                                if card.state == .up {
                                    existing.device = card.device ?? existing.device
                                    existing.vramUsed = card.vramUsed
                                    existing.vramTotal = card.vramTotal
                                    existing.queueLength = card.queueLength
                                }
                            }
                        }
                    }
                    try? await Task.sleep(until: started + interval, clock: .continuous)
                }
            })
        }
    }

    /// Stops polling and shuts the clients down.
    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        tasks.removeAll()
        for client in clients { await client.shutdown() }
    }

    /// One poll: `/system_stats` for device and memory, `/prompt` for the queue length.
    static func poll(_ client: ComfyClient) async -> ServerCard {
        var card = ServerCard(url: client.server)
        do {
            let stats = try await client.systemStats()
            card.state = .up
            card.reason = nil
            if let device = stats.devices.first {
                card.device = device.name
                card.vramTotal = device.vramTotal
                if let total = device.vramTotal, let free = device.vramFree { card.vramUsed = total >= free ? total - free : 0 }
            }
            card.queueLength = try? await client.queueRemaining()
        } catch {
            card.state = .down
            card.reason = error.description
        }
        return card
    }
}
