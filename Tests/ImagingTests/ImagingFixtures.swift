import Foundation
import StoryCoreImaging

/// The fixtures made by `Tests/Fixtures/imaging/make_fixtures.py` and its reference figures.
enum ImagingFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/imaging", isDirectory: true)

    /// One image's reference figures, computed with Pillow and numpy.
    struct Record: Decodable, Sendable {
        var name: String
        var width: Int
        var height: Int
        var mean: Double
        var stddev: Double
        var darkShare: Double
        var brightShare: Double
        var sharpness: Double
        var verdict: String?

        enum CodingKeys: String, CodingKey {
            case name, width, height, mean, stddev, sharpness, verdict
            case darkShare = "dark_share"
            case brightShare = "bright_share"
        }
    }

    struct Reference: Decodable, Sendable {
        var colourTypes: [String]
        var quality: [String]
        var images: [Record]

        enum CodingKeys: String, CodingKey {
            case images, quality
            case colourTypes = "colour_types"
        }
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("reference.json")))
    }

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static func expectedPixels(_ name: String) throws -> RGBImage {
        let url = url(name + ".ppm")
        return try PPMCodec.decode(Data(contentsOf: url), source: url.path)
    }

    /// The colour-type fixtures (listed here for parameterised tests; checked against reference.json).
    static let colourTypes = [
        "grey8", "grey16", "grey1", "grey2", "grey4", "grey8_trns", "grey_alpha8", "grey_alpha16",
        "palette8_trns", "palette4", "rgb8", "rgb16", "rgba8", "rgba16",
        "rgb8_interlaced", "rgba16_interlaced", "palette8_trns_interlaced", "grey2_interlaced",
    ]

    /// `a` and `b` agree to 1e-6 relative (or both within 1e-9 of zero).
    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= max(1e-9, 1e-6 * max(abs(a), abs(b)))
    }
}
