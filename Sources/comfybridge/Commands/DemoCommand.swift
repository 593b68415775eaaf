import ArgumentParser
import ComfyEmulator
import Foundation
import StoryCore

/// `comfybridge demo`: renders the bundled demo project on an embedded emulator, offline.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Render the bundled 9-panel demo project on an embedded ComfyUI emulator.",
        usage: "comfybridge demo [<options>]",
        discussion: """
            Starts the emulator on a free loopback port, copies the demo project to --out, renders it \
            through the same client stack a real server gets, and prints where the images, the manifest \
            and the updated project are. Running it again resumes (nothing is rendered twice); add \
            --fresh to render everything again.
            """)

    @Option(help: ArgumentHelp("Folder to copy the demo project into.", valueName: "dir"))
    var out = "./comfybridge-demo"

    @Option(help: ArgumentHelp("Render only the first N panels (1–9).", valueName: "n"))
    var panels: Int?

    @Option(name: .customLong("step-ms"), help: ArgumentHelp("Simulated milliseconds per sampler step.", valueName: "ms"))
    var stepMilliseconds = 20

    @Flag(help: "Render every panel again instead of resuming.")
    var fresh = false

    @OptionGroup var output: OutputOptions

    /// The closing "Next:" hint: the command that renders the demo project on a real ComfyUI, on one
    /// line when it fits `width`, else with the note on its own line and the command continued with
    /// ` \\` at word boundaries (so it still pastes into a shell); only a single word longer than the
    /// width (a long folder path) can overrun it.
    static func nextLines(directory: String, width: Int) -> [String] {
        let label = "Next:     ", note = "(on a real ComfyUI)"
        let words = ["comfybridge", "render", directory, "--fresh", "--server", "http://127.0.0.1:8188"]
        let single = label + words.joined(separator: " ") + "   " + note
        guard single.count > width else { return [single] }
        let indent = String(repeating: " ", count: label.count)
        var lines = [label + note]
        var line = indent + words[0]
        for (index, word) in words.enumerated().dropFirst() {
            let continuation = index == words.count - 1 ? 0 : 2
            if line.count + 1 + word.count + continuation <= width {
                line += " " + word
            } else {
                lines.append(line + " \\")
                line = indent + "  " + word
            }
        }
        lines.append(line)
        return lines
    }

    func validate() throws {
        if let panels, !(1...9).contains(panels) { throw ValidationError("--panels must be between 1 and 9") }
        guard stepMilliseconds >= 0 else { throw ValidationError("--step-ms must not be negative") }
    }

    func run() async throws {
        let console = Console()
        let emulator = ComfyEmulator(configuration: EmulatorConfiguration(
            timing: TimingModel(modelLoad: .milliseconds(stepMilliseconds * 10), perStep: .milliseconds(stepMilliseconds),
                                perNode: .milliseconds(max(1, stepMilliseconds / 4)))))
        do {
            let directory = URL(fileURLWithPath: out, isDirectory: true).standardizedFileURL
            try DemoProjectFiles.write(to: directory)
            let project = try Project.load(from: directory)
            try await emulator.start()
            let mode = RenderSession.mode(json: output.json, console: console)
            let url = await emulator.baseURL
            console.error("Demo project: \(directory.path)")
            console.error("Emulator:     \(url.absoluteString) (embedded ComfyUI 0.8-compatible server)")
            var options = RenderOptions(serverURLs: [url], workflow: .graph(try WorkflowChoice.bundled()))
            options.fresh = fresh
            options.previews = false
            if let panels { options.panelSelection = Set(project.panels.prefix(panels).map(\.id)) }
            let summary = try await RenderSession(project: project, options: options, mode: mode, verbose: output.verbose).run()
            await emulator.stop()
            var lines = RenderSession.summaryLines(summary, project: project, resume: "comfybridge demo --out \(directory.path)")
            lines.append("Workflow: \(directory.appendingPathComponent(DemoProjectFiles.workflowFileName).path)")
            if summary.succeeded { lines += Self.nextLines(directory: directory.path, width: console.width) }
            for line in lines {
                if mode == .jsonLines { console.error(line) } else { console.output(line) }
            }
            throw RenderSession.status(of: summary).exitCode
        } catch let code as ExitCode {
            throw code
        } catch {
            await emulator.stop()
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
