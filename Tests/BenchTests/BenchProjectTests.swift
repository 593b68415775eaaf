import ComfyWorkflow
import Foundation
import ProcessSupport
import StoryCore
import Testing
@testable import ComfyBench

/// The generated benchmark projects are real StoryCore projects with the panels and workflow asked for.
@Suite struct GeneratedProjectLoads {
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func projectHasOnePanelPerShotAtTheRequestedSize() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shape = BenchProject.Shape(panels: 12, width: 832, height: 832, steps: 3, stepMilliseconds: 7)
        let generated = try BenchProject.write(shape, to: folder.appendingPathComponent("p"))
        let project = try Project.load(from: generated.directory)
        #expect(project.panels.count == 12)
        #expect(project.panels.first?.id == "panel_0001")
        #expect(project.panels.last?.id == "panel_0012")
        #expect(Set(project.panels.map(\.id)).count == 12)
    }

    @Test func workflowIsAProbeGraphAtTheRunsSizeAndTiming() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shape = BenchProject.Shape(panels: 1, width: 1024, height: 1024, steps: 20, stepMilliseconds: 20)
        let generated = try BenchProject.write(shape, to: folder)
        let graph = try JSONValue.parse(String(decoding: try Data(contentsOf: generated.workflow), as: UTF8.self))
        #expect(graph["1"]?["class_type"]?.stringValue == "ProbeImage")
        #expect(graph["1"]?["inputs"]?["width"]?.intValue == 1024)
        #expect(graph["1"]?["inputs"]?["steps"]?.intValue == 20)
        #expect(graph["1"]?["inputs"]?["step_ms"]?.intValue == 20)
        #expect(graph["2"]?["class_type"]?.stringValue == "SaveImage")
        _ = try Workflow(contentsOf: generated.workflow)
    }
}

/// Medians, ranges and target checks are computed the way the report claims.
@Suite struct FiguresJudgeTargets {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Spread(samples: [3, 1, 2]).median == 2)
        #expect(Spread(samples: [4, 1, 3, 2]).median == 2.5)
        #expect(Spread(samples: [5, 1, 9]).min == 1)
        #expect(Spread(samples: [5, 1, 9]).max == 9)
        #expect(Spread(samples: []).median.isNaN)
    }

    @Test func formattingKeepsTheRequestedDecimals() {
        #expect(Spread.format(1.0149, 3) == "1.015")
        #expect(Spread.format(3.8, 2) == "3.80")
        #expect(Spread.format(.nan, 2) == "n/a")
        #expect(Spread(samples: [1.5, 1.25, 2]).formatted(2) == "1.50 [1.25–2.00]")
    }

    @Test func targetsAreJudgedOnComfyBridgesMedian() {
        func figure(_ values: [Double], baseline: [Double]?, _ target: Figure.Target) -> Figure {
            Figure(scenario: "s", name: "n", comfyBridge: Spread(samples: values), baseline: baseline.map(Spread.init),
                   target: target, digits: 2, note: nil)
        }
        #expect(figure([1.01, 1.5, 1.0], baseline: nil, .atMost(1.02)).passed == true)
        #expect(figure([1.03, 1.5, 1.0], baseline: nil, .atMost(1.02)).passed == false)
        #expect(figure([3.9], baseline: nil, .atLeast(3.8)).passed == true)
        #expect(figure([100], baseline: [10], .timesBaseline(10)).passed == true)
        #expect(figure([99], baseline: [10], .timesBaseline(10)).passed == false)
        #expect(figure([99], baseline: nil, .timesBaseline(10)).passed == false)
        #expect(figure([1], baseline: nil, .none).passed == nil)
    }
}

/// A client's result line is required, complete and numeric; anything else is an error, never a zero.
@Suite struct ClientResultParsing {
    private let end = ChildProcess.Termination(status: 0, cpuSeconds: 1.5, maxRSSKiB: 20480, wallSeconds: 2)

    @Test func readsTheLastLine() throws {
        let out = "noise\n{\"panels\": 4, \"seconds\": 1.25, \"files\": 4, \"bytes\": 1000, \"cpu_seconds\": 9}\n"
        let run = try ClientRun.parse(client: .baseline, stdout: out, termination: end)
        #expect(run.panels == 4)
        #expect(run.seconds == 1.25)
        #expect(run.cpuSeconds == 1.5)
        #expect(run.maxRSSMiB == 20)
        #expect(run.bytes == 1000)
    }

    @Test(arguments: ["", "not json", "{\"panels\": 4}", "{\"panels\": \"4\", \"seconds\": 1, \"files\": 4, \"bytes\": 1}", "[1,2]"])
    func rejectsMalformedOutput(_ out: String) {
        #expect(throws: BenchError.self) { try ClientRun.parse(client: .comfyBridge, stdout: out, termination: end) }
    }
}
