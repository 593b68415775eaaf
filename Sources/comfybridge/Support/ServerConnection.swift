import ComfyAPI
import Foundation

/// Runs a short operation against one server with a client that is always shut down afterwards.
enum ServerConnection {
    /// Creates a client for `configuration`, runs `body` with it and shuts it down.
    static func with<T: Sendable>(_ configuration: ComfyClient.Configuration,
                                  _ body: (ComfyClient) async throws -> T) async throws -> T {
        let client = try ComfyClient(configuration: configuration)
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
