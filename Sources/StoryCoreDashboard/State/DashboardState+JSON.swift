import ComfyWorkflow
import Foundation
import StoryCore

/// The JSON shapes of `dashboard-api.md`: snapshot, run header, panel tile, server card, notice.
extension DashboardState {
    /// The whole snapshot (`GET /api/snapshot`, and the first message on the event socket).
    public func snapshotJSON(at now: Date) -> JSONValue {
        [
            "project": ["id": .string(projectID), "path": .string(projectPath)],
            "run": runJSON(at: now),
            "panels": .array(tiles.map(\.json)),
            "servers": .array(servers.map(\.json)),
            "notices": .array(notices.map(\.json)),
        ]
    }

    /// The run header: state, run id, elapsed and estimated seconds, done / total and counts by status.
    public func runJSON(at now: Date) -> JSONValue {
        let counts = counts
        var countObject = JSONObject()
        for status in PanelTile.Status.allCases { countObject[status.rawValue] = .int(counts[status] ?? 0) }
        let done = (counts[.completed] ?? 0) + (counts[.kept] ?? 0) + (counts[.failed] ?? 0)
        return [
            "state": .string(runState.rawValue),
            "run_id": runID.map(JSONValue.string) ?? .null,
            "elapsed_seconds": .double(Self.rounded(elapsedSeconds(at: now))),
            "eta_seconds": etaSeconds(at: now).map { .double(Self.rounded($0)) } ?? .null,
            "done": .int(done),
            "total": .int(tiles.count),
            "counts": .object(countObject),
        ]
    }

    static func rounded(_ seconds: Double) -> Double { (seconds * 10).rounded() / 10 }
}

extension PanelTile {
    /// The tile as the page reads it (`Panel` in `dashboard-api.md`).
    public var json: JSONValue {
        [
            "panel_id": .string(panelID),
            "shot_id": shotID.map(JSONValue.string) ?? .null,
            "prompt": .string(prompt),
            "seed": .uint64(seed),
            "version": .int(version),
            "status": .string(status.rawValue),
            "queue_position": queuePosition.map(JSONValue.int) ?? .null,
            "step": step.map(JSONValue.int) ?? .null,
            "total_steps": totalSteps.map(JSONValue.int) ?? .null,
            "node": node.map(JSONValue.string) ?? .null,
            "server": server.map(JSONValue.string) ?? .null,
            "failure": failure.map(Self.failureJSON) ?? .null,
            "review": review?.json ?? .null,
            "notes": .array(notes.map(JSONValue.string)),
            "preview_url": previewSeq.map { .string(Self.previewURL(panelID: panelID, seq: $0)) } ?? .null,
            "versions": .array(versions.map { entry in
                [
                    "version": .int(entry.version),
                    "files": .array(entry.files.enumerated().map { index, file in
                        ["url": .string("/api/files/\(Self.pathComponent(panelID))/\(entry.version)/\(index)"),
                         "media_type": .string(file.mediaType), "animated": .bool(file.animated),
                         "frame_rate": file.frameRate.map(JSONValue.double) ?? .null,
                         "quality": file.quality?.json ?? .null]
                    }),
                ]
            }),
        ]
    }

    /// The preview route of a panel with a cache-busting sequence number.
    static func previewURL(panelID: String, seq: Int) -> String { "/api/previews/\(pathComponent(panelID))?seq=\(seq)" }

    /// A panel id as one URL path component (panel ids are letters, digits, `_`, `-` and `.`, so this
    /// only matters for ids that do not follow the contract).
    static func pathComponent(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "_-."))) ?? id
    }

    /// `kind`, `message`, `suggestion` (and whatever else the failure JSON has) of a failure.
    static func failureJSON(_ failure: JSONValue) -> JSONValue {
        guard case .object(var object) = failure else { return failure }
        if object["suggestion"] == nil { object["suggestion"] = .null }
        return .object(object)
    }
}

extension ServerCard {
    /// The card as the page reads it (`Server` in `dashboard-api.md`).
    public var json: JSONValue {
        [
            "url": .string(url),
            "state": .string(state.rawValue),
            "reason": reason.map(JSONValue.string) ?? .null,
            "device": device.map(JSONValue.string) ?? .null,
            "vram_used": vramUsed.map(JSONValue.uint64) ?? .null,
            "vram_total": vramTotal.map(JSONValue.uint64) ?? .null,
            "queue_length": queueLength.map(JSONValue.int) ?? .null,
            "panel_id": panelID.map(JSONValue.string) ?? .null,
            "prompts_done": .int(promptsDone),
            "mean_job_seconds": meanJobSeconds.map { .double(DashboardState.rounded($0 * 10) / 10) } ?? .null,
        ]
    }
}

extension Notice {
    /// The notice as the page reads it.
    public var json: JSONValue {
        [
            "at": .string(Self.stamp(at)),
            "level": .string(level.rawValue),
            "panel_id": panelID.map(JSONValue.string) ?? .null,
            "server": server.map(JSONValue.string) ?? .null,
            "text": .string(text),
        ]
    }

    /// An ISO-8601 UTC time with milliseconds, ending in `Z`.
    static func stamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

