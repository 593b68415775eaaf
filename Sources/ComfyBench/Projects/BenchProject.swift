import ComfyWorkflow
import Foundation

/// A generated StoryCore project for one benchmark run: `project.json` and `storyboard.json` with
/// one shot and one panel per image, and the probe workflow both clients render it with.
struct BenchProject: Sendable {
    /// The project folder.
    let directory: URL
    /// The API-format workflow file (`ProbeImage` → `SaveImage`), already at the run's image size,
    /// so the baseline, which injects only seeds, asks the server for the same work.
    let workflow: URL

    /// What a generated project renders.
    struct Shape: Sendable, Hashable {
        /// Panels in the project.
        var panels: Int
        /// Image width in pixels (a multiple of 8).
        var width: Int
        /// Image height in pixels (a multiple of 8).
        var height: Int
        /// Simulated sampler steps of each panel.
        var steps: Int
        /// Milliseconds per step: the server executes each panel for `steps × stepMilliseconds`.
        var stepMilliseconds: Int
    }

    /// Writes a project of `shape` into `directory` (created if missing).
    static func write(_ shape: Shape, to directory: URL) throws(BenchError) -> BenchProject {
        let workflow = directory.appendingPathComponent("workflow.json")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try write(projectDocument(shape), to: directory.appendingPathComponent("project.json"))
            try write(storyboard(shape), to: directory.appendingPathComponent("storyboard.json"))
            try write(Self.workflow(shape), to: workflow)
        } catch let error as BenchError {
            throw error
        } catch {
            throw .file(path: directory.path, reason: "\(error)")
        }
        return BenchProject(directory: directory, workflow: workflow)
    }

    /// The panel id of panel `index` (0-based): `panel_0001`….
    static func panelID(_ index: Int) -> String { "panel_" + padded(index + 1) }

    private static func projectID(_ shape: Shape) -> String { "bench-\(shape.panels)-\(shape.width)x\(shape.height)" }

    private static func shotID(_ index: Int) -> String { "shot_" + padded(index + 1) }

    private static func padded(_ number: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    private static func write(_ value: JSONValue, to url: URL) throws {
        try Data(value.serialized(.pretty)).write(to: url, options: .atomic)
    }

    static func projectDocument(_ shape: Shape) -> JSONValue {
        var shotsIndex = JSONObject()
        var panels: [JSONValue] = []
        var panelToShot = JSONObject()
        for index in 0..<shape.panels {
            shotsIndex[shotID(index)] = ["active_version": "v1", "status": "approved"]
            panels.append(["asset_id": .string(panelID(index)), "path": .string("panels/\(panelID(index)).png"),
                           "panel_index": .int(index + 1)])
            panelToShot[panelID(index)] = .string(shotID(index))
        }
        return [
            "schema_version": "1.0",
            "project_id": .string(projectID(shape)),
            "created_at": "2026-11-25T00:00:00Z",
            "updated_at": "2026-11-25T00:00:00Z",
            "config": [
                "hackathon_mode": false, "global_seed": 42, "target_aspect_ratio": "1:1",
                "target_resolution": .string("\(shape.width)x\(shape.height)"), "target_duration_seconds": .int(shape.panels),
            ],
            "coherence_anchors": [
                "style_anchor_id": "style_bench", "palette_id": "palette_bench", "lighting_direction": "left",
                "lighting_temperature": "neutral", "perspective_type": "two-point", "horizon_line": "middle",
                "character_sheet_ids": [],
            ],
            "shots_index": .object(shotsIndex),
            "asset_manifest": ["panels": .array(panels), "panel_to_shot_map": .object(panelToShot)],
            "status": ["current_phase": "storyboard_approved", "qa_passed": true, "last_qa_report_id": nil],
        ]
    }

    static func storyboard(_ shape: Shape) -> JSONValue {
        let shots: [JSONValue] = (0..<shape.panels).map { index in
            [
                "shot_id": .string(shotID(index)), "scene_id": "scene_01", "shot_number": .int(index + 1), "version": "v1",
                "title": .string("Benchmark shot \(index + 1)"), "description": "A generated benchmark shot.",
                "duration_seconds": 1.0,
                "prompt_modules": [
                    "subject": .string("benchmark subject \(index + 1)"), "camera": "wide shot", "lighting": "soft light",
                    "color": "teal and amber", "style": "flat illustration", "technical": [:],
                ],
            ]
        }
        return ["storyboard_id": "sb_bench", "project_id": .string(projectID(shape)), "shots": .array(shots)]
    }

    static func workflow(_ shape: Shape) -> JSONValue {
        [
            "1": [
                "inputs": [
                    "seed": 0, "width": .int(shape.width), "height": .int(shape.height), "batch_size": 1,
                    "text": "benchmark", "steps": .int(shape.steps), "step_ms": .int(shape.stepMilliseconds),
                ],
                "class_type": "ProbeImage",
            ],
            "2": [
                "inputs": ["filename_prefix": "bench", "images": ["1", 0]],
                "class_type": "SaveImage",
            ],
        ]
    }
}
