import ComfyEmulator
import Foundation
import Logging

/// A server a test starts and must stop: the embedded emulator, or a test's own hostile server.
public protocol StoppableServer: Sendable {
    /// Stops serving and releases the socket; returns once it has.
    func stop() async
}

extension ComfyEmulator: StoppableServer {}

/// Runs `body` with `server` and always awaits `server.stop()` before returning, whether `body` returns
/// or throws: no test leaves a server running behind it (unlike `defer { Task { await stop() } }`, which
/// only schedules the stop).
public func withServer<Server: StoppableServer, Result>(
    _ server: Server, isolation: isolated (any Actor)? = #isolation,
    _ body: (Server) async throws -> Result
) async throws -> Result {
    let value: Result
    do {
        value = try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
    return value
}

/// Starts an emulator with `configuration` on 127.0.0.1 (port 0 unless the configuration names one),
/// runs `body` with it and always awaits its stop, whether `body` returns or throws.
public func withEmulator<Result>(
    _ configuration: EmulatorConfiguration = EmulatorConfiguration(timing: .instant), logger: Logger = TestEmulator.quietLogger,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ComfyEmulator) async throws -> Result
) async throws -> Result {
    try await withServer(try await TestEmulator.start(configuration, logger: logger), body)
}

/// Emulators for tests.
public enum TestEmulator {
    /// A logger for emulators under test: warnings and errors only.
    public static var quietLogger: Logger {
        var logger = Logger(label: "test-emulator")
        logger.logLevel = .warning
        return logger
    }

    /// A started emulator; the caller stops it (prefer ``withEmulator(_:logger:isolation:_:)``, which always does).
    public static func start(_ configuration: EmulatorConfiguration = EmulatorConfiguration(timing: .instant),
                             logger: Logger = quietLogger) async throws -> ComfyEmulator {
        let emulator = ComfyEmulator(configuration: configuration, logger: logger)
        try await emulator.start()
        return emulator
    }
}
