import Foundation
import StoryCoreImaging

extension OutputStore {
    /// The quality report of a downloaded file when it is a still PNG and `thresholds` is set (nil
    /// for other media, animated files, or with the gate off).
    ///
    /// Throws `OutputError.corruptImage` when the PNG cannot be decoded (bad CRC, truncated,
    /// not a PNG at all), so the panel fails with that reason instead of handing on a broken file.
    static func quality(of url: URL, mediaType: String, animated: Bool, thresholds: QualityThresholds?, panelID: String,
                        name: String) throws(OutputError) -> QualityReport? {
        guard let thresholds, mediaType == "image/png", !animated else { return nil }
        let image = try decodePNG(url, panelID: panelID, name: name)
        return thresholds.report(for: image)
    }

    /// Decodes the PNG at `url` to 8-bit RGB; `OutputError.corruptImage` naming the panel and file otherwise.
    static func decodePNG(_ url: URL, panelID: String, name: String) throws(OutputError) -> RGBImage {
        do {
            return try PNGCodec.decode(contentsOf: url)
        } catch {
            throw .corruptImage(panelID: panelID, name: name, reason: Self.reason(error))
        }
    }

    /// The part of an imaging error that is not the file's (temporary) path.
    static func reason(_ error: ImageError) -> String {
        switch error {
        case .notAnImage(_, let expected): "not a \(expected) file"
        case .truncated: "the image is truncated"
        case .corrupt(_, let reason): reason
        case .tooLarge(_, let width, let height, _): "\(width)×\(height) pixels is over the decoder's limit"
        case .unreadable(_, let reason): "cannot read: \(reason)"
        case .outOfMemory: "not enough memory to decode it"
        case .invalidImage(let reason): reason
        }
    }
}
