import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// Runs `scripts/python_client_check.py` (a client written the way ComfyUI's own example is) against
/// a live emulator.
@Suite("An unmodified Python ComfyUI client works against the emulator")
struct PythonClientTests {
    static let script = Repository.path("scripts/python_client_check.py")

    static var python: URL? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs a process to completion without blocking the test's thread; returns (status, stdout, stderr).
    static func run(_ executable: URL, _ arguments: [String]) async throws -> (Int32, String, String) {
        let finished = try await TestProcess.run(executable, arguments)
        return (finished.status, finished.stdout, finished.stderr)
    }

    static func check(stdlib: Bool) async throws {
        guard let python = python else {
            Issue.record("python3 is not on PATH: the Python client check could not run")
            return
        }
        try await Emulators.with(.init(timing: TimingModel(modelLoad: .milliseconds(20), perStep: .milliseconds(10), perNode: .milliseconds(1)))) { emulator, _ in
            let server = await emulator.baseURL.absoluteString
            var args = [script.path, "--server", server, "--width", "128", "--height", "96", "--batch", "2"]
            if stdlib { args.append("--stdlib-websocket") }
            let (status, stdout, stderr) = try await run(python, args)
            #expect(status == 0, "python client failed: \(stdout) \(stderr)")
            let summary = try JSONValue.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(summary["ok"] == true, "\(stdout)")
            #expect(summary["images"]?.arrayValue?.count == 2)
            #expect(summary["comfyui_version"] == "0.8.0")
            if !stdlib { #expect(summary["websocket"] == "websocket-client") }
        }
    }

    @Test("with the built-in standard-library WebSocket client")
    func stdlibClient() async throws {
        try await Self.check(stdlib: true)
    }

    @Test("with websocket-client, as ComfyUI's example uses (CI: pip install websocket-client)")
    func websocketClient() async throws {
        guard let python = Self.python else {
            Issue.record("python3 is not on PATH: the Python client check could not run")
            return
        }
        let (status, _, _) = try await Self.run(python, ["-c", "import websocket"])
        guard status == 0 else {
            Issue.record("The Python module websocket-client is NOT installed, so the usual ComfyUI client could not be checked. Install it with: python3 -m pip install websocket-client")
            return
        }
        try await Self.check(stdlib: false)
    }
}
