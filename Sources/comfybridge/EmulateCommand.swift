import ArgumentParser
import ComfyEmulator
import Foundation
import Logging
import UnixSignals

/// `comfybridge emulate`: runs the embedded ComfyUI 0.8 emulator standalone until Ctrl-C.
struct EmulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Run a ComfyUI-compatible emulator (HTTP + WebSocket) until interrupted.",
        usage: "comfybridge emulate [<options>]",
        discussion: """
            Serves the ComfyUI 0.8 protocol with simulated execution: any ComfyUI client (for example \
            scripts/python_client_check.py) can queue prompts, follow /ws events and download PNG outputs \
            from /view. Prints the base URL on stdout once listening.
            """
    )

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int = 8188

    @Option(name: .customLong("step-ms"), help: "Simulated time per sampler step, in milliseconds.")
    var stepMS: Int = 50

    @Option(name: .customLong("node-ms"), help: "Simulated time per other node, in milliseconds.")
    var nodeMS: Int = 5

    @Option(name: .customLong("load-ms"), help: "Simulated time to load a model file on first use, in milliseconds.")
    var loadMS: Int = 500

    @Option(name: .customLong("vram-gib"), help: "Simulated GPU memory, in GiB.")
    var vramGiB: Double = 24

    @Flag(help: "Send binary preview frames for sampler steps (like --preview-method latent2rgb).")
    var previews = false

    @Option(name: .customLong("output-directory"), help: "Folder for output images (default: a temporary folder).")
    var outputDirectory: String?

    @Option(name: .customLong("input-directory"), help: "Folder for uploads (default: a temporary folder).")
    var inputDirectory: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate to serve https/wss (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key to serve https/wss (needs --tls-cert).")
    var tlsKey: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard stepMS >= 0, nodeMS >= 0, loadMS >= 0 else { throw ValidationError("--step-ms, --node-ms and --load-ms must not be negative") }
        guard vramGiB > 0 else { throw ValidationError("--vram-gib must be positive, got \(vramGiB)") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key must be given together") }
    }

    func run() async throws {
        var logger = Logger(label: "comfybridge.emulate")
        logger.logLevel = .warning
        let configuration = EmulatorConfiguration(
            host: host,
            port: port,
            timing: TimingModel(modelLoad: .milliseconds(loadMS), perStep: .milliseconds(stepMS), perNode: .milliseconds(nodeMS)),
            vramBytes: UInt64(vramGiB * 1_073_741_824),
            previews: previews,
            outputDirectory: outputDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) },
            inputDirectory: inputDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) },
            tls: tlsCert.flatMap { cert in tlsKey.map { EmulatorTLS(certificatePath: cert, privateKeyPath: $0) } }
        )
        let emulator = ComfyEmulator(configuration: configuration, logger: logger)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        do {
            try await emulator.start()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        let url = await emulator.baseURL
        let output = await emulator.outputDirectory.path
        FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
        FileHandle.standardError.write(Data("ComfyUI emulator listening on \(url.absoluteString) (outputs in \(output)); Ctrl-C to stop\n".utf8))
        for await _ in signals { break }
        FileHandle.standardError.write(Data("stopping\n".utf8))
        let started = ContinuousClock.now
        await emulator.stop()
        FileHandle.standardError.write(Data("stopped after \(ContinuousClock.now - started)\n".utf8))
    }
}
