import ComfyWorkflow
import StoryCoreImaging

/// What a run does with the quality gate's verdicts (`render --qa`).
public enum QualityPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Nothing is measured or recorded.
    case off
    /// Every image is measured and its verdict recorded; a failing panel gets a note, nothing is redone (default).
    case report
    /// As `report`, and a panel whose image fails is rendered again as its next version with seed + k
    /// (k = 1…`maxRedos`) until one passes; still failing after that, it completes with a note.
    case redo(maxRedos: Int)

    /// Parses `off`, `report`, `redo` (one redo) or `redo:N` (N from 1 to 20); nil otherwise.
    public init?(parsing text: String) {
        switch text {
        case "off": self = .off
        case "report": self = .report
        case "redo": self = .redo(maxRedos: 1)
        default:
            guard text.hasPrefix("redo:"), let count = Int(text.dropFirst(5)), (1...20).contains(count) else { return nil }
            self = .redo(maxRedos: count)
        }
    }

    /// True unless `.off`.
    public var measures: Bool { self != .off }

    /// Redos allowed per panel (0 unless `.redo`).
    public var maxRedos: Int {
        if case .redo(let count) = self { return count }
        return 0
    }

    /// The form `init(parsing:)` reads: `off`, `report`, `redo:N`.
    public var description: String {
        switch self {
        case .off: "off"
        case .report: "report"
        case .redo(let count): "redo:\(count)"
        }
    }
}

extension QualityReport {
    /// The manifest's `quality` object: `verdict`, `sharpness`, `mean`, `stddev`, `dark_share`, `bright_share`.
    public var json: JSONValue {
        .object([
            "verdict": .string(verdict.rawValue),
            "sharpness": .double(measures.sharpness),
            "mean": .double(measures.mean),
            "stddev": .double(measures.stddev),
            "dark_share": .double(measures.darkShare),
            "bright_share": .double(measures.brightShare),
        ])
    }

    /// Reads the form written by `json`; nil for anything else.
    init?(json value: JSONValue?) {
        guard let value, let verdict = value["verdict"]?.stringValue.flatMap(QualityVerdict.init(rawValue:)),
              let sharpness = value["sharpness"]?.doubleValue, let mean = value["mean"]?.doubleValue,
              let stddev = value["stddev"]?.doubleValue else { return nil }
        let measures = ImageMeasures(mean: mean, stddev: stddev, darkShare: value["dark_share"]?.doubleValue ?? 0,
                                     brightShare: value["bright_share"]?.doubleValue ?? 0, sharpness: sharpness,
                                     width: value["width"]?.intValue ?? 0, height: value["height"]?.intValue ?? 0)
        self.init(verdict: verdict, measures: measures)
    }
}
