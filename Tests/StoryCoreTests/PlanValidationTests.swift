import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Problems are found before anything is submitted")
struct PlanValidationTests {
    @Test func anUnknownCheckpointFailsTheRunUpFrontNamingPanelAndNode() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var template = try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow)
            var loader = try #require(template["4"])
            loader[input: "ckpt_name"] = .literal("no_such_model.safetensors")
            template["4"] = loader
            let options = EmulatorSupport.options([await emulator.baseURL], workflow: .graph(template))
            let renderer = Renderer(project: try Project.load(from: dir), options: options)
            let error = await #expect(throws: RenderError.self) { try await EmulatorSupport.render(renderer) }
            guard case .invalidPlan(let problems)? = error else { Issue.record("expected invalidPlan, got \(String(describing: error))"); return }
            #expect(problems.count == 9)
            #expect(Set(problems.map(\.panelID)).count == 9)
            #expect(problems.allSatisfy { $0.nodeID == "4" && $0.classType == "CheckpointLoaderSimple" })
            let text = try #require(error).description
            #expect(text.contains("panel panel_01") && text.contains("node 4 (CheckpointLoaderSimple)") && text.contains("no_such_model.safetensors"))
            #expect(await emulator.executedPromptCount == 0)
            let (history, queue) = try await EmulatorSupport.withClient(await emulator.baseURL) { (try await $0.history(), try await $0.queue()) }
            #expect(history.isEmpty && queue.pending.isEmpty && queue.running.isEmpty)
        }
    }

    @Test func aResolutionOffTheLatentStepNamesPanelNodeAndStep() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var doc = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            doc = doc.setting(["config", "target_resolution"], to: "1920x1081")
            try Data(doc.serialized(.pretty)).write(to: dir.appendingPathComponent("project.json"))
            let renderer = Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options([await emulator.baseURL]))
            let error = await #expect(throws: RenderError.self) { try await EmulatorSupport.render(renderer) }
            guard case .invalidPlan(let problems)? = error else { Issue.record("\(String(describing: error))"); return }
            let first = try #require(problems.first)
            #expect(first.panelID == "panel_01" && first.nodeID == "5" && first.classType == "EmptyLatentImage")
            #expect(first.message.contains("height 1081") && first.message.contains("multiple of 8"))
            #expect(await emulator.executedPromptCount == 0)
        }
    }

    @Test func noReachableServerIsATypedError() async throws {
        let dir = try TestSupport.demoCopy()
        let port = try await EmulatorSupport.withEmulator { await $0.port }
        let renderer = Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options([URL(string: "http://127.0.0.1:\(port)")!]))
        let error = await #expect(throws: RenderError.self) { try await EmulatorSupport.render(renderer) }
        guard case .noServerAvailable(let reasons)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reasons.count == 1)
    }

    @Test func anUnknownPanelSelectionIsRefused() throws {
        let project = try Project.load(from: TestSupport.demoProject)
        var options = EmulatorSupport.options([URL(string: "http://127.0.0.1:1")!])
        options.panelSelection = ["panel_01", "panel_42"]
        let template = try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow)
        #expect {
            _ = try RenderPlan(project: project, template: template, options: options)
        } throws: { error in
            guard case RenderError.unknownPanels(let ids) = error else { return false }
            return ids == ["panel_42"]
        }
    }

    @Test func jobsCarryThePanelsValuesIntoTheGraph() throws {
        let project = try Project.load(from: TestSupport.demoProject)
        let template = try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow)
        let plan = try RenderPlan(project: project, template: template, options: EmulatorSupport.options([]))
        #expect(plan.jobs.count == 9)
        let job = plan.jobs[0]
        let graph = try job.graph(.init(firstImage: 2, imageCount: 1), catalog: nil)
        #expect(graph["3"]?.inputStorage["seed"]?.uint64Value == job.seed + 2)
        #expect(graph["3"]?.inputStorage["steps"] == 12 && graph["3"]?.inputStorage["cfg"]?.doubleValue == 7.0)
        #expect(graph["6"]?.inputStorage["text"]?.stringValue == job.panel.prompt)
        #expect(graph["7"]?.inputStorage["text"] == "blurry, text, watermark")
        #expect(graph["5"]?.inputStorage["width"] == 512 && graph["5"]?.inputStorage["height"] == 288)
        #expect(graph["5"]?.inputStorage["batch_size"] == 1)
        let tiled = try job.graph(.init(firstImage: 0, imageCount: 1, tiledDecode: true), catalog: nil)
        #expect(tiled["8"]?.classType == "VAEDecodeTiled" && tiled["8"]?.inputStorage["tile_size"] == 512)
        #expect(plan.jobs.map(\.fingerprint) == (try RenderPlan(project: project, template: template, options: EmulatorSupport.options([]))).jobs.map(\.fingerprint))
        #expect(Set(plan.jobs.map(\.fingerprint)).count == 9)
        #expect(PromptIdentity.promptID(runID: "r", panelID: "panel_01", attempt: 1, part: 0) == PromptIdentity.promptID(runID: "r", panelID: "panel_01", attempt: 1, part: 0))
        #expect(PromptIdentity.promptID(runID: "r", panelID: "panel_01", attempt: 1, part: 0) != PromptIdentity.promptID(runID: "r", panelID: "panel_01", attempt: 2, part: 0))
    }
}

@Suite("The bundled default workflow")
struct BundledWorkflowTests {
    @Test func theBundledCopyIsIdenticalToTheRepositoryFile() throws {
        let file = try String(contentsOf: EmulatorSupport.sdxlWorkflow, encoding: .utf8)
        #expect(BundledWorkflow.storycoreSDXLText + "\n" == file)
        #expect(try BundledWorkflow.storycoreSDXL() == Workflow(contentsOf: EmulatorSupport.sdxlWorkflow))
    }

    @Test func theDefaultOptionsRenderWithTheBundledWorkflow() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL], workflow: .bundled)
            options.panelSelection = ["panel_05"]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded && summary.rendered == 1)
        }
    }
}
