import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Panel selection by id or shot, and unknown ids")
struct PanelSelectionTests {
    let project: Project
    let options = RenderOptions(servers: [])

    init() throws { project = try Project.load(from: TestSupport.demoProject) }

    @Test func nothingChosenMeansEveryPanel() throws {
        #expect(try PanelSelection(project: project, options: options).panels.map(\.id) == project.panels.map(\.id))
    }

    @Test func shotsPanelsAndRedosCombineInProjectOrder() throws {
        var options = options
        options.panelSelection = ["panel_09", "shot_01"]
        options.shotSelection = ["shot_05"]
        options.redo = ["panel_03": PanelOverride(seed: 5)]
        let selection = try PanelSelection(project: project, options: options)
        #expect(selection.panels.map(\.id) == ["panel_01", "panel_02", "panel_03", "panel_07", "panel_08", "panel_09"])
        #expect(selection.redo == ["panel_03": PanelOverride(seed: 5)])
    }

    @Test func aRedoOfAShotRedoesEachOfItsPanels() throws {
        var options = options
        options.redo = ["shot_03": PanelOverride(prompt: "x")]
        let selection = try PanelSelection(project: project, options: options)
        #expect(selection.panels.map(\.id) == ["panel_04", "panel_05"])
        #expect(Set(selection.redo.keys) == ["panel_04", "panel_05"])
    }

    @Test func anUnknownPanelNamesItAndListsTheFirstValidIds() {
        var options = options
        options.panelSelection = ["panel_01", "panel_42"]
        #expect {
            _ = try PanelSelection(project: project, options: options)
        } throws: { error in
            guard case RenderError.selection(.unknownPanel(let id, let valid)) = error else { return false }
            let text = (error as? RenderError)?.description ?? ""
            return id == "panel_42" && valid.count == 9 && !text.contains("\n")
                && text == "unknown panel \"panel_42\"; valid panels: panel_01, panel_02, panel_03, panel_04, panel_05, panel_06, … (9 in all)"
        }
    }

    @Test func anUnknownShotOrRedoIdIsRefused() {
        var options = options
        options.shotSelection = ["shot_99"]
        #expect {
            _ = try PanelSelection(project: project, options: options)
        } throws: { error in
            guard case RenderError.selection(.unknownShot("shot_99", let valid)) = error else { return false }
            return valid.first == "shot_01" && (error as? RenderError)?.description.contains("shot_99") == true
        }
        options.shotSelection = []
        options.redo = ["panel_x": PanelOverride()]
        #expect {
            _ = try PanelSelection(project: project, options: options)
        } throws: { error in
            guard case RenderError.selection(.unknownPanel("panel_x", _)) = error else { return false }
            return true
        }
    }

    @Test func aBadIdFailsTheRunBeforeAnyServerIsContacted() async throws {
        let dir = try TestSupport.demoCopy()
        var options = RenderOptions(serverURLs: [URL(string: "http://127.0.0.1:1")!])
        options.redo = ["panel_77": PanelOverride()]
        let renderer = Renderer(project: try Project.load(from: dir), options: options)
        await #expect {
            _ = try await renderer.run()
        } throws: { error in
            guard case RenderError.selection(.unknownPanel("panel_77", _)) = error else { return false }
            return true
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("outputs").path), "nothing was written")
    }

    @Test func overridesRoundTripThroughTheirJSONForm() {
        let override = PanelOverride(prompt: "p", seed: UInt64.max)
        #expect(PanelOverride(json: override.json) == override)
        #expect(PanelOverride(json: ["seed": "not a number"]) == nil)
        #expect(PanelOverride(json: .object(["seed": .number(JSONNumber(1.5))])) == nil)
        #expect(PanelOverride(json: .object(JSONObject())) == nil)
        #expect(PanelOverride(json: nil) == nil)
    }
}
