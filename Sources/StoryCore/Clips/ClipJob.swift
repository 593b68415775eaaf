import ComfyWorkflow
import Foundation

/// What makes a `RenderJob` a shot clip: the shot, the key panel whose image it starts from, and
/// the frame count set from the shot's duration.
public struct ClipJob: Sendable, Hashable {
    /// The shot (also the job id and the folder under `outputs/`).
    public var shotID: String
    /// The panel whose current image is uploaded and put into the graph's `LoadImage`.
    public var keyPanelID: String
    /// The shot's duration in seconds (`duration_seconds`, or the default).
    public var durationSeconds: Double
    /// Frames rendered: duration × frame rate, rounded up as the model requires.
    public var frames: Int
    /// Frames per second of the saved clip.
    public var frameRate: Double
    /// The analysed graph.
    public var graph: ClipGraph

    /// The `LoadImage` value used before anything is uploaded (plan validation only).
    var placeholderImage: String { "storycore/\(keyPanelID).png" }
}

extension RenderPlan {
    /// The clip jobs of the shots whose key panel is among `selectedPanels`, or whose clip is redone;
    /// each as a `RenderJob` with the shot id as its id, seeded by the contract (`PanelSeed` of the shot id).
    ///
    /// Throws `RenderError.invalidOptions` for a key panel the project does not have, a shot id in
    /// `clips.redo` that is not a shot, or a shot id that is also a panel id (their folders would mix).
    static func clipJobs(project: Project, template: Workflow, clipGraph: ClipGraph, clips: ClipOptions, options: RenderOptions,
                         selectedPanels: Set<String>, versions: [String: PlannedVersion]) throws(RenderError) -> [RenderJob] {
        var keyByShot: [String: String] = [:]
        for panel in project.panels { if let shot = panel.shotID, keyByShot[shot] == nil { keyByShot[shot] = panel.id } }
        for id in clips.keyPanels {
            guard let panel = project.panel(id), let shot = panel.shotID else {
                throw .invalidOptions("--clip-panel \(id): the project has no panel \(id) mapped to a shot")
            }
            keyByShot[shot] = id
        }
        let panelIDs = Set(project.panels.map(\.id))
        for shot in clips.redo.keys.sorted() where keyByShot[shot] == nil {
            throw .invalidOptions("--redo \(shot) --clip: the project has no shot \(shot) with panels (shots: \(keyByShot.keys.sorted().joined(separator: ", ")))")
        }
        var jobs: [RenderJob] = []
        var problems: [PlanProblem] = []
        for shot in project.shots {
            guard let key = keyByShot[shot.id], selectedPanels.contains(key) || clips.redo[shot.id] != nil else { continue }
            guard !panelIDs.contains(shot.id) else {
                throw .invalidOptions("shot \(shot.id) is also a panel id; its clip would share outputs/\(shot.id)/ with the panel")
            }
            let planned = versions[shot.id]
            let duration = shot.durationSeconds.flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? clips.defaultDurationSeconds
            let frames = clipGraph.frames(forSeconds: duration)
            let clip = ClipJob(shotID: shot.id, keyPanelID: key, durationSeconds: duration, frames: frames,
                               frameRate: clipGraph.frameRate, graph: clipGraph)
            let original = Panel(id: shot.id, position: project.panels.count + jobs.count, shotID: shot.id, prompt: shot.prompt,
                                 negativePrompt: shot.technical.negativePrompt, resolution: Self.size(of: template, clipGraph),
                                 seed: PanelSeed.derive(globalSeed: project.config.globalSeed, panelID: shot.id),
                                 steps: nil, cfgScale: nil, copyPath: nil)
            let panel = planned?.override?.applied(to: original) ?? original
            var parameters = WorkflowParameters(
                seed: panel.seed, positivePrompt: panel.prompt, negativePrompt: panel.negativePrompt, batchSize: 1,
                filenamePrefix: "\(options.filenamePrefix)/\(shot.id)")
            parameters.optional = [.batchSize, .negativePrompt, .filenamePrefix]
            let ready = clipGraph.applying(frames: frames, image: clip.placeholderImage, to: template)
            do {
                var job = try RenderJob(panel: panel, template: ready, parameters: parameters, batchSize: 1)
                job.version = planned?.version ?? 1
                job.override = planned?.override
                job.clip = clip
                jobs.append(job)
            } catch {
                problems.append(PlanProblem(panelID: shot.id, server: nil, injection: error))
            }
        }
        guard problems.isEmpty else { throw .invalidPlan(problems) }
        return jobs
    }

    /// The clip's size as the graph sets it (the video node's width and height), for the manifest.
    static func size(of template: Workflow, _ clipGraph: ClipGraph) -> Resolution {
        for reference in clipGraph.lengthInputs {
            if let node = template[reference.nodeID], let w = node.inputStorage["width"]?.intValue, let h = node.inputStorage["height"]?.intValue {
                return Resolution(width: w, height: h)
            }
        }
        return Resolution(width: 0, height: 0)
    }
}
