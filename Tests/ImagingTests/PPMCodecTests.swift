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
}
