import Foundation
import StoryCoreImaging
import Testing

@Suite struct PNGCodecTests {
    @Test func fixtureListMatchesTheReference() throws {
        #expect(try ImagingFixtures.reference().colourTypes == ImagingFixtures.colourTypes)
    }

    @Test(arguments: ImagingFixtures.colourTypes)
    func decodesEveryColourTypeToTheReferencePixels(name: String) throws {
        let image = try PNGCodec.decode(contentsOf: ImagingFixtures.url(name + ".png"))
        let expected = try ImagingFixtures.expectedPixels(name)
        #expect(image.width == expected.width && image.height == expected.height)
        let differing = zip(image.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(name): \(differing) samples differ from the reference")
    }

    @Test func compositesAlphaOntoBlackAndRoundsSixteenBitSamples() throws {
        // rgba16: the last three rows are fully transparent, the first three opaque.
        let image = try PNGCodec.decode(contentsOf: ImagingFixtures.url("rgba16.png"))
        #expect(image.pixel(x: 5, y: image.height - 1)! == (0, 0, 0))
        let opaque = try PNGCodec.decode(contentsOf: ImagingFixtures.url("rgb16.png"))
        #expect(image.pixel(x: 5, y: 0)! == opaque.pixel(x: 5, y: 0)!)
    }

    @Test func encodedImageDecodesToTheSamePixels() throws {
        var generator = SystemRandomNumberGenerator()
        let pixels = (0..<(61 * 17 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let image = try RGBImage(width: 61, height: 17, pixels: pixels)
        let data = try PNGCodec.encode(image)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(try PNGCodec.decode(data, source: "round-trip") == image)
    }

    @Test func truncatedFileIsATypedErrorNamingTheFile() throws {
        let url = ImagingFixtures.url("truncated.png")
        #expect(throws: ImageError.truncated(source: url.path)) { try PNGCodec.decode(contentsOf: url) }
        #expect(ImageError.truncated(source: url.path).description.contains("truncated.png"))
    }

    @Test(arguments: [("bad_crc.png", "crc"), ("bad_idat.png", "idat")])
    func damagedDataIsCorruptWithLibpngsReason(name: String, word: String) throws {
        let url = ImagingFixtures.url(name)
        do {
            _ = try PNGCodec.decode(contentsOf: url)
            Issue.record("\(name) decoded")
        } catch {
            guard case .corrupt(let source, let reason) = error else { Issue.record("got \(error)"); return }
            #expect(source == url.path)
            #expect(reason.lowercased().contains(word), "\(reason)")
            #expect(error.description.hasPrefix(url.path))
        }
    }

    @Test func nonPNGDataIsRefusedAsNotAnImage() throws {
        let url = ImagingFixtures.url("not_png.png")
        #expect(throws: ImageError.notAnImage(source: url.path, expected: "PNG")) { try PNGCodec.decode(contentsOf: url) }
        #expect(throws: ImageError.notAnImage(source: "empty", expected: "PNG")) { try PNGCodec.decode(Data(), source: "empty") }
    }

    @Test func oversizedDimensionsAreRefusedBeforeDecoding() throws {
        let url = ImagingFixtures.url("huge_header.png")
        #expect(throws: ImageError.tooLarge(source: url.path, width: 20000, height: 20000, limits: PNGCodec.Limits())) {
            try PNGCodec.decode(contentsOf: url)
        }
        let small = PNGCodec.Limits(maxWidth: 100, maxHeight: 100, maxPixels: 500)
        #expect(throws: ImageError.tooLarge(source: "rgb8", width: 37, height: 23, limits: small)) {
            try PNGCodec.decode(Data(contentsOf: ImagingFixtures.url("rgb8.png")), source: "rgb8", limits: small)
        }
    }

    @Test func hostileHeaderSizesNeverTrapEvenWithoutLimits() throws {
        var data = try Data(contentsOf: ImagingFixtures.url("huge_header.png"))
        data.replaceSubrange(16..<24, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        let open = PNGCodec.Limits(maxWidth: .max, maxHeight: .max, maxPixels: .max)
        #expect(throws: ImageError.self) { try PNGCodec.decode(data, source: "hostile", limits: open) }
    }

    @Test func missingFileIsUnreadableNamingIt() {
        let url = ImagingFixtures.url("no_such_file.png")
        do {
            _ = try PNGCodec.decode(contentsOf: url)
            Issue.record("a missing file decoded")
        } catch {
            guard case .unreadable(let source, _) = error else { Issue.record("got \(error)"); return }
            #expect(source == url.path)
        }
    }

    @Test func everyPrefixOfAValidFileFailsCleanly() throws {
        let data = try Data(contentsOf: ImagingFixtures.url("rgb8_interlaced.png"))
        for length in stride(from: 0, to: data.count, by: 7) {
            #expect(throws: ImageError.self) { try PNGCodec.decode(data.prefix(length), source: "prefix") }
        }
    }

    @Test func mismatchedPixelBufferIsRefused() {
        #expect(throws: ImageError.self) { try RGBImage(width: 2, height: 2, pixels: [0, 0, 0]) }
        #expect(throws: ImageError.self) { try RGBImage(width: 0, height: 2, pixels: []) }
    }
}
