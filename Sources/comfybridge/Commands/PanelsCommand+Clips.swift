import StoryCore

extension PanelsCommand {
    /// The lines of a shot's clip, under the shot's last panel: version, status, frames, frame rate
    /// and key panel, then its files, error and earlier versions, indented.
    static func clipLines(_ clips: [PanelReport.Entry], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for clip in clips {
            var status = clip.status
            if clip.status == "completed" && !clip.filesPresent { status += " (files missing)" }
            var line = pad + "clip \(clip.panelID) v\(clip.version) \(status)"
            if let info = clip.clip {
                let rate = info.frameRate == info.frameRate.rounded() ? String(Int(info.frameRate)) : String(info.frameRate)
                line += ", \(info.frames) frames at \(rate) fps from \(info.keyPanelID)"
            }
            lines.append(line)
            for file in clip.files { lines.append(pad + "  " + file.path) }
            if let failure = clip.failure { lines.append(pad + "  error: \(failure)") }
            for version in clip.history.reversed() {
                let files = version.files.map(\.path).joined(separator: ", ")
                lines.append(pad + "  v\(version.version) \(version.state.rawValue)" + (files.isEmpty ? "" : ": \(files)"))
            }
        }
        return lines
    }
}
