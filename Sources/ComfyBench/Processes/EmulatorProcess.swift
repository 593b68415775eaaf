import ComfyAPI
import ComfyWorkflow
import Foundation
import Logging
import ProcessSupport

/// One emulator running as a child process of the harness (the hidden `emulator` mode of this
/// executable), with its own output folder.
struct EmulatorProcess: Sendable {
    /// The child process.
    let process: ChildProcess
    /// `http://127.0.0.1:<port>`.
    let baseURL: URL

    /// Starts an emulator with `latency` added to every reply and message, writing outputs under
    /// `folder`; returns once it listens.
    static func start(latencyMilliseconds: Int, folder: URL) async throws(BenchError) -> EmulatorProcess {
        let outputs = folder.appendingPathComponent("output", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        } catch {
            throw .file(path: outputs.path, reason: "\(error)")
        }
        let stdout = folder.appendingPathComponent("emulator.out")
        let stderr = folder.appendingPathComponent("emulator.err")
        let process = try ChildProcess.spawn(Executable.path, [
            "emulator", "--port", "0", "--latency-ms", String(latencyMilliseconds), "--output-dir", outputs.path,
        ], stdout: stdout, stderr: stderr)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: stdout, encoding: .utf8), text.hasSuffix("\n"),
               case .object(let object)? = try? JSONValue.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)),
               let port = object["port"]?.intValue, port > 0 {
                return EmulatorProcess(process: process, baseURL: URL(string: "http://127.0.0.1:\(port)")!)
            }
            if process.poll() != nil {
                let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
                throw .emulatorStart(reason: "it exited: \(log.suffix(400))")
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        await process.stop()
        throw .emulatorStart(reason: "no port reported within 20 s")
    }

    /// Stops the emulator process.
    func stop() async {
        await process.stop()
    }

    /// When each prompt in the emulator's history executed: its `execution_start` and
    /// `execution_success` message timestamps (Unix milliseconds), in start order.
    func executions() async throws(BenchError) -> [Execution] {
        let entries: [HistoryEntry]
        do {
            entries = try await ComfyClient.withClient(configuration: .init(baseURL: baseURL),
                                                       logger: Logger(label: "comfybridge-bench", factory: { _ in SwiftLogNoOpLogHandler() })) { client in
                try await client.history()
            }
        } catch {
            throw .history(server: baseURL.absoluteString, reason: "\(error)")
        }
        var executions: [Execution] = []
        for entry in entries {
            let promptID = entry.promptID
            var start: Int?
            var end: Int?
            if case .array(let messages)? = entry.raw["status"]?["messages"] {
                for message in messages {
                    guard case .array(let pair) = message, pair.count == 2, let kind = pair[0].stringValue,
                          let stamp = pair[1]["timestamp"]?.intValue else { continue }
                    if kind == "execution_start" { start = stamp }
                    if kind == "execution_success" { end = stamp }
                }
            }
            guard let start, let end else {
                throw .history(server: baseURL.absoluteString, reason: "prompt \(promptID) has no execution_start/execution_success")
            }
            executions.append(Execution(startMilliseconds: start, endMilliseconds: end))
        }
        return executions.sorted { $0.startMilliseconds < $1.startMilliseconds }
    }
}

/// One prompt's execution on a server, from the server's own message timestamps.
struct Execution: Sendable {
    /// `execution_start`, Unix milliseconds.
    var startMilliseconds: Int
    /// `execution_success`, Unix milliseconds.
    var endMilliseconds: Int
    /// The execution time in seconds.
    var seconds: Double { Double(endMilliseconds - startMilliseconds) / 1000 }
}

/// Where this executable lives, so the harness can start its hidden modes as child processes.
enum Executable {
    /// The absolute path of the running executable.
    static var path: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }
}
