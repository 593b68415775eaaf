import Foundation
import ProcessSupport

/// The scratch folder of one harness invocation and the way it runs emulators and clients in it.
///
/// Every run gets fresh emulator processes and a fresh project, and both are deleted afterwards:
/// the memory scenario writes gigabytes, and no run may inherit another's history or caches.
struct Workspace: Sendable {
    /// The scratch folder.
    let root: URL
    /// The baseline, or nil when Python is unavailable (its columns then say why).
    let baseline: PythonBaseline?
    /// Longest a single client run may take before it is killed.
    let clientTimeout: Duration

    /// Starts `count` emulators with `latencyMilliseconds`, runs `body` with them, and stops and
    /// deletes them afterwards, whatever happens.
    func withEmulators<T: Sendable>(_ count: Int, latencyMilliseconds: Int,
                                    _ body: ([EmulatorProcess]) async throws(BenchError) -> T) async throws(BenchError) -> T {
        let folder = root.appendingPathComponent("run-" + Self.uniqueName(), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var emulators: [EmulatorProcess] = []
        do {
            for index in 0..<count {
                emulators.append(try await EmulatorProcess.start(latencyMilliseconds: latencyMilliseconds,
                                                                 folder: folder.appendingPathComponent("emulator-\(index)")))
            }
            let result = try await body(emulators)
            for emulator in emulators { await emulator.stop() }
            return result
        } catch {
            for emulator in emulators { await emulator.stop() }
            throw error
        }
    }

    /// Writes a project of `shape` into a fresh folder, runs `client` against `servers`, and deletes
    /// the project (and its downloads) afterwards.
    /// `timeout` replaces the workspace's client timeout for this run. With `viewers`, ComfyBridge renders
    /// through its dashboard, watched by that many WebSocket viewers in this process.
    func run(_ client: ClientKind, shape: BenchProject.Shape, servers: [EmulatorProcess],
             timeout: Duration? = nil, viewers: Int = 0, dashboard: Bool = false) async throws(BenchError) -> ClientRun {
        let folder = root.appendingPathComponent("client-" + Self.uniqueName(), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try BenchProject.write(shape, to: folder.appendingPathComponent("project", isDirectory: true))
        let stdout = folder.appendingPathComponent("client.out"), stderr = folder.appendingPathComponent("client.err")
        let urls = servers.map(\.baseURL.absoluteString)
        let child: ChildProcess
        switch client {
        case .comfyBridge:
            let dashboardArguments = dashboard || viewers > 0
                ? ["--dashboard", "--dashboard-viewers", String(viewers), "--dashboard-port-file", folder.appendingPathComponent("dashboard.port").path] : []
            child = try ChildProcess.spawn(Executable.path, ["client", "--project", project.directory.path, "--workflow", project.workflow.path]
                + urls.flatMap { ["--server", $0] } + dashboardArguments, stdout: stdout, stderr: stderr)
        case .baseline:
            guard let baseline else { throw .python("the baseline is unavailable") }
            child = try ChildProcess.spawn(baseline.python, [baseline.script, "--workflow", project.workflow.path, "--panels", String(shape.panels),
                                                             "--out", folder.appendingPathComponent("baseline-out").path]
                + urls.flatMap { ["--server", $0] }, stdout: stdout, stderr: stderr)
        }
        var watching: DashboardViewers?
        if viewers > 0, client == .comfyBridge {
            do { watching = try await DashboardViewers.connect(count: viewers, portFile: folder.appendingPathComponent("dashboard.port")) } catch {
                _ = try? await child.measure(timeout: .seconds(70))
                throw error
            }
        }
        let end: ChildProcess.Termination
        do { end = try await child.measure(timeout: timeout ?? clientTimeout) } catch {
            watching?.cancel()
            throw error
        }
        if let watching { _ = await watching.finish() }
        let out = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        guard end.status == 0 else {
            let log = ((try? String(contentsOf: stderr, encoding: .utf8)) ?? "") + out
            throw .clientFailed(client: client.rawValue, status: end.status, log: String(log.suffix(600)))
        }
        let result = try ClientRun.parse(client: client, stdout: out, termination: end)
        guard result.panels == shape.panels, result.files == shape.panels else {
            throw .badClientOutput(client: client.rawValue, output: "expected \(shape.panels) panels and files, got \(result.panels) and \(result.files)")
        }
        return result
    }

    private static func uniqueName() -> String {
        String(UUID().uuidString.prefix(8)).lowercased()
    }
}
