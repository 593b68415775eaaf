import Foundation
import StoryCoreImaging
import Testing

@Suite struct ImageMeasuresTests {
    @Test func measuresMatchPillowAndNumpyReference() throws {
        let reference = try ImagingFixtures.reference()
        #expect(reference.images.count == ImagingFixtures.colourTypes.count + reference.quality.count)
        for record in reference.images {
            let measures = ImageMeasures.measure(try PNGCodec.decode(contentsOf: ImagingFixtures.url(record.name + ".png")))
            #expect(measures.width == record.width && measures.height == record.height)
            #expect(ImagingFixtures.close(measures.mean, record.mean), "\(record.name) mean \(measures.mean) vs \(record.mean)")
            #expect(ImagingFixtures.close(measures.stddev, record.stddev), "\(record.name) stddev \(measures.stddev) vs \(record.stddev)")
            #expect(ImagingFixtures.close(measures.darkShare, record.darkShare), "\(record.name) dark share")
            #expect(ImagingFixtures.close(measures.brightShare, record.brightShare), "\(record.name) bright share")
            #expect(ImagingFixtures.close(measures.sharpness, record.sharpness),
                    "\(record.name) sharpness \(measures.sharpness) vs \(record.sharpness)")
        }
    }

    @Test func verdictsOnBlackFlatBlurredSharpDarkAndWashedOutFixtures() throws {
        let reference = try ImagingFixtures.reference()
        let thresholds = QualityThresholds()
        var seen: [String: QualityVerdict] = [:]
        for record in reference.images {
            guard let expected = record.verdict else { continue }
            let report = thresholds.report(for: try PNGCodec.decode(contentsOf: ImagingFixtures.url(record.name + ".png")))
            #expect(report.verdict.rawValue == expected, "\(record.name): \(report.verdict) instead of \(expected)")
            seen[record.name] = report.verdict
        }
        #expect(seen == ["black": .blank, "flat_grey": .blank, "blurred": .soft, "sharp": .ok, "dark": .dark, "washed_out": .washedOut])
    }

    @Test func minSharpnessDecidesSoft() throws {
        let blurred = ImageMeasures.measure(try PNGCodec.decode(contentsOf: ImagingFixtures.url("blurred.png")))
        #expect(QualityThresholds(minSharpness: 5).verdict(for: blurred) == .ok)
        #expect(QualityThresholds(minSharpness: 50).verdict(for: blurred) == .soft)
    }

    @Test func laplacianUsesIntegersWithoutEightBitWrap() throws {
        // A single white pixel on black: centre 4·255 = 1020, its four neighbours −255, over a 3×3
        // interior (5×5 image): values [1020, −255 ×4, 0 ×4]; numpy's .var() of them.
        var pixels = [UInt8](repeating: 0, count: 5 * 5 * 3)
        for channel in 0..<3 { pixels[(2 * 5 + 2) * 3 + channel] = 255 }
        let measures = ImageMeasures.measure(try RGBImage(width: 5, height: 5, pixels: pixels))
        let values: [Double] = [1020, -255, -255, -255, -255, 0, 0, 0, 0]
        let mean = values.reduce(0, +) / 9
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 9
        #expect(ImagingFixtures.close(measures.sharpness, variance))
    }

    @Test func lumaIsPillowsIntegerBT601() throws {
        // (R·19595 + G·38470 + B·7471 + 0x8000) >> 16 for pure red, green, blue: 76, 150, 29.
        for (rgb, luma) in [([UInt8(255), 0, 0], 76.0), ([0, 255, 0], 150.0), ([0, 0, 255], 29.0)] {
            #expect(ImageMeasures.measure(try RGBImage(width: 1, height: 1, pixels: rgb)).mean == luma)
        }
    }

    @Test func tinyImagesHaveZeroSharpness() throws {
        let measures = ImageMeasures.measure(try RGBImage(width: 2, height: 9, red: 10, green: 200, blue: 30))
        #expect(measures.sharpness == 0)
    }

    @Test func reportEncodesFlatWithSnakeCaseKeys() throws {
        let report = QualityThresholds().report(for: try PNGCodec.decode(contentsOf: ImagingFixtures.url("black.png")))
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["verdict", "mean", "stddev", "dark_share", "bright_share", "sharpness", "width", "height"])
        #expect(object?["verdict"] as? String == "blank")
        #expect(try JSONDecoder().decode(QualityReport.self, from: JSONEncoder().encode(report)) == report)
        #expect(QualityVerdict.washedOut.rawValue == "washed_out")
    }
}
