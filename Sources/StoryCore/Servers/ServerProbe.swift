import ComfyAPI
import ComfyWorkflow

/// Health check of one server: `/system_stats` answers, the WebSocket connects (its device
/// memory decides the memory policy) and `/object_info` gives the node catalogue.
enum ServerProbe {
    /// What a successful probe found.
    struct Found: Sendable {
        let vramTotal: UInt64?
        let catalog: NodeCatalog
    }

    /// Probes one server; `withCatalog: false` skips `/object_info` (for a server rejoining with a known catalogue).
    static func probe(_ client: ComfyClient, withCatalog: Bool = true) async -> Result<Found?, ComfyError> {
        do {
            let stats = try await client.systemStats()
            try await client.connect()
            let vram = stats.devices.first?.vramTotal
            guard withCatalog else { return .success(Found(vramTotal: vram, catalog: NodeCatalog())) }
            let info = try await client.objectInfo()
            do {
                return .success(Found(vramTotal: vram, catalog: try NodeCatalog(objectInfo: info)))
            } catch {
                return .failure(.malformedReply(route: "GET /object_info", field: "(catalog)", reason: error.description))
            }
        } catch {
            return .failure(error)
        }
    }

    /// Probes every server concurrently, results in the order of `clients`.
    static func probeAll(_ clients: [ComfyClient]) async -> [Result<Found, ComfyError>] {
        await withTaskGroup(of: (Int, Result<Found?, ComfyError>).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask { (index, await probe(client)) }
            }
            var results = [Result<Found, ComfyError>](repeating: .failure(.shutDown), count: clients.count)
            for await (index, result) in group {
                results[index] = result.flatMap { found in found.map { .success($0) } ?? .failure(.shutDown) }
            }
            return results
        }
    }
}
