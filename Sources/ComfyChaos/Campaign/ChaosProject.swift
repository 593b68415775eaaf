import ComfyWorkflow
import Foundation

/// The project every chaos run renders: a StoryCore "Data Contract v1" project of 16 panels over
/// 8 shots, with keys ComfyBridge does not know (which must survive every rewrite), and a small
/// KSampler workflow.
public struct ChaosProject: Sendable {
    /// The project folder.
    public let directory: URL
    /// Panel ids, in render order.
    public let panelIDs: [String]
    /// Images per panel (the workflow's latent batch size).
    public let batchSize: Int
    /// The workflow file given to `render --workflow`.
    public var workflowFile: URL { directory.appendingPathComponent("chaos_workflow.json") }
    /// `project.json` as written before the first render.
    public let originalProject: JSONValue

    /// Writes the project, storyboard and workflow into `directory` (created if missing).
    /// - Throws: `CampaignError.setup` when a file cannot be written.
    public static func create(in directory: URL, panels: Int = 16, batchSize: Int = 1, steps: Int = 8,
                              resolution: String = "128x72") throws(CampaignError) -> ChaosProject {
        let panelIDs = (1...max(1, panels)).map { String(format: "panel_%02d", $0) }
        let shotCount = max(1, (panelIDs.count + 1) / 2)
        let shotIDs = (1...shotCount).map { String(format: "shot_%02d", $0) }
        var shotsIndex = JSONObject()
        for id in shotIDs { shotsIndex[id] = ["active_version": "v1", "status": "approved"] }
        var panelList: [JSONValue] = []
        var panelMap = JSONObject()
        for (i, id) in panelIDs.enumerated() {
            panelList.append(["asset_id": .string(id), "path": .string("panels/\(id).png"), "panel_index": .int(i + 1)])
            panelMap[id] = .string(shotIDs[i / 2])
        }
        var shots: [JSONValue] = []
        for (i, id) in shotIDs.enumerated() {
            let modules: JSONValue = [
                "subject": .string("a lighthouse, take \(i + 1)"), "camera": "wide", "lighting": "dusk",
                "color": "teal and amber", "style": "ink wash", "technical": ["negative_prompt": "blurry"],
            ]
            shots.append([
                "shot_id": .string(id), "scene_id": "scene_01", "shot_number": .int(i + 1), "version": "v1",
                "title": .string("Shot \(i + 1)"), "description": "A chaos test shot", "duration_seconds": 4.0,
                "prompt_modules": modules,
            ])
        }
        let config: JSONValue = [
            "hackathon_mode": false, "global_seed": 4242, "target_aspect_ratio": "16:9",
            "target_resolution": .string(resolution), "target_duration_seconds": 60, "time_budget_seconds": 900,
            "x_render_farm": ["queue": "night", "priority": 3],
        ]
        let anchors: JSONValue = [
            "style_anchor_id": "style_ink_wash", "palette_id": "palette_dusk", "lighting_direction": "top left",
            "lighting_temperature": "warm", "perspective_type": "one-point", "horizon_line": "middle",
            "character_sheet_ids": ["char_a", "char_b"],
        ]
        let assets: JSONValue = [
            "panels": .array(panelList), "panel_to_shot_map": .object(panelMap),
            "audio_tracks": [["asset_id": "amb", "path": "audio/amb.flac", "owner": "audio_engine"]],
        ]
        let editor: JSONValue = ["zoom": 1.25, "big_counter": .uint64(UInt64.max), "nested": ["deep": [1, 2, 3]]]
        let project: JSONValue = [
            "schema_version": "1.0", "project_id": "chaos-campaign",
            "created_at": "2026-11-20T09:15:00Z", "updated_at": "2026-11-24T18:42:10Z",
            "config": config, "coherence_anchors": anchors, "shots_index": .object(shotsIndex), "asset_manifest": assets,
            "status": ["current_phase": "storyboard_approved", "qa_passed": true, "last_qa_report_id": nil],
            "x_editor_state": editor,
        ]
        let storyboard: JSONValue = ["storyboard_id": "sb-chaos", "project_id": "chaos-campaign", "shots": .array(shots)]
        let workflow = Self.workflow(steps: steps, batchSize: batchSize)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(project.serialized(.pretty)).write(to: directory.appendingPathComponent("project.json"))
            try Data(storyboard.serialized(.pretty)).write(to: directory.appendingPathComponent("storyboard.json"))
            try Data(workflow.serialized(.pretty)).write(to: directory.appendingPathComponent("chaos_workflow.json"))
        } catch {
            throw .setup("cannot write the chaos project in \(directory.path): \(error.localizedDescription)")
        }
        return ChaosProject(directory: directory, panelIDs: panelIDs, batchSize: batchSize, originalProject: project)
    }

    /// A KSampler API-format graph: checkpoint → two text encoders → empty latent → sampler → decode → save.
    static func workflow(steps: Int, batchSize: Int) -> JSONValue {
        func node(_ type: String, _ inputs: JSONValue) -> JSONValue { ["inputs": inputs, "class_type": .string(type)] }
        let sampler: JSONValue = [
            "seed": 0, "steps": .int(steps), "cfg": 7.0, "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
            "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0],
        ]
        return [
            "3": node("KSampler", sampler),
            "4": node("CheckpointLoaderSimple", ["ckpt_name": "sd_xl_base_1.0.safetensors"]),
            "5": node("EmptyLatentImage", ["width": 1024, "height": 1024, "batch_size": .int(batchSize)]),
            "6": node("CLIPTextEncode", ["text": "a storyboard panel", "clip": ["4", 1]]),
            "7": node("CLIPTextEncode", ["text": "blurry", "clip": ["4", 1]]),
            "8": node("VAEDecode", ["samples": ["3", 0], "vae": ["4", 2]]),
            "9": node("SaveImage", ["filename_prefix": "ComfyUI", "images": ["8", 0]]),
        ]
    }
}
