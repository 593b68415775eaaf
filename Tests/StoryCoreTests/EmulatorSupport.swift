import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Logging
import Testing
@testable import StoryCore

/// Helpers for end-to-end tests against embedded emulators over loopback.
enum EmulatorSupport {
    static var sdxlWorkflow: URL { TestSupport.repositoryRoot.appendingPathComponent("workflows/storycore_sdxl.json") }

    static func start(_ configuration: EmulatorConfiguration = EmulatorConfiguration()) async throws -> ComfyEmulator {
        var logger = Logger(label: "emulator")
        logger.logLevel = .warning
        let emulator = ComfyEmulator(configuration: configuration, logger: logger)
        try await emulator.start()
        return emulator
    }

    /// Runs `body` with started emulators and stops them afterwards, also when `body` throws.
    static func withEmulators<T: Sendable>(_ configurations: [EmulatorConfiguration],
                                           _ body: ([ComfyEmulator]) async throws -> T) async throws -> T {
        var emulators: [ComfyEmulator] = []
        do {
            for configuration in configurations { emulators.append(try await start(configuration)) }
            let result = try await body(emulators)
            for emulator in emulators { await emulator.stop() }
            return result
        } catch {
            for emulator in emulators { await emulator.stop() }
            throw error
        }
    }

    /// Runs `body` with one started emulator and stops it afterwards.
    static func withEmulator<T: Sendable>(_ configuration: EmulatorConfiguration = EmulatorConfiguration(),
                                          _ body: (ComfyEmulator) async throws -> T) async throws -> T {
        try await withEmulators([configuration]) { try await body($0[0]) }
    }

    /// Options for the given servers with test-friendly timings: quick retries and health checks, but a connect
    /// timeout no loaded machine trips (down servers here are stopped emulators or refusing ports, refused at once).
    static func options(_ urls: [URL], workflow: RenderOptions.WorkflowSource? = nil) -> RenderOptions {
        var options = RenderOptions(
            servers: urls.map { ComfyClient.Configuration(baseURL: $0, connectTimeout: .seconds(30), stallTimeout: .seconds(20),
                                                          retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(20), maxDelay: .milliseconds(100))) },
            workflow: workflow ?? .file(sdxlWorkflow))
        options.healthCheckInterval = .milliseconds(100)
        options.allServersDownTimeout = .seconds(5)
        options.previews = false
        return options
    }

    /// Runs a renderer to its end, collecting its events.
    static func render(_ renderer: Renderer) async throws -> (RenderSummary, [RenderEvent]) {
        async let summary = renderer.run()
        var events: [RenderEvent] = []
        for await event in renderer.events { events.append(event) }
        return (try await summary, events)
    }

    /// The manifest of a project.
    static func manifest(_ project: URL) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: project.appendingPathComponent("outputs/manifest.json")))
    }

    /// The panel id a history entry rendered, from its SaveImage `filename_prefix` (`storycore/<panel>`).
    static func panelID(of entry: HistoryEntry) -> String? {
        guard let graph = entry.raw["prompt"]?[2]?.objectValue else { return nil }
        for (_, node) in graph {
            if let prefix = node["inputs"]?["filename_prefix"]?.stringValue, prefix.hasPrefix("storycore/") {
                return String(prefix.dropFirst("storycore/".count))
            }
        }
        return nil
    }

    /// Runs `body` with a client of `url` and shuts the client down afterwards, also when `body` throws.
    static func withClient<T: Sendable>(_ url: URL, clientID: String? = nil, _ body: (ComfyClient) async throws -> T) async throws -> T {
        let configuration = clientID.map { ComfyClient.Configuration(baseURL: url, clientID: $0) } ?? ComfyClient.Configuration(baseURL: url)
        let client = try ComfyClient(configuration: configuration)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Successful executions per panel, read from the emulator's history.
    static func successfulRenders(on emulator: ComfyEmulator) async throws -> [String: Int] {
        let entries = try await withClient(await emulator.baseURL) { try await $0.history() }
        var counts: [String: Int] = [:]
        for entry in entries where entry.outcome == .success {
            if let panel = panelID(of: entry) { counts[panel, default: 0] += 1 }
        }
        return counts
    }

    /// Checks every manifest file against the disk: present, same size, same SHA-256.
    static func verifyFiles(in project: URL, manifest: JSONValue) throws -> Int {
        var count = 0
        for panel in manifest["panels"]?.arrayValue ?? [] {
            for file in panel["files"]?.arrayValue ?? [] {
                let path = try #require(file["path"]?.stringValue)
                let url = project.appendingPathComponent(path)
                let data = try Data(contentsOf: url)
                #expect(Int64(data.count) == file["bytes"]?.numberValue?.int64, "\(path) size")
                #expect(try OutputStore.sha256(of: url) == file["sha256"]?.stringValue, "\(path) checksum")
                #expect(path.hasPrefix("outputs/\(panel["panel_id"]?.stringValue ?? "?")/"))
                count += 1
            }
        }
        return count
    }
}
