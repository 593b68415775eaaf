import ComfyWorkflow
import Foundation
import ProcessSupport

/// Many emulators in one child process (the hidden `emulators` mode), for the `farm` scenario.
struct EmulatorFarm: Sendable {
    /// The child process hosting every server.
    let process: ChildProcess
    /// One view per server, for reading its `/history` (all share `process`: never stop them one by one).
    let servers: [EmulatorProcess]
    /// Where the host prints its ports and fault events.
    let stdout: URL

    /// What the host is asked to break, and when (seconds after the first finished prompt).
    struct Faults: Sendable, Hashable {
        /// Servers restarted (stopped, then started again on the same port).
        var restart = 0
        /// When they stop.
        var restartAt = 10.0
        /// How long they stay down.
        var down = 3.0
        /// Servers stopped for good.
        var kill = 0
        /// When they stop.
        var killAt = 15.0

        /// No fault.
        static let none = Faults()
    }

    /// A server going down or coming back, as the host logged it.
    struct Event: Sendable, Hashable {
        /// True when the server came back.
        var up: Bool
        /// The server's index.
        var server: Int
        /// When (Unix milliseconds).
        var unixMilliseconds: Double
    }

    /// Starts `count` servers with `latencyMilliseconds` and `faults` in one process under `folder`; returns once all listen.
    static func start(count: Int, latencyMilliseconds: Int, faults: Faults, folder: URL) async throws(BenchError) -> EmulatorFarm {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .file(path: folder.path, reason: "\(error)")
        }
        let stdout = folder.appendingPathComponent("emulators.out"), stderr = folder.appendingPathComponent("emulators.err")
        let process = try ChildProcess.spawn(Executable.path, [
            "emulators", "--count", String(count), "--latency-ms", String(latencyMilliseconds),
            "--output-dir", folder.appendingPathComponent("output").path,
            "--restart", String(faults.restart), "--restart-at", String(faults.restartAt), "--down", String(faults.down),
            "--kill", String(faults.kill), "--kill-at", String(faults.killAt),
        ], stdout: stdout, stderr: stderr)
        let deadline = ContinuousClock.now + .seconds(30 + count / 2)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: stdout, encoding: .utf8), let line = text.split(separator: "\n").first,
               text.contains("\n"), case .object(let object)? = try? JSONValue.parse(String(line)),
               case .array(let ports)? = object["ports"], ports.count == count {
                let servers = ports.compactMap(\.intValue).map {
                    EmulatorProcess(process: process, baseURL: URL(string: "http://127.0.0.1:\($0)")!)
                }
                return EmulatorFarm(process: process, servers: servers, stdout: stdout)
            }
            if process.poll() != nil {
                let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
                throw .emulatorStart(reason: "the emulator host exited: \(log.suffix(400))")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        await process.stop()
        throw .emulatorStart(reason: "the emulator host reported no ports within \(30 + count / 2) s")
    }

    /// Stops the host and every server in it.
    func stop() async {
        await process.stop()
    }

    /// The fault events the host logged so far, in order.
    func events() -> [Event] {
        let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().compactMap { line in
            guard case .object(let object)? = try? JSONValue.parse(String(line)), let kind = object["event"]?.stringValue,
                  let server = object["server"]?.intValue, let stamp = object["unix_ms"]?.doubleValue else { return nil }
            return Event(up: kind == "up", server: server, unixMilliseconds: stamp)
        }
    }

    /// Server-seconds of capacity between `start` and `end` (Unix ms): `servers` × the span, less the time
    /// each server was down according to `events` (a server down and never back is down until `end`).
    static func liveServerSeconds(servers: Int, events: [Event], start: Double, end: Double) -> Double {
        guard end > start else { return 0 }
        var total = Double(servers) * (end - start)
        var downSince: [Int: Double] = [:]
        for event in events.sorted(by: { $0.unixMilliseconds < $1.unixMilliseconds }) {
            if event.up {
                if let since = downSince.removeValue(forKey: event.server) {
                    total -= max(0, min(end, event.unixMilliseconds) - max(start, since))
                }
            } else if downSince[event.server] == nil {
                downSince[event.server] = event.unixMilliseconds
            }
        }
        for since in downSince.values { total -= max(0, end - max(start, since)) }
        return total / 1000
    }
}
