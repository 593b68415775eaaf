import Foundation
import StoryCore

/// Shows a render's events: JSON lines on stdout, or for a person a progress bar with a line per
/// active panel on stderr (redrawn in place on a terminal, plain lines otherwise).
actor RenderDisplay {
    /// How events are shown.
    enum Mode: Sendable {
        /// One JSON object per event on stdout, nothing else.
        case jsonLines
        /// A progress bar and active panels on stderr, redrawn in place.
        case terminal
        /// One plain line per finished panel on stderr (stderr is not a terminal).
        case plain
    }

    let mode: Mode
    private let console: Console
    private var progress = RenderProgress()
    private var drawnLines = 0
    private var lastDraw: ContinuousClock.Instant?

    init(mode: Mode, console: Console) {
        self.mode = mode
        self.console = console
    }

    /// The progress so far.
    var state: RenderProgress { progress }

    /// Shows one event.
    func show(_ event: RenderEvent) {
        progress.apply(event)
        switch mode {
        case .jsonLines:
            console.output(event.jsonLine)
        case .plain:
            if let line = Self.permanentLine(for: event) { console.error(line) }
        case .terminal:
            if let line = Self.permanentLine(for: event) {
                clear()
                console.error(line)
                draw()
            } else if case .runFinished = event {
                clear()
            } else if lastDraw.map({ ContinuousClock.now - $0 > .milliseconds(50) }) ?? true {
                redraw()
            }
        }
    }

    /// Redraws the bar (the elapsed and remaining times move even without events).
    func redraw() {
        guard mode == .terminal, progress.summary == nil, progress.total > 0 else { return }
        clear()
        draw()
    }

    /// Prints a line for a person above the progress display.
    func note(_ line: String) {
        guard mode != .jsonLines else { console.error(line); return }
        clear()
        console.error(line)
        if mode == .terminal { draw() }
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        console.rawError("\u{1B}[\(drawnLines)F\u{1B}[J")
        drawnLines = 0
    }

    private func draw() {
        guard progress.total > 0, progress.summary == nil else { return }
        let lines = ProgressText.lines(progress, width: console.width, now: .now)
        console.rawError(lines.map { $0 + "\n" }.joined())
        drawnLines = lines.count
        lastDraw = .now
    }

    /// A line that stays on screen: a finished or failed panel, a server going down or back up.
    static func permanentLine(for event: RenderEvent) -> String? {
        switch event {
        case .completed(let panelID, let files, let notes):
            let note = notes.isEmpty ? "" : " (\(notes.map(\.text).joined(separator: "; ")))"
            return "  done    \(panelID): \(files.count) file\(files.count == 1 ? "" : "s")\(note)"
        case .kept(let panelID, _):
            return "  kept    \(panelID) (already rendered)"
        case .failed(let panelID, let failure):
            return "  FAILED  \(panelID): \(failure)"
        case .retrying(let panelID, let reason):
            return "  retry   \(panelID): \(reason)"
        case .serverDown(let server, let reason):
            return "  server  \(server) is down: \(reason)"
        case .runStarted(_, let resumed, let panels, let servers):
            return "Rendering \(panels) panel\(panels == 1 ? "" : "s") on \(servers.joined(separator: ", "))\(resumed ? " (resuming the previous run)" : "")"
        default:
            return nil
        }
    }
}
