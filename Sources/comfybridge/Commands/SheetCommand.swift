import ArgumentParser
import ComfyWorkflow
import Foundation
import StoryCore
import StoryCoreImaging

/// `comfybridge sheet PROJECT_DIR`: one PNG with every panel's current image, for a person to look at.
struct SheetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "Draw a contact sheet: every panel's current image in storyboard order, labelled, in one PNG.",
        usage: "comfybridge sheet [<options>] <project-dir>",
        discussion: """
            Reads PROJECT_DIR and its run ledger (outputs/.comfybridge/); contacts no server. Each cell \
            is the panel's current version (the approved one after a review, else the newest completed), \
            scaled by area averaging and labelled with its panel id; a panel without an image is an empty \
            cell with its status (not rendered, pending, failed, missing, unreadable). Prints the path \
            written; a recorded image that cannot be read is named on stderr.
            """)

    @Argument(help: ArgumentHelp("The project folder (holding project.json and storyboard.json).", valueName: "project-dir"))
    var projectDirectory: String

    @Option(name: .long, help: ArgumentHelp("Where to write the PNG (default: PROJECT_DIR/outputs/contact_sheet.png).", valueName: "file.png"))
    var out: String?

    @Option(name: .long, help: "Cells per row.")
    var columns = 4

    @Option(name: .long, help: ArgumentHelp("Width of the sheet in pixels (16-16384).", valueName: "px"))
    var width = 1600

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            let folder = URL(fileURLWithPath: projectDirectory, isDirectory: true).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.badInput("\(projectDirectory): no such project folder (expected a folder holding project.json and storyboard.json)")
            }
            let project = try Project.load(from: folder)
            let sheet = try await ProjectContactSheet.load(project)
            let target = out.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? ProjectContactSheet.defaultURL(for: project)
            let image: RGBImage
            do {
                image = try sheet.write(to: target, layout: ContactSheet.Layout(columns: columns, width: width))
            } catch {
                if case .layout = error { throw CommandFailure.badInput(error.description) }
                throw CommandFailure(status: .failed, message: error.description)
            }
            for problem in sheet.problems { console.error("warning: \(problem)") }
            let empty = sheet.cells.filter { if case .empty = $0.content { return true } else { return false } }.count
            if output.json {
                let summary: JSONValue = .object([
                    "path": .string(target.path), "width": .int(image.width), "height": .int(image.height),
                    "panels": .int(sheet.cells.count), "empty": .int(empty),
                    "problems": .array(sheet.problems.map { .object(["panel_id": .string($0.panelID), "reason": .string($0.reason)]) }),
                ])
                console.output(summary.serializedString(.pretty))
            } else {
                console.output(target.path)
                console.error("contact sheet: \(sheet.cells.count) panels (\(empty) without an image), \(image.width)×\(image.height)")
            }
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }
}
