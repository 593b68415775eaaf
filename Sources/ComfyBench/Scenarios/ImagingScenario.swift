import Foundation
import StoryCoreImaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `imaging`: what the quality gate costs per stored image. A 1024×1024 RGB PNG (a smooth scene
/// with noise, written by libpng at its default compression, about what a diffusion model's output
/// compresses to) is decoded and measured `repetitions` times in this process; figures are the CPU
/// time of the calling thread per image (decode + measure, and each alone). No baseline.
struct ImagingScenario: Scenario {
    let name = "imaging"
    /// Images decoded and measured (each a sample).
    var repetitions = 30
    /// Side of the square test image.
    var side = 1024

    /// The test image: gradients, a few shapes and ±12 of noise, deterministic.
    static func testImage(side: Int) throws(BenchError) -> RGBImage {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int((state >> 59) & 0x1F) - 12 + 4
                let circle = ((x - side / 2) * (x - side / 2) + (y - side / 3) * (y - side / 3)) < (side / 5) * (side / 5)
                let base = (r: x * 200 / side + 30, g: y * 180 / side + 40, b: (x + y) * 100 / side + (circle ? 90 : 20))
                let index = (y * side + x) * 3
                pixels[index] = UInt8(clamping: base.r + noise)
                pixels[index + 1] = UInt8(clamping: base.g + noise)
                pixels[index + 2] = UInt8(clamping: base.b + noise)
            }
        }
        do {
            return try RGBImage(width: side, height: side, pixels: pixels)
        } catch {
            throw .file(path: "imaging test image", reason: error.description)
        }
    }

    /// CPU time of the calling thread in milliseconds.
    static func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1_000_000
    }

    func run(in workspace: Workspace, log: @Sendable (String) -> Void) async throws(BenchError) -> [Figure] {
        let image = try Self.testImage(side: side)
        let png: Data
        do {
            png = try PNGCodec.encode(image)
        } catch {
            throw .file(path: "imaging test image", reason: error.description)
        }
        log("imaging: \(side)×\(side) RGB PNG of \(png.count / 1024) KiB, \(repetitions) repetitions")
        var total: [Double] = []
        var decodeOnly: [Double] = []
        var measureOnly: [Double] = []
        let thresholds = QualityThresholds()
        for _ in 0..<repetitions {
            let start = Self.threadCPUMilliseconds()
            let image: RGBImage
            do {
                image = try PNGCodec.decode(png, source: "imaging test image")
            } catch {
                throw .file(path: "imaging test image", reason: error.description)
            }
            let decoded = Self.threadCPUMilliseconds()
            let report = thresholds.report(for: image)
            let end = Self.threadCPUMilliseconds()
            precondition(report.measures.width == side)
            total.append(end - start)
            decodeOnly.append(decoded - start)
            measureOnly.append(end - decoded)
        }
        let note = "CPU time of one thread per image, in process; no baseline"
        return [
            Figure(scenario: name, name: "decode + measure, CPU ms per \(side)×\(side) PNG", comfyBridge: Spread(samples: total),
                   baseline: nil, target: .atMost(30), digits: 2, note: note),
            Figure(scenario: name, name: "PNG decode alone, CPU ms", comfyBridge: Spread(samples: decodeOnly),
                   baseline: nil, target: .none, digits: 2, note: nil),
            Figure(scenario: name, name: "measures and verdict alone, CPU ms", comfyBridge: Spread(samples: measureOnly),
                   baseline: nil, target: .none, digits: 2, note: nil),
        ]
    }
}
