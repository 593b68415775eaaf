import Foundation
import Hummingbird
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Why an emulator could not start.
public enum EmulatorError: Error, CustomStringConvertible, Sendable {
    /// The output, input or temp folder could not be created.
    case folders(String)
    /// The server could not listen on `host:port`.
    case bind(host: String, port: Int, reason: String)
    /// The TLS certificate or key could not be loaded.
    case tls(path: String, reason: String)

    /// One line naming what failed and where.
    public var description: String {
        switch self {
        case .folders(let reason): "ComfyEmulator: cannot create its folders: \(reason)"
        case .bind(let host, let port, let reason): "ComfyEmulator: cannot listen on \(host):\(port): \(reason)"
        case .tls(let path, let reason): "ComfyEmulator: cannot load TLS file \(path): \(reason)"
        }
    }
}

/// An embedded, independent implementation of the ComfyUI 0.8 server protocol for tests, demos and
/// offline pipeline checks.
///
/// It serves the HTTP routes (also under `/api`) and the `/ws` WebSocket with the shapes, status codes
/// and message orderings of a real server, runs prompts through a simulated node catalogue with a
/// timing model, caching, simulated VRAM and deterministic PNG outputs, and can inject faults.
/// Call `start()` before use and `stop()` when done; `stop()` releases the port, sockets and the
/// temporary folders the emulator created.
public actor ComfyEmulator {
    private let configuration: EmulatorConfiguration
    private let logger: Logger
    private var core: EmulatorCore?
    private var paths: EmulatorPaths?
    private var serverTask: Task<Void, Never>?
    private var workerTask: Task<Void, Never>?
    private var serviceGroup: ServiceGroup?
    private var boundPort = 0
    private let serverNames = ServerNameLog()

    /// Creates an emulator; nothing listens until `start()`. `logger` receives the server's logs
    /// (defaults to a logger at `.warning`).
    public init(configuration: EmulatorConfiguration = .init(), logger: Logger? = nil) {
        self.configuration = configuration
        self.logger = logger ?? {
            var l = Logger(label: "ComfyEmulator")
            l.logLevel = .warning
            return l
        }()
    }

    /// Binds the listener and starts the queue worker; returns once the server accepts connections.
    /// Throws `EmulatorError` when the folders, the port or the TLS files are unusable.
    public func start() async throws {
        guard core == nil else { return }
        let paths: EmulatorPaths
        do { paths = try EmulatorPaths(configuration: configuration) } catch { throw EmulatorError.folders("\(error)") }
        let core = EmulatorCore(configuration: configuration, paths: paths, logger: logger)
        self.paths = paths
        self.core = core
        do {
            try await listen(core: core, port: configuration.port)
        } catch {
            self.core = nil
            paths.removeOwned()
            throw error
        }
        workerTask = Task { await core.runWorker() }
    }

    private func listen(core: EmulatorCore, port: Int) async throws {
        let maxFrame = configuration.maxWebSocketFrameBytes
        let latency = configuration.latency
        let wsRouter = Router(context: SocketRequestContext.self)
        for path in ["ws", "api/ws"] {
            wsRouter.ws(RouterPath(path), shouldUpgrade: { request, context in
                await WebSocketSession.register(query: request.uri.query ?? "", core: core, slot: context.slot)
                return .upgrade([:])
            }, onUpgrade: { inbound, outbound, context in
                await WebSocketSession.run(inbound: inbound, outbound: outbound, slot: context.requestContext.slot,
                                           query: context.request.uri.query ?? "", core: core, maxFrame: maxFrame, latency: latency)
            })
        }
        let wsConfig = WebSocketServerConfiguration(maxFrameSize: maxFrame, autoPing: .disabled, closeTimeout: .seconds(2))
        let names = serverNames
        let tlsConfig = try configuration.tls.map { try Self.tlsConfiguration($0, names: names) }
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: EmulatorHTTPResponder(core: core, maxBodyBytes: configuration.maxUploadBytes, latency: latency),
            server: tlsConfig == nil
                ? .http1WebSocketUpgrade(webSocketRouter: wsRouter, configuration: .init(ws: wsConfig))
                : try .tls(.http1WebSocketUpgrade(webSocketRouter: wsRouter, configuration: .init(ws: wsConfig)), tlsConfiguration: tlsConfig!),
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in
                readyContinuation.yield(channel.localAddress?.port ?? 0)
                readyContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        serviceGroup = group
        serverTask = Task {
            do { try await group.run() } catch { readyContinuation.finish() }
        }
        var iterator = ready.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            await serverTask?.value
            throw EmulatorError.bind(host: configuration.host, port: port, reason: "the server did not start listening")
        }
        boundPort = bound
    }

    /// The server's TLS settings; every handshake's SNI name (or its absence) is recorded in `names` before it goes on.
    private static func tlsConfiguration(_ tls: EmulatorTLS, names: ServerNameLog) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            do {
                let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
                var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
                configuration.sslContextCallback = { hello, promise in
                    Task {
                        await names.record(hello.serverHostname)
                        promise.succeed(.noChanges)
                    }
                }
                return configuration
            } catch {
                throw EmulatorError.tls(path: tls.privateKeyPath, reason: "\(error)")
            }
        } catch let error as EmulatorError {
            throw error
        } catch {
            throw EmulatorError.tls(path: tls.certificatePath, reason: "\(error)")
        }
    }

    /// The SNI host name of each TLS handshake so far (the latest 1024), oldest first; nil where the client sent
    /// none (as a client must for a server addressed by IP). Empty without TLS.
    public var tlsServerNames: [String?] {
        get async { await serverNames.names }
    }

    /// The port the server listens on (after `start()`; 0 before).
    public var port: Int { boundPort }

    /// `http://host:port` (or `https` with TLS) of the running server.
    public var baseURL: URL {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host  // IPv6 in brackets
        return URL(string: "\(configuration.tls == nil ? "http" : "https")://\(host):\(boundPort)")!
    }

    /// The folder output images are written to.
    public var outputDirectory: URL {
        paths?.output ?? configuration.outputDirectory ?? FileManager.default.temporaryDirectory
    }

    /// The folder uploads are stored in and LoadImage reads from.
    public var inputDirectory: URL {
        paths?.input ?? configuration.inputDirectory ?? FileManager.default.temporaryDirectory
    }

    /// Stops the worker, closes every socket and the listener, and deletes the temporary folders the
    /// emulator created. Safe to call more than once.
    public func stop() async {
        guard let core else { return }
        await core.close()
        await serviceGroup?.triggerGracefulShutdown()
        await workerTask?.value
        // A client reconnecting while the listener shuts down can keep a connection open; never let
        // that hang the caller: wait a bounded time for the graceful shutdown, then cancel the server.
        // (`Task.value` cannot be cancelled, so the race is run through a stream, not a task group.)
        if let serverTask {
            let (outcome, signal) = AsyncStream<Bool>.makeStream()
            let waiter = Task { await serverTask.value; signal.yield(true) }
            let timer = Task { try? await Task.sleep(for: .seconds(5)); signal.yield(false) }
            var iterator = outcome.makeAsyncIterator()
            let finished = await iterator.next() ?? false
            timer.cancel()
            signal.finish()
            if !finished { serverTask.cancel() }
            _ = waiter
        }
        workerTask = nil
        serverTask = nil
        serviceGroup = nil
        paths?.removeOwned()
        self.core = nil
    }

    /// Simulates a server restart on the same port: pending and running prompts vanish without any
    /// message, every WebSocket is closed, caches, loaded models, the prompt counter and temp files are
    /// reset; history is kept only when `keepHistory` is true (a real ComfyUI loses it).
    public func restart(keepHistory: Bool) async {
        await core?.restart(keepHistory: keepHistory)
    }

    /// Replaces the fault plan at run time (the fault generator restarts from the plan's seed).
    public func setFaults(_ plan: FaultPlan) async {
        await core?.setFaults(plan)
    }

    /// How many prompts the worker has run (successful, failed or interrupted; rejected ones never count).
    public var executedPromptCount: Int {
        get async { await core?.executedPrompts ?? 0 }
    }

    /// How many times a prompt with this id has been run.
    public func executionCount(promptID: String) async -> Int {
        await core?.executionCount(promptID) ?? 0
    }
}

/// The SNI names of the latest TLS handshakes (at most `limit`), in order (nil: none sent).
private actor ServerNameLog {
    private(set) var names: [String?] = []
    private let limit = 1024

    func record(_ name: String?) {
        if names.count == limit { names.removeFirst() }
        names.append(name)
    }
}
