import ArgumentParser
import ComfyWorkflow
import Foundation
import StoryCore
import StoryCoreImaging

/// `comfybridge panels PROJECT_DIR`: lists every panel with shot, prompt, seed, status, version and files.
struct PanelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panels",
        abstract: "List each panel with shot, seed, status, version, files and prompt (what to check before --redo).",
        discussion: """
            Reads PROJECT_DIR and its run ledger (outputs/.comfybridge/); contacts no server and \
            changes nothing. With --json, stdout gets one JSON document (seeds as exact integers).
            """)

    @Argument(help: ArgumentHelp("The project folder (holding project.json and storyboard.json).", valueName: "project-dir"))
    var projectDirectory: String

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            let folder = URL(fileURLWithPath: projectDirectory, isDirectory: true).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.badInput("\(projectDirectory): no such project folder (expected a folder holding project.json and storyboard.json)")
            }
            let report = try await PanelReport.load(try Project.load(from: folder))
            if output.json {
                console.output(report.json.serializedString(.pretty))
            } else {
                for line in Self.lines(report) { console.output(line) }
            }
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }

    /// The quality column: the worst verdict among `files` (`ok` only when every measured file is),
    /// `-` when none was measured.
    static func qualityText(_ files: [StoredFile]) -> String {
        let verdicts = files.compactMap { $0.quality?.verdict.rawValue }
        return verdicts.first { $0 != "ok" } ?? verdicts.first ?? "-"
    }

    /// The table for a person: one line per panel, then its files and earlier versions indented.
    static func lines(_ report: PanelReport) -> [String] {
        let idWidth = max(5, report.entries.map(\.panelID.count).max() ?? 0)
        let shotWidth = max(4, report.entries.map { ($0.shotID ?? "-").count }.max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = [pad("PANEL", idWidth) + "  " + pad("SHOT", shotWidth) + "  VER  " + pad("STATUS", 12) + "  " + pad("QA", 10) + "  " + pad("SEED", 20) + "  PROMPT"]
        for (index, entry) in report.entries.enumerated() {
            var prompt = entry.prompt.replacingOccurrences(of: "\n", with: " ")
            if prompt.count > 60 { prompt = String(prompt.prefix(59)) + "…" }
            var status = entry.status
            if entry.status == "completed" && !entry.filesPresent { status += " (files missing)" }
            var line = pad(entry.panelID, idWidth) + "  " + pad(entry.shotID ?? "-", shotWidth) + "  " + pad("v\(entry.version)", 3) + "  "
                + pad(status, 12) + "  " + pad(qualityText(entry.files), 10) + "  " + pad(String(entry.seed), 20) + "  " + prompt
            if let override = entry.override, !override.isEmpty {
                line += "  [override:" + (override.prompt != nil ? " prompt" : "") + (override.seed != nil ? " seed" : "") + "]"
            }
            lines.append(line)
            for file in entry.files { lines.append(String(repeating: " ", count: idWidth + 2) + file.path) }
            if let failure = entry.failure { lines.append(String(repeating: " ", count: idWidth + 2) + "error: \(failure)") }
            for version in entry.history.reversed() {
                let files = version.files.map(\.path).joined(separator: ", ")
                let verdict = qualityText(version.files)
                lines.append(String(repeating: " ", count: idWidth + 2) + "v\(version.version) \(version.state.rawValue), seed \(version.seed)"
                             + (verdict == "-" ? "" : ", qa \(verdict)") + (files.isEmpty ? "" : ": \(files)"))
            }
            let next = report.entries.dropFirst(index + 1).first
            if let shot = entry.shotID, next?.shotID != shot { lines += clipLines(report.clips.filter { $0.panelID == shot }, indent: idWidth + 2) }
        }
        return lines
    }
}
