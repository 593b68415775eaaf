import ArgumentParser
import Foundation

/// Hidden mode: writes a benchmark project and its workflow, so a single client run can be
/// reproduced or profiled by hand (see BENCHMARKS.md, "Profiling").
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Write a generated benchmark project (for profiling one client run).",
        shouldDisplay: false
    )

    @Option(help: "Panels in the project.")
    var panels: Int

    @Option(help: "Image width (multiple of 8).")
    var width = 64

    @Option(help: "Image height (multiple of 8).")
    var height = 64

    @Option(help: "Simulated sampler steps per panel.")
    var steps = 1

    @Option(name: .customLong("step-ms"), help: "Milliseconds per step.")
    var stepMilliseconds = 0

    @Option(help: "The folder to write (created).")
    var out: String

    func validate() throws {
        guard panels >= 1 else { throw ValidationError("--panels must be at least 1") }
        guard width >= 64, height >= 64, width % 8 == 0, height % 8 == 0 else {
            throw ValidationError("--width and --height must be multiples of 8, at least 64")
        }
    }

    func run() async throws {
        let shape = BenchProject.Shape(panels: panels, width: width, height: height, steps: steps, stepMilliseconds: stepMilliseconds)
        let project = try BenchProject.write(shape, to: URL(fileURLWithPath: out, isDirectory: true))
        print("project: \(project.directory.path)\nworkflow: \(project.workflow.path)")
    }
}
