import Foundation
import ProcessSupport

/// The baseline client, `benchmarks/baseline/sequential_client.py`, and the Python 3 that runs it.
///
/// `prepare` finds `python3`, checks that `requests` and `websocket-client` import, installs them
/// with pip when they do not (saying so on standard error), and explains what is missing when it
/// cannot: the harness never fails silently for want of Python.
struct PythonBaseline: Sendable {
    /// The Python 3 interpreter.
    let python: String
    /// The baseline script.
    let script: String

    /// Finds the interpreter and the script, installing the script's modules if needed.
    static func prepare(python name: String, script: String?, log: (String) -> Void) async throws(BenchError) -> PythonBaseline {
        guard let python = Self.which(name) else {
            throw .python("\(name) was not found on PATH; install Python 3 (e.g. apt-get install python3 python3-pip) to measure the baseline")
        }
        let scriptPath = try locateScript(script)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("comfybridge-bench-python-\(getpid())")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        func run(_ arguments: [String]) async throws(BenchError) -> (status: Int32, log: String) {
            let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
            let child = try ChildProcess.spawn(python, arguments, stdout: out, stderr: err)
            let end = try await child.measure(timeout: .seconds(300))
            let text = ((try? String(contentsOf: out, encoding: .utf8)) ?? "") + ((try? String(contentsOf: err, encoding: .utf8)) ?? "")
            return (end.status, text)
        }
        let check = ["-c", "import requests, websocket"]
        if try await run(check).status != 0 {
            log("baseline: Python modules requests and websocket-client are missing; installing them with pip")
            let install = try await run(["-m", "pip", "install", "--quiet", "--user", "requests", "websocket-client"])
            if install.status != 0 {
                let retry = try await run(["-m", "pip", "install", "--quiet", "--break-system-packages", "--user", "requests", "websocket-client"])
                guard retry.status == 0 else {
                    throw .python("pip could not install requests and websocket-client: \(install.log.suffix(300))")
                }
            }
            guard try await run(check).status == 0 else {
                throw .python("requests and websocket-client still do not import after pip install")
            }
        }
        return PythonBaseline(python: python, script: scriptPath)
    }

    /// The script: the given path, or `benchmarks/baseline/sequential_client.py` in the current folder
    /// or in the package this executable was built in.
    private static func locateScript(_ given: String?) throws(BenchError) -> String {
        let relative = "benchmarks/baseline/sequential_client.py"
        var candidates: [String] = []
        if let given { candidates.append(given) } else {
            candidates.append(FileManager.default.currentDirectoryPath + "/" + relative)
            var folder = URL(fileURLWithPath: Executable.path).deletingLastPathComponent()
            for _ in 0..<5 {
                folder = folder.deletingLastPathComponent()
                candidates.append(folder.appendingPathComponent(relative).path)
            }
        }
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw .file(path: candidates.first ?? relative, reason: "the baseline client script was not found (pass --baseline PATH)")
        }
        return found
    }

    private static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
