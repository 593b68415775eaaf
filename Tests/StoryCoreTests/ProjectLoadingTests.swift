import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Project loading follows the StoryCore contract")
struct ProjectLoadingTests {
    @Test func demoProjectLoadsNinePanelsMappedToShots() throws {
        let project = try Project.load(from: TestSupport.demoProject)
        #expect(project.id == "demo-lighthouse-keeper")
        #expect(project.panels.count == 9)
        #expect(project.panels.map(\.id) == (1...9).map { String(format: "panel_%02d", $0) })
        #expect(project.panels.map(\.shotID) == ["shot_01", "shot_01", "shot_02", "shot_03", "shot_03", "shot_04", "shot_05", "shot_05", "shot_06"])
        #expect(project.config.targetResolution == Resolution(width: 512, height: 288))
        #expect(project.panels.allSatisfy { $0.resolution == Resolution(width: 512, height: 288) })
    }

    @Test func promptsComeFromAugmentedPromptOrJoinedModules() throws {
        let project = try Project.load(from: TestSupport.demoProject)
        let p1 = try #require(project.panel("panel_01"))
        #expect(p1.prompt == "a lone lighthouse on a black rock, waves breaking over it, wide establishing shot, low angle, cold moonlight, lamp beam cutting the rain, storm teal and amber, painterly noir illustration")
        #expect(p1.negativePrompt == "blurry, text, watermark")
        #expect(p1.steps == 12)
        #expect(p1.cfgScale == 7.0)
        let p3 = try #require(project.panel("panel_03"))
        #expect(p3.prompt.hasPrefix("an old lighthouse keeper named Elsa"))
        #expect(p3.negativePrompt == "blurry, extra fingers")
        let p6 = try #require(project.panel("panel_06"))
        #expect(p6.steps == nil && p6.cfgScale == nil && p6.negativePrompt == nil)
    }

    @Test func seedsAreStableDerivationsOfTheGlobalSeed() throws {
        let project = try Project.load(from: TestSupport.demoProject)
        for panel in project.panels {
            #expect(panel.seed == PanelSeed.derive(globalSeed: UInt64(42), panelID: panel.id))
            #expect(panel.seed >= 42 && panel.seed < 42 + 1_000_000)
        }
        #expect(Set(project.panels.map(\.seed)).count == 9)
    }

    @Test func withoutListedPanelsEachShotIsOnePanel() throws {
        let docs = try TestSupport.demoDocuments()
        let stripped = docs.project.setting(["asset_manifest", "panels"], to: nil).setting(["asset_manifest", "panel_to_shot_map"], to: nil)
        let project = try Project(directory: TestSupport.demoProject, document: stripped, storyboard: docs.storyboard)
        #expect(project.panels.map(\.id) == ["panel_01", "panel_02", "panel_03", "panel_04", "panel_05", "panel_06"])
        #expect(project.panels.map(\.shotID) == ["shot_01", "shot_02", "shot_03", "shot_04", "shot_05", "shot_06"])
    }

    @Test func panelIDFallsBackToThePathStem() throws {
        let docs = try TestSupport.demoDocuments()
        let panels: JSONValue = [["path": "panels/panel_02.png", "panel_index": 1], ["asset_id": "", "path": "x/panel_01.jpg", "panel_index": 2]]
        let edited = docs.project.setting(["asset_manifest", "panels"], to: panels)
        let project = try Project(directory: TestSupport.demoProject, document: edited, storyboard: docs.storyboard)
        #expect(project.panels.map(\.id) == ["panel_02", "panel_01"])
    }

    @Test func masterGridPathAddsTheCoherenceSheetJobAtTheGlobalSeed() throws {
        let docs = try TestSupport.demoDocuments()
        let edited = docs.project.setting(["coherence_anchors", "master_grid_path"], to: "grids/master.png")
        let project = try Project(directory: TestSupport.demoProject, document: edited, storyboard: docs.storyboard)
        #expect(project.panels.count == 10)
        let grid = try #require(project.panels.last)
        #expect(grid.isMasterGrid && grid.id == "master_grid")
        #expect(grid.seed == 42)
        #expect(grid.copyPath == "grids/master.png")
        #expect(grid.prompt.contains("style_painterly_noir_v2") && grid.prompt.contains("palette_storm_teal_amber"))
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let label: String
        let path: [String]
        let value: JSONValue?
        let expectedFile: String
        let expectedFragment: String
        var description: String { label }
    }

    static let badCases: [BadCase] = [
        BadCase(label: "missing seed", path: ["config", "global_seed"], value: nil, expectedFile: "project.json", expectedFragment: "$.config.global_seed: missing; expected a non-negative integer"),
        BadCase(label: "string seed", path: ["config", "global_seed"], value: "42", expectedFile: "project.json", expectedFragment: "$.config.global_seed: expected a non-negative integer, found string \"42\""),
        BadCase(label: "bad resolution", path: ["config", "target_resolution"], value: "1920by1080", expectedFile: "project.json", expectedFragment: "$.config.target_resolution: expected \"<width>x<height>\""),
        BadCase(label: "zero resolution", path: ["config", "target_resolution"], value: "0x1080", expectedFile: "project.json", expectedFragment: "$.config.target_resolution"),
        BadCase(label: "local time", path: ["updated_at"], value: "2026-11-24T18:42:10+02:00", expectedFile: "project.json", expectedFragment: "$.updated_at: expected an ISO-8601 UTC time"),
        BadCase(label: "qa flag type", path: ["status", "qa_passed"], value: "yes", expectedFile: "project.json", expectedFragment: "$.status.qa_passed: expected a boolean"),
        BadCase(label: "anchors", path: ["coherence_anchors", "character_sheet_ids"], value: [1, 2], expectedFile: "project.json", expectedFragment: "$.coherence_anchors.character_sheet_ids[0]: expected a string, found number 1"),
        BadCase(label: "grid escapes", path: ["coherence_anchors", "master_grid_path"], value: "../../etc/grid.png", expectedFile: "project.json", expectedFragment: "$.coherence_anchors.master_grid_path"),
        BadCase(label: "panel unmapped", path: ["asset_manifest", "panel_to_shot_map", "panel_04"], value: nil, expectedFile: "project.json", expectedFragment: "$.asset_manifest.panel_to_shot_map.panel_04: missing"),
        BadCase(label: "unknown shot", path: ["asset_manifest", "panel_to_shot_map", "panel_04"], value: "shot_99", expectedFile: "project.json", expectedFragment: "panel panel_04 maps to shot shot_99"),
        BadCase(label: "shots index entry", path: ["shots_index", "shot_02"], value: "v1", expectedFile: "project.json", expectedFragment: "$.shots_index.shot_02: expected an object"),
        BadCase(label: "config not object", path: ["config"], value: [], expectedFile: "project.json", expectedFragment: "$.config: expected an object, found array"),
    ]

    @Test(arguments: badCases)
    func malformedProjectErrorsNameFilePathAndExpectation(_ bad: BadCase) throws {
        let docs = try TestSupport.demoDocuments()
        let edited = docs.project.setting(bad.path, to: bad.value)
        let error = #expect(throws: ProjectError.self) {
            try Project(directory: TestSupport.demoProject, document: edited, storyboard: docs.storyboard)
        }
        #expect(error?.file == bad.expectedFile)
        #expect(error.map { "\($0)" }?.contains(bad.expectedFragment) == true, "\(String(describing: error))")
    }

    @Test func malformedStoryboardErrorsNameTheShotPath() throws {
        let docs = try TestSupport.demoDocuments()
        guard case .array(var shots) = try #require(docs.storyboard["shots"]) else { Issue.record("shots"); return }
        shots[2] = shots[2].setting(["prompt_modules", "technical", "steps"], to: "ten")
        let edited = docs.storyboard.setting(["shots"], to: .array(shots))
        let error = #expect(throws: ProjectError.self) {
            try Project(directory: TestSupport.demoProject, document: docs.project, storyboard: edited)
        }
        #expect(error?.description == "storyboard.json: $.shots[2].prompt_modules.technical.steps: expected an integer, found string \"ten\"")
    }

    @Test func duplicateShotIDsAreRefused() throws {
        let docs = try TestSupport.demoDocuments()
        guard case .array(var shots) = try #require(docs.storyboard["shots"]) else { return }
        shots[1] = shots[1].setting(["shot_id"], to: "shot_01")
        let error = #expect(throws: ProjectError.self) {
            try Project(directory: TestSupport.demoProject, document: docs.project, storyboard: docs.storyboard.setting(["shots"], to: .array(shots)))
        }
        #expect(error == .duplicateID(file: "storyboard.json", path: "$.shots[1].shot_id", id: "shot_01"))
    }

    @Test func unreadableAndInvalidFilesAreReported() throws {
        let dir = try TestSupport.scratch()
        #expect(throws: ProjectError.self) { try Project.load(from: dir) }
        try Data("{\"schema_version\": ".utf8).write(to: dir.appendingPathComponent("project.json"))
        try Data("{}".utf8).write(to: dir.appendingPathComponent("storyboard.json"))
        let error = #expect(throws: ProjectError.self) { try Project.load(from: dir) }
        guard case .invalidJSON(let file, _)? = error else { Issue.record("expected invalidJSON, got \(String(describing: error))"); return }
        #expect(file == "project.json")
    }

    @Test func resolutionParsing() {
        #expect(Resolution(parsing: "1920x1080") == Resolution(width: 1920, height: 1080))
        #expect(Resolution(parsing: "512X288") == Resolution(width: 512, height: 288))
        for bad in ["", "x", "1920x", "x1080", "-1x5", "1920x1080x2", "19 20x1080", "0x0", "１９２０x1080", "99999999x1"] {
            #expect(Resolution(parsing: bad) == nil, "\(bad)")
        }
    }
}
