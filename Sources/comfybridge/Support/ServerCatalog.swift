import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation

/// Where `validate` and `run` get the node catalogue: a server's `/object_info`, or the embedded
/// emulator's when no server was named.
enum ServerCatalog {
    /// The catalogue of `configuration`'s server.
    static func fetch(_ configuration: ComfyClient.Configuration) async throws -> NodeCatalog {
        try await ComfyClient.withClient(configuration: configuration) { client in try await fetch(from: client) }
    }

    /// The catalogue of the server `client` talks to.
    static func fetch(from client: ComfyClient) async throws -> NodeCatalog {
        let info = try await client.objectInfo()
        return try NodeCatalog(objectInfo: info)
    }

    /// The catalogue of the embedded emulator (started on a loopback port for the request, then stopped).
    static func emulator() async throws -> NodeCatalog {
        let emulator = ComfyEmulator()
        try await emulator.start()
        do {
            let catalog = try await fetch(ComfyClient.Configuration(baseURL: await emulator.baseURL))
            await emulator.stop()
            return catalog
        } catch {
            await emulator.stop()
            throw error
        }
    }
}
