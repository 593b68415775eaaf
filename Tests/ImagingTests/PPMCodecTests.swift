import Foundation
import StoryCoreImaging
import Testing

@Suite struct PPMCodecTests {
    @Test func writesBinaryP6HeaderThenRowMajorBytes() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 250, 251, 252])
        let data = PPMCodec.encode(image)
        #expect(data == Data("P6\n2 1\n255\n".utf8) + Data([1, 2, 3, 250, 251, 252]))
        #expect(try PPMCodec.decode(data, source: "a.ppm") == image)
    }

    @Test func decodedPNGWrittenAsPPMKeepsEveryPixel() throws {
        let image = try PNGCodec.decode(contentsOf: ImagingFixtures.url("rgba8.png"))
        let data = PPMCodec.encode(image)
        let header = "P6\n\(image.width) \(image.height)\n255\n"
        #expect(data.count == header.utf8.count + image.width * image.height * 3)
        #expect(try PPMCodec.decode(data, source: "rgba8.ppm") == image)
    }

    @Test func readsHeaderComments() throws {
        let data = Data("P6 # made by hand\n1 1\n# maxval next\n255\n".utf8) + Data([9, 8, 7])
        #expect(try PPMCodec.decode(data, source: "c.ppm").pixel(x: 0, y: 0)! == (9, 8, 7))
    }

    @Test func refusesOtherFormatsAndShortData() {
        #expect(throws: ImageError.notAnImage(source: "a", expected: "binary PPM (P6)")) {
            try PPMCodec.decode(Data("P3\n1 1\n255\n0 0 0\n".utf8), source: "a")
        }
        #expect(throws: ImageError.truncated(source: "b")) {
            try PPMCodec.decode(Data("P6\n2 2\n255\n".utf8) + Data([1, 2, 3]), source: "b")
        }
        #expect(throws: ImageError.self) { try PPMCodec.decode(Data("P6\n1 1\n65535\n".utf8) + Data(count: 6), source: "c") }
    }
}
