import ArgumentParser
import ComfyEmulator
import Foundation
import Logging

/// Hidden mode: many emulators in one process (the `farm` scenario's 100 servers would not fit on two
/// cores as 100 processes), so the harness measures the client apart from all of them.
///
/// Prints `{"ports": [...]}` on stdout once every server listens, then one JSON line per fault it
/// injects: `{"event": "down"|"up", "server": i, "unix_ms": t}`. Faults are timed from the first
/// prompt any server finished: `--restart K` servers (the first K) are stopped at `--restart-at`
/// seconds and started again on the same port `--down` seconds later (a real restart: queue, history
/// and sockets are gone); `--kill K` more servers are stopped at `--kill-at` seconds for good. Serves
/// until killed or until its parent process goes away.
struct EmulatorFarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulators",
        abstract: "Run many benchmark emulators in one process, with scheduled faults (used by the harness).",
        shouldDisplay: false
    )

    @Option(help: "Emulators to run.")
    var count: Int

    @Option(name: .customLong("latency-ms"), help: "Added latency before every HTTP reply and WebSocket message.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("output-dir"), help: "Folder under which each emulator writes its output images.")
    var outputDirectory: String

    @Option(help: "Servers restarted mid-run (the first ones).")
    var restart = 0

    @Option(name: .customLong("restart-at"), help: "Seconds after the first finished prompt at which they stop.")
    var restartAt = 10.0

    @Option(help: "Seconds a restarted server stays down.")
    var down = 3.0

    @Option(help: "Servers stopped for good mid-run (after the restarted ones).")
    var kill = 0

    @Option(name: .customLong("kill-at"), help: "Seconds after the first finished prompt at which they stop.")
    var killAt = 15.0

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard restart >= 0, kill >= 0, restart + kill <= count else {
            throw ValidationError("--restart and --kill must be non-negative and at most --count together")
        }
    }

    func run() async throws {
        let parent = getppid()
        var logger = Logger(label: "comfybridge-bench.emulators")
        logger.logLevel = .critical
        let root = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        var emulators: [ComfyEmulator] = []
        var ports: [Int] = []
        for index in 0..<count {
            let emulator = ComfyEmulator(configuration: configuration(index: index, port: 0, root: root), logger: logger)
            try await emulator.start()
            emulators.append(emulator)
            ports.append(await emulator.port)
        }
        print("{\"ports\": [" + ports.map(String.init).joined(separator: ", ") + "]}")
        var firstFinished: ContinuousClock.Instant?
        var restarted = false, killed = false
        var comeBack: [(index: Int, at: ContinuousClock.Instant)] = []
        while getppid() == parent {
            try? await Task.sleep(for: .milliseconds(50))
            if firstFinished == nil {
                for emulator in emulators where await emulator.executedPromptCount > 0 {
                    firstFinished = .now
                    break
                }
            }
            guard let first = firstFinished else { continue }
            let elapsed = (ContinuousClock.now - first)
            if restart > 0, !restarted, elapsed >= .seconds(restartAt) {
                restarted = true
                for index in 0..<restart {
                    await stop(emulators[index], index: index)
                    comeBack.append((index, .now + .seconds(down)))
                }
            }
            if kill > 0, !killed, elapsed >= .seconds(killAt) {
                killed = true
                for index in restart..<(restart + kill) { await stop(emulators[index], index: index) }
            }
            while let due = comeBack.first, due.at <= .now {
                comeBack.removeFirst()
                let fresh = ComfyEmulator(configuration: configuration(index: due.index, port: ports[due.index], root: root), logger: logger)
                do {
                    try await fresh.start()
                    emulators[due.index] = fresh
                    print(event("up", server: due.index))
                } catch {
                    FileHandle.standardError.write(Data("server \(due.index) could not start again: \(error)\n".utf8))
                }
            }
        }
        for emulator in emulators { await emulator.stop() }
    }

    private func configuration(index: Int, port: Int, root: URL) -> EmulatorConfiguration {
        EmulatorConfiguration(host: "127.0.0.1", port: port, timing: .instant,
                              outputDirectory: root.appendingPathComponent("emulator-\(index)", isDirectory: true),
                              latency: .milliseconds(latencyMilliseconds))
    }

    private func stop(_ emulator: ComfyEmulator, index: Int) async {
        print(event("down", server: index))
        await emulator.stop()
    }

    private func event(_ kind: String, server: Int) -> String {
        "{\"event\": \"\(kind)\", \"server\": \(server), \"unix_ms\": \(Int(Date().timeIntervalSince1970 * 1000))}"
    }

    private func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
