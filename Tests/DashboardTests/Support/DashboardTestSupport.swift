import AsyncHTTPClient
import ComfyAPI
import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import StoryCore
@testable import StoryCoreDashboard

/// Emulators, project copies and a running dashboard for the dashboard tests, over real loopback sockets.
enum DashboardTestSupport {
    static let repositoryRoot: URL = Repository.root

    /// A copy of the demo project (9 panels) in a fresh temporary folder.
    static func demoCopy() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["project.json", "storyboard.json"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("examples/demo-project/\(name)"),
                                             to: folder.appendingPathComponent(name))
        }
        return folder
    }

    /// Render options for `url` with test-friendly timings and the repository's SDXL workflow.
    static func options(_ url: URL, previews: PreviewMethod = .none) -> RenderOptions {
        var options = RenderOptions(
            servers: [ComfyClient.Configuration(baseURL: url, connectTimeout: .seconds(2), stallTimeout: .seconds(20),
                                                retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(20), maxDelay: .milliseconds(100)))],
            workflow: .file(repositoryRoot.appendingPathComponent("workflows/storycore_sdxl.json")))
        options.healthCheckInterval = .milliseconds(100)
        options.allServersDownTimeout = .seconds(5)
        options.previewMethod = previews
        return options
    }

    static func startEmulator(_ configuration: EmulatorConfiguration = EmulatorConfiguration()) async throws -> ComfyEmulator {
        var logger = Logger(label: "emulator")
        logger.logLevel = .warning
        let emulator = ComfyEmulator(configuration: configuration, logger: logger)
        try await emulator.start()
        return emulator
    }

    /// Runs `body` with an emulator and a started dashboard of a fresh demo copy, and stops both afterwards.
    static func withDashboard<T: Sendable>(
        emulator configuration: EmulatorConfiguration = EmulatorConfiguration(),
        token: String? = nil, viewerQueueCapacity: Int = 256, previews: PreviewMethod = .none,
        prepare: (URL, URL) async throws -> Void = { _, _ in },
        _ body: (Dashboard) async throws -> T
    ) async throws -> T {
        let emulator = try await startEmulator(configuration)
        let project = try demoCopy()
        do {
            let url = await emulator.baseURL
            try await prepare(project, url)
            let controller = try await DashboardController(projectDirectory: project, options: options(url, previews: previews),
                                                           viewerQueueCapacity: viewerQueueCapacity)
            let server = try DashboardServer(configuration: DashboardConfiguration(port: 0, token: token), controller: controller)
            try await server.start()
            let dashboard = Dashboard(server: server, controller: controller, project: project, emulator: emulator,
                                      port: await server.port)
            do {
                let result = try await body(dashboard)
                await server.shutdown()
                await emulator.stop()
                return result
            } catch {
                await server.shutdown()
                throw error
            }
        } catch {
            await emulator.stop()
            throw error
        }
    }

    /// Renders the project at `project` once on `server`, to its end (a project rendered before the dashboard opens).
    static func renderOnce(_ project: URL, server: URL) async throws -> RenderSummary {
        let renderer = Renderer(project: try Project.load(from: project), options: options(server))
        async let summary = renderer.run()
        for await _ in renderer.events {}
        return try await summary
    }

    /// The project's manifest.
    static func manifest(_ project: URL) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: project.appendingPathComponent("outputs/manifest.json")))
    }
}

/// A running dashboard under test.
struct Dashboard: Sendable {
    let server: DashboardServer
    let controller: DashboardController
    let project: URL
    let emulator: ComfyEmulator
    let port: Int

    /// An HTTP client that does not follow redirects (the token link answers one).
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    var base: String { "http://127.0.0.1:\(port)" }
    var origin: String { "http://127.0.0.1:\(port)" }

    /// An HTTP request; `body` is sent as JSON unless `contentType` says otherwise.
    func request(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = "application/json",
                 headers: [(String, String)] = []) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return HTTPResult(status: Int(response.status.code), headers: response.headers.map { ($0.name.lowercased(), $0.value) },
                          body: Array(buffer: bytes))
    }

    /// `GET /api/snapshot` as JSON.
    func snapshot() async throws -> JSONValue {
        let result = try await request(.GET, "/api/snapshot")
        return try JSONValue.parse(result.body)
    }

    /// POSTs an action with a JSON body.
    func action(_ name: String, _ body: String = "{}") async throws -> HTTPResult {
        try await request(.POST, "/api/actions/\(name)", body: body)
    }

    /// A panel of a snapshot.
    static func panel(_ id: String, in snapshot: JSONValue) -> JSONValue? {
        snapshot["panels"]?.arrayValue?.first { $0["panel_id"]?.stringValue == id }
    }
}

/// What an HTTP request got back.
struct HTTPResult: Sendable {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    var json: JSONValue? { try? JSONValue.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.0 == name.lowercased() }?.1 }
}
