import Foundation
import StoryCore

/// The text of the terminal progress display: one bar line, then one line per active panel.
enum ProgressText {
    /// The lines for `progress` at `now`, each cut to `width` columns; at most 8 panel lines.
    static func lines(_ progress: RenderProgress, width: Int, now: ContinuousClock.Instant) -> [String] {
        let barWidth = 24
        let fraction = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 0
        let filled = min(barWidth, Int((fraction * Double(barWidth)).rounded(.down)))
        var head = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
        head += " \(progress.done)/\(progress.total) panels  \(clock(progress.elapsed(at: now))) elapsed"
        if let left = progress.estimatedRemaining(at: now) { head += "  ~\(clock(left)) left" }
        if !progress.failures.isEmpty { head += "  \(progress.failures.count) failed" }
        var lines = [head]
        for panel in progress.active.prefix(8) {
            var line = "  \(panel.panelID)  \(shortServer(panel.server))  "
            if !panel.running {
                line += "queued" + (panel.queuePosition.map { $0 > 0 ? " (\($0) ahead)" : "" } ?? "")
            } else if panel.totalSteps > 0 {
                line += "node \(panel.node ?? "?")  step \(panel.step)/\(panel.totalSteps)"
            } else {
                line += "running" + (panel.node.map { " node \($0)" } ?? "")
            }
            lines.append(line)
        }
        if progress.active.count > 8 { lines.append("  … and \(progress.active.count - 8) more") }
        return lines.map { String($0.prefix(max(20, width - 1))) }
    }

    /// `m:ss`, or `h:mm:ss` from an hour.
    static func clock(_ duration: Duration) -> String {
        let total = Int(duration.components.seconds)
        let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// A server URL without its scheme, for narrow lines.
    static func shortServer(_ server: String) -> String {
        for prefix in ["http://", "https://"] where server.hasPrefix(prefix) { return String(server.dropFirst(prefix.count)) }
        return server
    }
}
