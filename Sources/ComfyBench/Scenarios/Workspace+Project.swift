import ComfyWorkflow
import Foundation
import ProcessSupport
import StoryCore

/// A ComfyBridge client run whose project is kept for inspection (ledger, manifest) or for a resumed run.
struct KeptClientRun: Sendable {
    /// What the run cost.
    var run: ClientRun
    /// Every field of the client's result line (`first_queued_unix_ms`, `manifest_writer_seconds`, …).
    var result: JSONObject
    /// When the harness spawned the client (Unix milliseconds).
    var spawnedUnixMilliseconds: Double

    /// Seconds from spawning the client to its first prompt queued on a server, when it queued one.
    var secondsToFirstPrompt: Double? {
        result["first_queued_unix_ms"]?.doubleValue.map { ($0 - spawnedUnixMilliseconds) / 1000 }
    }
}

extension Workspace {
    /// A fresh project folder of `shape` in the workspace (the caller deletes it).
    func makeProject(_ shape: BenchProject.Shape) throws(BenchError) -> BenchProject {
        let folder = root.appendingPathComponent("project-" + UUID().uuidString.prefix(8).lowercased(), isDirectory: true)
        return try BenchProject.write(shape, to: folder)
    }

    /// Runs ComfyBridge's client on `project` against `servers` with `arguments` added (`--resume`,
    /// `--stop-after N`), keeping the project; `expectFinished` checks that every panel completed.
    func runKeeping(_ project: BenchProject, panels: Int, servers: [URL], arguments: [String] = [], timeout: Duration,
                    expectFinished: Bool = true) async throws(BenchError) -> KeptClientRun {
        let name = "client-" + UUID().uuidString.prefix(8).lowercased()
        let stdout = root.appendingPathComponent(name + ".out"), stderr = root.appendingPathComponent(name + ".err")
        defer {
            try? FileManager.default.removeItem(at: stdout)
            try? FileManager.default.removeItem(at: stderr)
        }
        let spawned = Date().timeIntervalSince1970 * 1000
        let child = try ChildProcess.spawn(Executable.path, ["client", "--project", project.directory.path, "--workflow", project.workflow.path]
            + servers.flatMap { ["--server", $0.absoluteString] } + arguments, stdout: stdout, stderr: stderr)
        let end = try await child.measure(timeout: timeout)
        let out = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        guard end.status == 0 else {
            let log = ((try? String(contentsOf: stderr, encoding: .utf8)) ?? "") + out
            throw .clientFailed(client: ClientKind.comfyBridge.rawValue, status: end.status, log: String(log.suffix(600)))
        }
        let run = try ClientRun.parse(client: .comfyBridge, stdout: out, termination: end)
        guard let line = out.split(separator: "\n").last, case .object(let object)? = try? JSONValue.parse(String(line)) else {
            throw .badClientOutput(client: ClientKind.comfyBridge.rawValue, output: out)
        }
        if expectFinished, run.panels != panels || object["completed"]?.intValue != panels {
            throw .badClientOutput(client: ClientKind.comfyBridge.rawValue,
                                   output: "expected \(panels) panels completed, got \(object["completed"]?.intValue ?? -1) of \(run.panels)")
        }
        return KeptClientRun(run: run, result: object, spawnedUnixMilliseconds: spawned)
    }

    /// Checks from the project's ledger that every panel completed exactly once: one completed record per
    /// panel, the batch's files recorded once each, no two panels sharing a file, and every file on disk
    /// intact. Returns the number of panels that break this (0 when all is well) and a line saying which.
    static func completedExactlyOnce(_ project: BenchProject, panels: Int) async throws(BenchError) -> (violations: Int, detail: String) {
        let loaded: Project
        do { loaded = try Project.load(from: project.directory) } catch {
            throw .file(path: project.directory.path, reason: error.description)
        }
        let records: [PanelRecord]
        do { records = try await Ledger(outputsDirectory: loaded.outputsDirectory).panels() } catch {
            throw .file(path: loaded.outputsDirectory.path, reason: error.description)
        }
        let store = OutputStore(projectDirectory: loaded.directory)
        var seenPanels = Set<String>(), seenFiles = Set<String>()
        var violations = 0, notCompleted = 0, duplicated = 0, badFiles = 0
        for record in records {
            var bad = false
            if !seenPanels.insert(record.panelID).inserted { duplicated += 1; bad = true }
            if record.state != .completed { notCompleted += 1; bad = true }
            if record.files.count != record.batchSize || !record.files.allSatisfy({ seenFiles.insert($0.path).inserted && store.isIntact($0) }) {
                badFiles += 1
                bad = true
            }
            if bad { violations += 1 }
        }
        let missing = max(0, panels - seenPanels.count)
        violations += missing
        return (violations, "\(records.count) ledger records, \(notCompleted) not completed, \(duplicated) duplicated, "
            + "\(badFiles) with missing, shared or damaged files, \(missing) panels missing")
    }
}
