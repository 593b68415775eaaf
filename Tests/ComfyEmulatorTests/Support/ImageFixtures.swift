@testable import ComfyEmulator
import Foundation

/// Small PNGs for upload tests, drawn with the emulator's own encoder.
enum ImageFixtures {
    static func png(width: Int, height: Int, color: Int) -> [UInt8] {
        PNGWriter.encode(ImagePattern(spec: ImageSpec(width: width, height: height, batch: 1, seed: "0", text: "", solidColor: color), index: 0))
    }
}
