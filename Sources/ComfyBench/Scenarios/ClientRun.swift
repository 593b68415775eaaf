import ComfyWorkflow
import Foundation
import ProcessSupport

/// Which client a run measures.
enum ClientKind: String, Sendable {
    /// ComfyBridge: the StoryCore renderer in a child process (this executable's `client` mode).
    case comfyBridge = "ComfyBridge"
    /// The sequential Python baseline.
    case baseline = "baseline"
}

/// What one client run cost, as measured for that child process alone.
struct ClientRun: Sendable {
    /// The client.
    var client: ClientKind
    /// Panels rendered.
    var panels: Int
    /// The client's own wall time from before its first request to its last file on disk (makespan).
    var seconds: Double
    /// Wall time of the whole process, start-up and shutdown included.
    var processSeconds: Double
    /// User plus system CPU seconds of the client process (wait4).
    var cpuSeconds: Double
    /// Peak resident memory of the client process in KiB (wait4).
    var maxRSSKiB: Int
    /// Files downloaded.
    var files: Int
    /// Bytes downloaded.
    var bytes: Int64
    /// When the client's clock started and stopped (Unix milliseconds), for lining its run up with
    /// the servers' execution timestamps; nil when the client does not say.
    var startedUnixMilliseconds: Double?
    var finishedUnixMilliseconds: Double?

    /// Peak resident memory in MiB.
    var maxRSSMiB: Double { Double(maxRSSKiB) / 1024 }

    /// Reads the result object a client prints on its last standard-output line.
    static func parse(client: ClientKind, stdout: String, termination: ChildProcess.Termination) throws(BenchError) -> ClientRun {
        guard let line = stdout.split(separator: "\n").last,
              case .object(let object)? = try? JSONValue.parse(String(line)),
              let panels = object["panels"]?.intValue, let seconds = object["seconds"]?.doubleValue,
              let files = object["files"]?.intValue, let bytes = object["bytes"]?.intValue
        else {
            throw .badClientOutput(client: client.rawValue, output: stdout)
        }
        return ClientRun(client: client, panels: panels, seconds: seconds, processSeconds: termination.wallSeconds,
                         cpuSeconds: termination.cpuSeconds, maxRSSKiB: termination.maxRSSKiB, files: files, bytes: Int64(bytes),
                         startedUnixMilliseconds: object["started_unix_ms"]?.doubleValue,
                         finishedUnixMilliseconds: object["finished_unix_ms"]?.doubleValue)
    }
}
