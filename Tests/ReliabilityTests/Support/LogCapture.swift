import Foundation
import Logging
import Synchronization

/// Collects every log line (message and metadata) a logger emits, to prove secrets never reach logs.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Everything logged so far, one line per entry.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A handler that records into this capture.
    func handler() -> Handler { Handler(capture: self) }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(all) \(event.error.map { "\($0)" } ?? "")")
        }
    }
}
