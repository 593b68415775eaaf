import ArgumentParser
import ComfyEmulator
import Foundation
import Logging

/// Hidden mode: one emulator in its own process, so the harness measures clients, not servers.
///
/// Prints one JSON line `{"port": N}` on stdout once it listens, then serves until it is killed or
/// its parent process goes away (the harness never leaves servers behind, even when it crashes).
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run one benchmark emulator (used by the harness).",
        shouldDisplay: false
    )

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(name: .customLong("latency-ms"), help: "Added latency before every HTTP reply and WebSocket message.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("node-ms"), help: "Simulated time of every node other than samplers.")
    var nodeMilliseconds = 0

    @Option(name: .customLong("output-dir"), help: "Folder the emulator writes output images to.")
    var outputDirectory: String

    func run() async throws {
        let parent = getppid()
        let configuration = EmulatorConfiguration(
            host: "127.0.0.1", port: port,
            timing: TimingModel(modelLoad: .zero, perStep: .zero, perNode: .milliseconds(nodeMilliseconds)),
            outputDirectory: URL(fileURLWithPath: outputDirectory, isDirectory: true),
            latency: .milliseconds(latencyMilliseconds))
        var logger = Logger(label: "comfybridge-bench.emulator")
        logger.logLevel = .error
        let emulator = ComfyEmulator(configuration: configuration, logger: logger)
        try await emulator.start()
        let line = "{\"port\": \(await emulator.port)}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        while getppid() == parent {
            try? await Task.sleep(for: .milliseconds(250))
        }
        await emulator.stop()
    }
}
