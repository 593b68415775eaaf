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
    ///
    /// The socket and the catalogue are requested while `/system_stats` is in flight (each is a round trip,
    /// and a run's first prompt waits for all of them). When the stats fail, the other two are cancelled
    /// rather than awaited: a server that is down must fail its probe at once, not after the socket's
    /// reconnect back-off.
    static func probe(_ client: ComfyClient, withCatalog: Bool = true) async -> Result<Found?, ComfyError> {
        async let socket = capture { () async throws(ComfyError) -> Void in try await client.connect() }
        async let info = capture { () async throws(ComfyError) -> JSONValue? in
            // Not `nil`: JSONValue is ExpressibleByNilLiteral, so a bare nil would be JSON null, not "no catalogue".
            guard withCatalog else { return Optional<JSONValue>.none }
            return try await client.objectInfo()
        }
        do {
            let vram = try await client.systemStats().devices.first?.vramTotal
            try await socket.get()
            guard let objectInfo = try await info.get() else { return .success(Found(vramTotal: vram, catalog: NodeCatalog())) }
            do {
                return .success(Found(vramTotal: vram, catalog: try NodeCatalog(objectInfo: objectInfo)))
            } catch {
                return .failure(.malformedReply(route: "GET /object_info", field: "(catalog)", reason: error.description))
            }
        } catch {
            return .failure(error)
        }
    }

    private static func capture<T: Sendable>(_ body: () async throws(ComfyError) -> T) async -> Result<T, ComfyError> {
        do { return .success(try await body()) } catch { return .failure(error) }
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
