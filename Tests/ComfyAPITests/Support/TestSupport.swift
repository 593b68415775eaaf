@testable import ComfyAPI
import Foundation
import Logging

/// Shared settings for network tests: fast retries, timeouts no loaded machine trips, quiet logs.
///
/// Connect (TCP and WebSocket upgrade), request and read timeouts are a minute: on a busy CI machine an
/// upgrade on loopback can take seconds, and a test that is not about a timeout must not fail on one.
/// A test about a timeout sets its own short value against a server that never answers.
enum TestSupport {
    /// Quiet unless `COMFYAPI_TEST_LOG` is set, then every client log line goes to stderr (for chasing a hang).
    static let logger: Logger = {
        guard ProcessInfo.processInfo.environment["COMFYAPI_TEST_LOG"] != nil else {
            return Logger(label: "ComfyAPITests") { _ in SwiftLogNoOpLogHandler() }
        }
        var logger = Logger(label: "ComfyAPITests") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .trace
        return logger
    }()

    static func configuration(_ baseURL: URL, clientID: String = UUID().uuidString.lowercased(),
                              authentication: Authentication = .none, stall: Duration = .seconds(30),
                              attempts: Int = 3) -> ComfyClient.Configuration {
        ComfyClient.Configuration(
            baseURL: baseURL,
            clientID: clientID,
            authentication: authentication,
            connectTimeout: .seconds(60),
            requestTimeout: .seconds(60),
            readTimeout: .seconds(60),
            stallTimeout: stall,
            pingInterval: .seconds(30),
            retry: RetryPolicy(maxAttempts: attempts, initialDelay: .milliseconds(20), maxDelay: .milliseconds(100)),
            reconnect: RetryPolicy(maxAttempts: .max, initialDelay: .milliseconds(20), maxDelay: .milliseconds(200)))
    }

    /// Runs `body` with a client for `baseURL` and always shuts it down.
    static func withClient<T>(_ configuration: ComfyClient.Configuration, _ body: (ComfyClient) async throws -> T) async throws -> T {
        let client = try ComfyClient(configuration: configuration, logger: logger)
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
