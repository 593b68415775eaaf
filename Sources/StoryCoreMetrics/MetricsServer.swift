import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// An HTTP server answering `GET /metrics` with a `RenderMetrics` exposition (and 404 elsewhere).
///
/// ```swift
/// let server = MetricsServer(address: MetricsAddress(port: 0), metrics: metrics)
/// try await server.start()            // listening once this returns
/// print(await server.port)
/// await server.shutdown()
/// ```
public actor MetricsServer {
    /// Where it listens (port 0 until bound: read `port`).
    public nonisolated let address: MetricsAddress
    /// What it serves.
    public nonisolated let metrics: RenderMetrics
    private let logger: Logger
    private var serviceGroup: ServiceGroup?
    private var serverTask: Task<Void, Never>?
    private var boundPort = 0

    /// The media type of the Prometheus text format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A server for `metrics` at `address`; nothing listens until `start()`.
    public init(address: MetricsAddress, metrics: RenderMetrics,
                logger: Logger = Logger(label: "StoryCoreMetrics", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.address = address
        self.metrics = metrics
        self.logger = logger
    }

    /// Adds `GET /metrics` for `metrics` to a router (the dashboard's server uses this too).
    public static func addRoute<Context: RequestContext>(to router: Router<Context>, metrics: RenderMetrics) {
        router.get("/metrics") { _, _ in
            let bytes = await metrics.exposition()
            var headers = HTTPFields()
            headers[.contentType] = contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// Binds the listener and returns once connections are accepted; throws `MetricsError.bind` when it cannot.
    public func start() async throws(MetricsError) {
        guard serviceGroup == nil else { return }
        let router = Router(context: BasicRequestContext.self)
        Self.addRoute(to: router, metrics: metrics)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil, reuseAddress: true),
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
            throw .bind(address: address.description, reason: await reasons.next() ?? "the server did not start listening")
        }
        serviceGroup = group
        boundPort = bound
    }

    /// The port it listens on (after `start()`).
    public var port: Int { boundPort }

    /// The scrape address, `http://host:port/metrics`.
    public var url: String {
        "http://\(MetricsAddress(host: address.host, port: boundPort))/metrics"
    }

    /// Closes the listener, waiting at most 5 s for open connections (a scraper's keep-alive) to end.
    public func shutdown() async {
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
    }
}
