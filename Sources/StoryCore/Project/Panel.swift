/// One image job of a project: a storyboard panel mapped to its shot, or the master coherence sheet.
///
/// Values come from the contract: prompt from the shot, size from `config.target_resolution`,
/// seed from `PanelSeed` (the master sheet uses the global seed itself).
public struct Panel: Sendable, Hashable, Identifiable {
    /// The panel id (`panel_01` …, or `master_grid`); also the folder name under `outputs/`.
    public let id: String
    /// The position in render order, from 0.
    public let position: Int
    /// The shot this panel shows; nil for the master coherence sheet.
    public let shotID: String?
    /// The positive prompt.
    public let prompt: String
    /// The negative prompt, when the shot has one.
    public let negativePrompt: String?
    /// The image size in pixels.
    public let resolution: Resolution
    /// The seed, stable across runs, processes and machines (clamped later to the graph's seed range).
    public let seed: UInt64
    /// Sampler steps that override the workflow's, from the shot's `technical.steps`.
    public let steps: Int?
    /// CFG scale that overrides the workflow's, from the shot's `technical.cfg_scale`.
    public let cfgScale: Double?
    /// For the master coherence sheet, the project-relative path its image is also copied to.
    public let copyPath: String?

    /// The reserved id of the master coherence sheet job.
    public static let masterGridID = "master_grid"

    /// True for the master coherence sheet job.
    public var isMasterGrid: Bool { id == Self.masterGridID }

    /// True when `id` is safe as a folder name and as part of a prompt id: 1–128 characters of
    /// letters, digits, `_`, `-` and `.`, not starting with `.`.
    public static func isValidID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 128, !id.hasPrefix(".") else { return false }
        return id.unicodeScalars.allSatisfy { s in
            (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "_" || s == "-" || s == "."
        }
    }
}

/// A width and height in pixels, written `"1920x1080"` in `project.json`.
public struct Resolution: Sendable, Hashable, CustomStringConvertible {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int

    /// Creates a resolution.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `"<width>x<height>"` with positive integers (an upper-case `X` is accepted); nil otherwise.
    public init?(parsing text: String) {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "X", omittingEmptySubsequences: false) }
        guard parts.count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else { return nil }
        self.init(width: w, height: h)
    }

    /// `"<width>x<height>"`.
    public var description: String { "\(width)x\(height)" }
}
