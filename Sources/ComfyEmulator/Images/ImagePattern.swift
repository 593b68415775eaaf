/// Draws the pixels of a simulated image: a flat colour for EmptyImage, otherwise a two-colour
/// gradient with a light texture whose colours and direction depend only on the seed, the prompt
/// text, the size and the batch index.
struct ImagePattern: Sendable {
    let width: Int
    let height: Int
    private let solid: (UInt8, UInt8, UInt8)?
    private let from: (Int, Int, Int)
    private let to: (Int, Int, Int)
    private let flip: Bool
    private let texture: Int

    /// The pattern of image `index` of `spec`, drawn at `width`×`height` (previews draw smaller).
    init(spec: ImageSpec, index: Int, width: Int? = nil, height: Int? = nil) {
        self.width = max(width ?? spec.width, 1)
        self.height = max(height ?? spec.height, 1)
        if let c = spec.solidColor {
            solid = (UInt8((c >> 16) & 0xFF), UInt8((c >> 8) & 0xFF), UInt8(c & 0xFF))
        } else {
            solid = nil
        }
        var h = ImagePattern.fnv("\(spec.seed)\u{0}\(spec.text)\u{0}\(spec.width)x\(spec.height)#\(index)")
        func next() -> Int {
            h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD; h ^= h >> 33
            return Int(h & 0xFF)
        }
        from = (next(), next(), next())
        to = (next(), next(), next())
        flip = next() & 1 == 1
        texture = next() & 0x3F
    }

    /// Writes row `y` as RGB bytes into `row` (at least `width * 3` bytes).
    func fill(row y: Int, into row: UnsafeMutablePointer<UInt8>) {
        if let (r, g, b) = solid {
            for x in 0..<width { row[x * 3] = r; row[x * 3 + 1] = g; row[x * 3 + 2] = b }
            return
        }
        let span = max(width + height - 2, 1)
        let yy = flip ? height - 1 - y : y
        for x in 0..<width {
            let t = x + yy
            let wave = ((x &* 7 &+ yy &* 13 &+ texture) >> 3) & 15
            row[x * 3] = UInt8(clamping: from.0 + (to.0 - from.0) * t / span + wave)
            row[x * 3 + 1] = UInt8(clamping: from.1 + (to.1 - from.1) * t / span + wave)
            row[x * 3 + 2] = UInt8(clamping: from.2 + (to.2 - from.2) * t / span + wave)
        }
    }

    static func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
