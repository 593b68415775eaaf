import ComfyChaos
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

/// Every malformed project, storyboard and workflow the contract implies makes `comfybridge render`
/// exit 2 with exactly one line on stderr naming the file and the JSON path (or byte offset).
@Suite("Bad local input exits 2 with one line naming the file and the path")
struct BadLocalInputTests {
    /// One malformed input: which file, how it is broken, and what the error line must name.
    struct Case: Sendable, CustomTestStringConvertible {
        enum Edit: Sendable {
            case set([String], JSONValue?)
            case text(String)
            case delete
        }

        var file: String
        var edit: Edit
        var mustName: String
        var testDescription: String { "\(file) \(mustName)" }

        init(_ file: String, _ edit: Edit, names mustName: String) {
            self.file = file
            self.edit = edit
            self.mustName = mustName
        }
    }

    static let project = "project.json"
    static let storyboard = "storyboard.json"
    static let workflow = "chaos_workflow.json"

    static let cases: [Case] = [
        Case(project, .delete, names: "project.json"),
        Case(project, .text("{\"schema_version\": \"1.0\", "), names: "project.json"),
        Case(project, .text("[1, 2, 3]"), names: "project.json"),
        Case(project, .set(["schema_version"], nil), names: "schema_version"),
        Case(project, .set(["project_id"], 5), names: "project_id"),
        Case(project, .set(["config"], nil), names: "config"),
        Case(project, .set(["config", "global_seed"], "42"), names: "config.global_seed"),
        Case(project, .set(["config", "global_seed"], .number(JSONNumber(text: "1e999")!)), names: "config.global_seed"),
        Case(project, .set(["config", "target_resolution"], "huge"), names: "config.target_resolution"),
        Case(project, .set(["config", "hackathon_mode"], "no"), names: "config.hackathon_mode"),
        Case(project, .set(["coherence_anchors", "character_sheet_ids"], "char_a"), names: "coherence_anchors.character_sheet_ids"),
        Case(project, .set(["asset_manifest", "panels"], .object(JSONObject())), names: "asset_manifest.panels"),
        Case(project, .set(["asset_manifest", "panels", "0", "asset_id"], 7), names: "asset_manifest.panels"),
        Case(project, .set(["asset_manifest", "panel_to_shot_map", "panel_01"], "shot_99"), names: "panel_to_shot_map"),
        Case(project, .set(["asset_manifest", "panel_to_shot_map"], "all"), names: "asset_manifest.panel_to_shot_map"),
        Case(project, .set(["shots_index"], .array([])), names: "shots_index"),
        Case(project, .set(["status", "qa_passed"], "yes"), names: "status.qa_passed"),
        Case(storyboard, .delete, names: "storyboard.json"),
        Case(storyboard, .text("{\"shots\": [}"), names: "storyboard.json"),
        Case(storyboard, .set(["shots"], .object(JSONObject())), names: "shots"),
        Case(storyboard, .set(["shots", "0", "shot_id"], nil), names: "shots[0]"),
        Case(storyboard, .set(["shots", "0", "shot_number"], "one"), names: "shot_number"),
        Case(storyboard, .set(["shots", "0", "prompt_modules", "subject"], 5), names: "subject"),
        Case(storyboard, .set(["shots", "0", "prompt_modules", "technical", "steps"], "many"), names: "steps"),
        Case(storyboard, .set(["shots", "1", "shot_id"], "shot_01"), names: "shot_01"),
        Case(workflow, .delete, names: "chaos_workflow.json"),
        Case(workflow, .text("{\"3\": {\"inputs\": "), names: "chaos_workflow.json"),
        Case(workflow, .text("[]"), names: "chaos_workflow.json"),
        Case(workflow, .set(["3", "class_type"], nil), names: "3"),
        Case(workflow, .set(["3", "class_type"], "NoSuchSampler"), names: "NoSuchSampler"),
        Case(workflow, .set(["3", "inputs", "model"], .array(["99", 0])), names: "99"),
    ]

    @Test(arguments: cases)
    func malformedInputExitsTwoWithOneLine(_ broken: Case) async throws {
        let executable = try #require(Fixtures.comfybridge, "build the comfybridge product first")
        let root = try Fixtures.scratch("bad-input")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try ChaosProject.create(in: root.appendingPathComponent("project"), panels: 4)
        let url = project.directory.appendingPathComponent(broken.file)
        switch broken.edit {
        case .delete:
            try FileManager.default.removeItem(at: url)
        case .text(let text):
            try Data(text.utf8).write(to: url)
        case .set(let path, let value):
            let document = try JSONValue.parse(Data(contentsOf: url))
            try Data(document.setting(path, to: value).serialized(.pretty)).write(to: url)
        }
        try await Emulators.with(count: 1) { emulators in
            let outcome = try await CommandRunner(executable: executable).run(
                ["render", project.directory.path, "--workflow", project.workflowFile.path, "--server", await emulators[0].baseURL.absoluteString])
            #expect(outcome.status == 2, "exit \(outcome.status): \(outcome.stderr)")
            #expect(outcome.errorLines.count == 1, "\(outcome.errorLines)")
            let line = outcome.errorLines.first ?? ""
            #expect(line.contains(broken.file), "\(line)")
            #expect(line.contains(broken.mustName), "\(line)")
            #expect(await emulators[0].executedPromptCount == 0)
        }
    }
}
