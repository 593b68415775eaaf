import ComfyWorkflow
import Foundation
import Logging
import StoryCoreImaging

/// The hand-off to StoryCore's later steps: each completed panel's current image also written where
/// `promote` and `qa` read it, `assets/images/panels/panel_NN.ppm` (binary PPM, P6) and `.png`, and the
/// master sheet as `assets/images/grids/grid_<spec>.ppm` and `.png`.
///
/// `NN` is the panel's 1-based place in storyboard order, two digits. The pixels are exactly the
/// rendered PNG's as `PNGCodec` decodes it (alpha composited onto black, 16-bit samples rounded to
/// 8 bits); both files are replaced atomically, so a reader sees the old image or the new one.
public struct HandOff: Sendable {
    /// The project folder.
    public let projectDirectory: URL

    /// The folder of panel images, relative to the project.
    public static let panelsFolder = "assets/images/panels"
    /// The folder of grid images, relative to the project.
    public static let gridsFolder = "assets/images/grids"

    /// A hand-off for the project in `projectDirectory`.
    public init(projectDirectory: URL) {
        self.projectDirectory = projectDirectory.standardizedFileURL
    }

    /// `assets/images/panels/panel_NN` (without extension) for the panel at 1-based storyboard `index`.
    public static func panelStem(index: Int) -> String { "\(panelsFolder)/\(panelName(index: index))" }

    /// `panel_NN` for 1-based `index` (two digits at least).
    public static func panelName(index: Int) -> String { String(format: "panel_%02d", index) }

    /// `assets/images/grids/grid_<spec>` (without extension).
    public static func gridStem(spec: String) -> String { "\(gridsFolder)/grid_\(spec)" }

    /// The grid spec (`<columns>x<rows>`) of a project's master sheet: `3x3`, `1x2` or `1x4` when the
    /// storyboard has 9, 2 or 4 panels (StoryCore's `qa` wants columns × rows panels); otherwise the
    /// `dimensions` already in `asset_manifest.grid`, if any; otherwise `3x3`, StoryCore's default.
    public static func gridSpec(of project: Project) -> String {
        switch project.panels.filter({ !$0.isMasterGrid }).count {
        case 9: return "3x3"
        case 2: return "1x2"
        case 4: return "1x4"
        default:
            if let given = project.document["asset_manifest"]?["grid"]?["dimensions"]?.stringValue, isSpec(given) { return given }
            return "3x3"
        }
    }

    static func isSpec(_ text: String) -> Bool {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCII) && Int($0) != nil && Int($0)! > 0 }
    }

    /// The 1-based storyboard place of each panel of `panels` (the master sheet has none).
    public static func indices(of panels: [Panel]) -> [String: Int] {
        var indices: [String: Int] = [:]
        for (offset, panel) in panels.filter({ !$0.isMasterGrid }).enumerated() { indices[panel.id] = offset + 1 }
        return indices
    }

    /// The version handed on for a panel and its files: the version the latest review approved, when
    /// that review came after the newest version finished; otherwise the newest completed version.
    /// Nil when no version completed.
    public static func current(_ record: PanelRecord) -> (version: Int, files: [StoredFile], finishedAt: Date?)? {
        let newest: (Int, [StoredFile], Date?)? = record.state == .completed && !record.files.isEmpty
            ? (record.version, record.files, record.finishedAt)
            : record.history.last(where: { $0.state == .completed && !$0.files.isEmpty }).map { ($0.version, $0.files, $0.finishedAt) }
        if let review = record.review, review.verdict == .approved, review.version != newest?.0,
           review.at >= (newest?.2 ?? .distantPast) {
            if review.version == record.version, record.state == .completed, !record.files.isEmpty {
                return (record.version, record.files, record.finishedAt)
            }
            if let approved = record.history.first(where: { $0.version == review.version && $0.state == .completed && !$0.files.isEmpty }) {
                return (approved.version, approved.files, approved.finishedAt)
            }
        }
        return newest
    }

    /// The image a version hands on: its first still PNG.
    public static func image(in files: [StoredFile]) -> StoredFile? {
        files.first { $0.mediaType == "image/png" && !$0.animated }
    }

    /// Decodes the stored PNG `file` and writes it as `<stem>.ppm` and `<stem>.png` inside the project,
    /// each atomically (temporary file, fsync, rename), creating the folders.
    ///
    /// Throws `OutputError.corruptImage` when the PNG does not decode, `.unsafeDirectory` when the
    /// target folder is a symbolic link out of the project, `.io` when a write fails.
    public func write(_ file: StoredFile, panelID: String, toStem stem: String) throws(OutputError) {
        let source = projectDirectory.appendingPathComponent(file.path)
        let image = try OutputStore.decodePNG(source, panelID: panelID, name: file.path)
        let png: Data
        do { png = try PNGCodec.encode(image) } catch {
            throw .io(path: stem + ".png", reason: error.description)
        }
        let ppm = PPMCodec.encode(image)
        let folder = try checkedFolder(for: stem)
        let name = URL(fileURLWithPath: stem).lastPathComponent
        for (ext, bytes) in [("ppm", ppm), ("png", png)] {
            let target = folder.appendingPathComponent("\(name).\(ext)")
            do { try AtomicFile.replace(Array(bytes), to: target) } catch {
                throw .io(path: target.path, reason: "\(error)")
            }
        }
    }

    /// The folder of `stem`, created, and checked to resolve inside the project.
    private func checkedFolder(for stem: String) throws(OutputError) -> URL {
        let folder = projectDirectory.appendingPathComponent(stem).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .io(path: folder.path, reason: (error as NSError).localizedDescription)
        }
        let root = OutputStore(projectDirectory: projectDirectory).realPath(projectDirectory) ?? projectDirectory.path
        guard let resolved = OutputStore(projectDirectory: projectDirectory).realPath(folder), resolved.hasPrefix(root + "/") else {
            throw .unsafeDirectory(path: folder.path, reason: "resolves outside the project \(root)")
        }
        return folder
    }
}

extension PanelDriver {
    /// Writes the version just rendered to StoryCore's layout (`render` without `--no-handoff`): a
    /// redo's new version replaces what an earlier one handed on. Shot clips hand nothing on.
    func handOn() async throws {
        guard context.options.handoff, item.job.clip == nil,
              let record = try await context.ledger.panel(panelID), let file = HandOff.image(in: record.files) else { return }
        let stem: String
        if item.job.panel.isMasterGrid {
            stem = HandOff.gridStem(spec: context.handoffGridSpec)
        } else {
            stem = HandOff.panelStem(index: item.job.panel.position + 1)
        }
        try HandOff(projectDirectory: context.store.projectDirectory).write(file, panelID: panelID, toStem: stem)
    }
}

extension HandOff {
    /// After the panels of a run: hands on the completed panels whose hand-off files are missing (kept
    /// from a `--no-handoff` run, or deleted since), logging any that cannot be.
    static func handOnMissing(project: Project, ledger: Ledger, logger: Logger) async {
        guard let records = try? await ledger.panels() else { return }
        let outcome = HandOff(projectDirectory: project.directory).fillMissing(project: project, records: records)
        for (panelID, reason) in outcome.failed.sorted(by: { $0.key < $1.key }) {
            logger.warning("cannot hand \(panelID) on to StoryCore: \(reason)")
        }
    }
}
