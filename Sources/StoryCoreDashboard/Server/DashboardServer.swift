import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import StoryCoreMetrics

/// The dashboard's HTTP and WebSocket server for one controller.
///
/// ```swift
/// let controller = try await DashboardController(projectDirectory: folder, options: options)
/// let server = try DashboardServer(configuration: .init(port: 0), controller: controller)
/// try await server.start()          // listening once this returns
/// print(await server.url)
/// ...
/// await server.shutdown()           // viewers closed, listener closed, render stopped
/// ```
public actor DashboardServer {
    /// Where it listens and who may use it.
    public nonisolated let configuration: DashboardConfiguration
    /// The controller whose project it shows.
    public nonisolated let controller: DashboardController
    /// The metrics served at `GET /metrics` (behind the same access rules as the page), when given.
    public nonisolated let metrics: RenderMetrics?
    private let logger: Logger
    private var serviceGroup: ServiceGroup?
    private var serverTask: Task<Void, Never>?
    private var boundPort = 0

    /// A server for `controller`, with `GET /metrics` when `metrics` is given; throws
    /// `DashboardError.tokenRequired` for a non-loopback host without a token.
    public init(configuration: DashboardConfiguration, controller: DashboardController, metrics: RenderMetrics? = nil,
                logger: Logger = Logger(label: "StoryCoreDashboard", factory: { _ in SwiftLogNoOpLogHandler() })) throws(DashboardError) {
        try configuration.validate()
        self.configuration = configuration
        self.controller = controller
        self.metrics = metrics
        self.logger = logger
    }

    /// Binds the listener, starts polling the servers, and returns once connections are accepted.
    public func start() async throws(DashboardError) {
        guard serviceGroup == nil else { return }
        let access = DashboardAccess(token: configuration.token)
        let router = DashboardRoutes.router(controller: controller, access: access)
        if let metrics { MetricsServer.addRoute(to: router, metrics: metrics) }
        let wsRouter = DashboardRoutes.webSocketRouter(hub: controller.hub, access: access)
        let wsConfiguration = WebSocketServerConfiguration(maxFrameSize: DashboardRoutes.maxInboundFrameBytes,
                                                           autoPing: .enabled(timePeriod: .seconds(30)), closeTimeout: .seconds(2))
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: wsRouter, configuration: .init(ws: wsConfiguration)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in
                readyContinuation.yield(channel.localAddress?.port ?? 0)
                readyContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let (failure, failureContinuation) = AsyncStream.makeStream(of: String.self)
        serverTask = Task {
            do { try await group.run() } catch { failureContinuation.yield("\(error)") }
            failureContinuation.finish()
            readyContinuation.finish()
        }
        var iterator = ready.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            await serverTask?.value
            serverTask = nil
            var reasons = failure.makeAsyncIterator()
            let reason = await reasons.next() ?? "the server did not start listening"
            throw .bind(host: configuration.host, port: configuration.port, reason: reason)
        }
        serviceGroup = group
        boundPort = bound
        await controller.startMonitoring()
    }

    /// The port it listens on (after `start()`).
    public var port: Int { boundPort }

    /// The page's address, `http://host:port/` (never with the token).
    public var url: URL {
        let host = configuration.host
        let shown = host == "0.0.0.0" || host == "::" ? (ProcessInfo.processInfo.hostName.isEmpty ? host : ProcessInfo.processInfo.hostName) : host
        let bracketed = shown.contains(":") ? "[\(shown)]" : shown
        return URL(string: "http://\(bracketed):\(boundPort)/")!
    }

    /// Ends every viewer's feed, closes the listener (waiting at most 5 s for open connections),
    /// then stops the render, if one goes, and waits for it to save the ledger.
    public func shutdown() async {
        await controller.hub.close()
        if let serviceGroup { await serviceGroup.triggerGracefulShutdown() }
        if let serverTask {
            let (outcome, signal) = AsyncStream<Bool>.makeStream()
            let waiter = Task { await serverTask.value; signal.yield(true) }
            let timer = Task { try? await Task.sleep(for: .seconds(5)); signal.yield(false) }
            var iterator = outcome.makeAsyncIterator()
            let finished = await iterator.next() ?? false
            timer.cancel()
            signal.finish()
            if !finished { serverTask.cancel() }
            await waiter.value
        }
        serverTask = nil
        serviceGroup = nil
        await controller.shutdown()
    }
}
