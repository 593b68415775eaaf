import ComfyAPI
import ComfyEmulator
import ComfyTestSupport
import Foundation
import Logging
import StoryCore

/// Embedded emulators on 127.0.0.1:0 for end-to-end tests, always stopped afterwards.
enum Emulators {
    static var quietLogger: Logger { TestEmulator.quietLogger }

    /// Runs `body` with `count` started emulators, stopping them also when `body` throws.
    static func with<T: Sendable>(count: Int, configuration: EmulatorConfiguration = EmulatorConfiguration(timing: .instant),
                                  _ body: ([ComfyEmulator]) async throws -> T) async throws -> T {
        var emulators: [ComfyEmulator] = []
        do {
            for _ in 0..<count {
                emulators.append(try await TestEmulator.start(configuration))
            }
            let result = try await body(emulators)
            for emulator in emulators { await emulator.stop() }
            return result
        } catch {
            for emulator in emulators { await emulator.stop() }
            throw error
        }
    }

    /// Render options for these emulators with test-friendly timeouts: quick retries and health checks, but a
    /// connect timeout no loaded machine trips (down servers here are stopped ones, which refuse at once).
    static func options(_ emulators: [ComfyEmulator], workflow: URL, maxResponseBytes: Int = 32 << 20) async -> RenderOptions {
        var servers: [ComfyClient.Configuration] = []
        for emulator in emulators {
            servers.append(ComfyClient.Configuration(
                baseURL: await emulator.baseURL, connectTimeout: .seconds(30), stallTimeout: .seconds(20),
                retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(20), maxDelay: .milliseconds(100)),
                maxResponseBytes: maxResponseBytes))
        }
        var options = RenderOptions(servers: servers, workflow: .file(workflow))
        options.healthCheckInterval = .milliseconds(100)
        options.allServersDownTimeout = .seconds(5)
        options.previews = false
        return options
    }
}
