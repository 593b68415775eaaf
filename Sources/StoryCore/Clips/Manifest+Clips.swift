import ComfyWorkflow

extension Manifest {
    /// The records of image panels (everything but shot clips), in render order.
    var imagePanels: [PanelRecord] { panels.filter { $0.clip == nil } }
    /// The records of shot clips, in render order.
    var clipRecords: [PanelRecord] { panels.filter { $0.clip != nil } }

    /// `clips` (one entry per shot clip) and `clip_totals`, only when the run makes clips.
    func clipFields() -> [(String, JSONValue)] {
        let clips = clipRecords
        guard !clips.isEmpty else { return [] }
        var counts: [PanelState: Int] = [:]
        for clip in clips { counts[clip.state, default: 0] += 1 }
        return [
            ("clip_totals", .object([
                "clips": .int(clips.count),
                "completed": .int(counts[.completed] ?? 0),
                "failed": .int(counts[.failed] ?? 0),
                "pending": .int((counts[.planned] ?? 0) + (counts[.submitted] ?? 0)),
            ])),
            ("clips", .array(clips.map(Self.clipEntry))),
        ]
    }

    /// A clip's entry: a panel entry's fields (its `panel_id` is the shot id) and the clip's own:
    /// `shot_id`, `key_panel_id`, `frames`, `frame_rate`, `duration_seconds`, `source_image` (the key
    /// panel file uploaded) and `uploaded_image` (the `LoadImage` value of the name the server returned).
    static func clipEntry(_ record: PanelRecord) -> JSONValue {
        let base = entry(record)
        guard case .object(var object) = base, let clip = record.clip else { return base }
        object["shot_id"] = .string(record.panelID)
        object["key_panel_id"] = .string(clip.keyPanelID)
        object["frames"] = .int(clip.frames)
        object["frame_rate"] = .double(clip.frameRate)
        object["duration_seconds"] = .double(clip.durationSeconds)
        object["source_image"] = clip.sourceImage.map(JSONValue.string) ?? .null
        object["uploaded_image"] = clip.uploadedImage.map(JSONValue.string) ?? .null
        return .object(object)
    }
}

extension ProjectUpdate {
    /// One shot clip as recorded in `asset_manifest.comfyui_clips`.
    public struct RenderedClip: Sendable, Hashable {
        /// The shot id.
        public var shotID: String
        /// The clip file's path relative to the project.
        public var path: String
        /// The key panel whose image it starts from.
        public var keyPanelID: String
        /// Frames and frame rate.
        public var frames: Int
        /// Frames per second.
        public var frameRate: Double
        /// The seed used.
        public var seed: UInt64
        /// The prompt id that produced it.
        public var promptID: String
        /// The clip's version (its `asset_id` is `<shot_id>_clip_comfyui_v<version>`).
        public var version: Int

        /// Creates an entry.
        public init(shotID: String, path: String, keyPanelID: String, frames: Int, frameRate: Double, seed: UInt64,
                    promptID: String, version: Int = 1) {
            self.shotID = shotID
            self.path = path
            self.keyPanelID = keyPanelID
            self.frames = frames
            self.frameRate = frameRate
            self.seed = seed
            self.promptID = promptID
            self.version = version
        }

        /// The entry's JSON.
        var json: JSONValue {
            .object([
                "asset_id": .string("\(shotID)_clip_comfyui_v\(version)"),
                "shot_id": .string(shotID),
                "path": .string(path),
                "key_panel_id": .string(keyPanelID),
                "frames": .int(frames),
                "frame_rate": .double(frameRate),
                "seed": .uint64(seed),
                "prompt_id": .string(promptID),
            ])
        }
    }

    /// The clips of the run's records: each clip's current completed version, else its last completed one.
    static func renderedClips(_ records: [PanelRecord]) -> [RenderedClip] {
        records.compactMap { record -> RenderedClip? in
            guard let clip = record.clip else { return nil }
            if record.state == .completed, let first = record.files.first {
                return RenderedClip(shotID: record.panelID, path: first.path, keyPanelID: clip.keyPanelID, frames: clip.frames,
                                    frameRate: clip.frameRate, seed: record.seed, promptID: record.promptID ?? "", version: record.version)
            }
            guard let previous = record.history.last(where: { $0.state == .completed }), let first = previous.files.first else { return nil }
            return RenderedClip(shotID: record.panelID, path: first.path, keyPanelID: clip.keyPanelID, frames: clip.frames,
                                frameRate: clip.frameRate, seed: previous.seed, promptID: previous.promptID ?? "", version: previous.version)
        }
    }
}
