import ComfyWorkflow
import Foundation
import StoryCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks what a render leaves on disk: at every kill point (files readable and consistent) and at the
/// end of a run (every panel exactly once, checksums, no temporaries, no unexplained re-execution).
public struct InvariantChecker: Sendable {
    /// What the end-of-run check counted.
    public struct Tally: Sendable, Hashable {
        /// Panels completed in the manifest.
        public var rendered = 0
        /// Panels not completed at the end.
        public var lost = 0
        /// Server executions beyond one per image that the manifest does not explain.
        public var duplicates = 0
        /// Server executions repeated after the server lost the prompt (the manifest says so).
        public var reexecutedAfterLoss = 0
        /// Panels whose manifest notes report an out-of-memory recovery.
        public var outOfMemoryRecoveries = 0
        /// Files checked against their SHA-256.
        public var filesVerified = 0
    }

    /// The project checked.
    public let project: ChaosProject

    /// Creates a checker for `project`.
    public init(project: ChaosProject) {
        self.project = project
    }

    private var outputs: URL { project.directory.appendingPathComponent("outputs", isDirectory: true) }

    /// Problems visible after the render was killed: `project.json` unreadable or missing a key it had,
    /// `manifest.json` unreadable or of the wrong shape, the ledger unreadable.
    public func checkKillPoint() async -> [String] {
        var problems = checkProjectFile(requireDone: false)
        let manifestURL = outputs.appendingPathComponent("manifest.json")
        if FileManager.default.fileExists(atPath: manifestURL.path) {
            do {
                let manifest = try JSONValue.parse(Data(contentsOf: manifestURL))
                guard let panels = manifest["panels"]?.arrayValue else { return problems + ["manifest.json has no panels array"] }
                for panel in panels where panel["panel_id"]?.stringValue == nil || panel["status"]?.stringValue == nil {
                    problems.append("manifest.json has a panel without panel_id or status")
                }
            } catch {
                problems.append("manifest.json is not valid JSON at a kill point: \(error)")
            }
        }
        problems += await checkLedger(requireCompleted: false)
        return problems
    }

    /// Problems at the end of a run, and what was counted. `serverOutputs` are the emulators' output folders.
    public func checkFinal(serverOutputs: [URL]) async -> (problems: [String], tally: Tally) {
        var tally = Tally()
        var problems = checkProjectFile(requireDone: true)
        let manifest: JSONValue
        do {
            manifest = try JSONValue.parse(Data(contentsOf: outputs.appendingPathComponent("manifest.json")))
        } catch {
            tally.lost = project.panelIDs.count
            return (problems + ["manifest.json unreadable at the end: \(error)"], tally)
        }
        let entries = manifest["panels"]?.arrayValue ?? []
        var listed: Set<String> = []
        var notes: [String: [PanelNote.Code]] = [:]
        var attempts: [String: Int] = [:]
        for entry in entries {
            guard let id = entry["panel_id"]?.stringValue else { problems.append("manifest entry without panel_id"); continue }
            guard listed.insert(id).inserted else { problems.append("\(id) appears twice in the manifest"); continue }
            notes[id] = entry["note_codes"]?.arrayValue?.compactMap { $0.stringValue.flatMap(PanelNote.Code.init(rawValue:)) } ?? []
            attempts[id] = entry["attempts"]?.intValue ?? 1
            guard entry["status"]?.stringValue == "completed" else {
                problems.append("\(id) is \(entry["status"]?.stringValue ?? "?") at the end: \(entry["error"]?["message"]?.stringValue ?? "no error")")
                continue
            }
            let files = entry["files"]?.arrayValue ?? []
            if files.count != project.batchSize { problems.append("\(id) lists \(files.count) files, expected \(project.batchSize)") }
            for file in files {
                guard let path = file["path"]?.stringValue, path.hasPrefix("outputs/\(id)/"), !path.contains("..") else {
                    problems.append("\(id) lists a file outside outputs/\(id)/: \(file["path"]?.stringValue ?? "?")")
                    continue
                }
                let url = project.directory.appendingPathComponent(path)
                guard let size = Self.regularFileSize(url) else { problems.append("\(path) is missing or not a regular file"); continue }
                if size != file["bytes"]?.numberValue?.int64 { problems.append("\(path) has \(size) bytes, manifest says \(file["bytes"]?.numberValue?.text ?? "?")") }
                if (try? OutputStore.sha256(of: url)) != file["sha256"]?.stringValue { problems.append("\(path) SHA-256 differs from the manifest") }
                tally.filesVerified += 1
            }
            tally.rendered += 1
            if notes[id]!.contains(where: \.isOutOfMemoryRecovery) { tally.outOfMemoryRecoveries += 1 }
        }
        for id in project.panelIDs where !listed.contains(id) { problems.append("\(id) is missing from the manifest") }
        tally.lost = project.panelIDs.count - tally.rendered
        problems += checkOutputsTree(manifest: entries)
        problems += await checkLedger(requireCompleted: true)

        let executions = Self.serverImages(in: serverOutputs)
        for id in project.panelIDs {
            // Each attempt is a new prompt that renders each image at most once; images beyond one per
            // image are explained only when the manifest says a server lost a prompt, and never beyond
            // what the recorded attempts can have rendered.
            let images = executions[id] ?? 0
            let extra = max(0, images - project.batchSize)
            // A lost prompt, or a prompt of a killed run that another server may also have rendered.
            let lostNoted = notes[id, default: []].contains(where: \.explainsResubmission)
            let explained = lostNoted ? min(extra, max(0, attempts[id, default: 1] * project.batchSize - project.batchSize)) : 0
            tally.reexecutedAfterLoss += explained
            if extra > explained {
                tally.duplicates += extra - explained
                problems.append("\(id) was executed \(images) times for \(project.batchSize) image(s) in \(attempts[id, default: 1]) attempt(s); the manifest explains \(explained) repeat(s)")
            }
        }
        return (problems, tally)
    }

    /// `project.json` readable, every key path of the original still present, and (at the end) marked done.
    func checkProjectFile(requireDone: Bool) -> [String] {
        let url = project.directory.appendingPathComponent("project.json")
        let current: JSONValue
        do {
            current = try JSONValue.parse(Data(contentsOf: url))
        } catch {
            return ["project.json is not valid JSON: \(error)"]
        }
        var problems = Self.missingKeys(original: project.originalProject, current: current, path: "").map { "project.json lost key \($0)" }
        if requireDone {
            let status = current["generation_status"]?["comfyui"]?.stringValue
            if status != "done" { problems.append("project.json generation_status.comfyui is \(status ?? "missing"), expected done") }
            let panels = current["asset_manifest"]?["comfyui_panels"]?.arrayValue?.count ?? 0
            if panels != project.panelIDs.count { problems.append("project.json lists \(panels) comfyui_panels, expected \(project.panelIDs.count)") }
        }
        return problems
    }

    /// Files under `outputs/` that are temporary, partial, links, or not in the manifest.
    func checkOutputsTree(manifest entries: [JSONValue]) -> [String] {
        var expected: Set<String> = ["outputs/manifest.json"]
        for entry in entries {
            for file in entry["files"]?.arrayValue ?? [] { if let path = file["path"]?.stringValue { expected.insert(path) } }
        }
        var problems: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: outputs.path) else { return ["outputs/ cannot be listed"] }
        while let relative = walker.nextObject() as? String {
            if relative == ".comfybridge" { walker.skipDescendants(); continue }
            let url = outputs.appendingPathComponent(relative)
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            let name = url.lastPathComponent
            if type == S_IFLNK { problems.append("outputs/\(relative) is a symbolic link"); continue }
            if type == S_IFDIR { continue }
            if name.hasSuffix(".part") || name.hasSuffix(".tmp") || name.hasPrefix(".") {
                problems.append("temporary file left: outputs/\(relative)")
            } else if !expected.contains("outputs/\(relative)") {
                problems.append("file not in the manifest: outputs/\(relative)")
            }
        }
        return problems
    }

    /// The ledger opens and reads; at the end every panel in it is completed.
    func checkLedger(requireCompleted: Bool) async -> [String] {
        let url = outputs.appendingPathComponent(".comfybridge/\(Ledger.fileName)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            return requireCompleted ? ["the ledger \(url.path) is missing at the end"] : []
        }
        do {
            let ledger = try Ledger(path: url.path)
            let panels = try await ledger.panels()
            guard requireCompleted else { return [] }
            return panels.filter { $0.state != .completed }.map { "ledger has \($0.panelID) \($0.state.rawValue) at the end" }
        } catch {
            return ["the ledger is unreadable: \(error)"]
        }
    }

    /// Images the servers saved per panel, from SaveImage's `<prefix>/<panel>_NNNNN_.png` files.
    static func serverImages(in folders: [URL]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("storycore").path)) ?? []
            for name in names where name.hasSuffix("_.png") {
                let parts = name.dropLast("_.png".count).split(separator: "_")
                guard parts.count >= 2 else { continue }
                counts[parts.dropLast().joined(separator: "_"), default: 0] += 1
            }
        }
        return counts
    }

    /// Key paths of `original` (objects only, arrays by index) that `current` lacks.
    static func missingKeys(original: JSONValue, current: JSONValue?, path: String) -> [String] {
        switch original {
        case .object(let object):
            guard let currentObject = current?.objectValue else { return path.isEmpty ? ["(root)"] : [path] }
            var missing: [String] = []
            for (key, value) in object {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let next = currentObject[key] else { missing.append(child); continue }
                missing += missingKeys(original: value, current: next, path: child)
            }
            return missing
        case .array(let array):
            guard let currentArray = current?.arrayValue else { return [path] }
            var missing: [String] = []
            for (i, value) in array.enumerated() {
                missing += missingKeys(original: value, current: currentArray.indices.contains(i) ? currentArray[i] : nil, path: "\(path)[\(i)]")
            }
            return missing
        default:
            return current == nil ? [path] : []
        }
    }

    static func regularFileSize(_ url: URL) -> Int64? {
        var info = stat()
        guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}
