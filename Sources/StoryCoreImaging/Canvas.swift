/// A mutable RGB drawing surface for the contact sheet: fills, pastes and bitmap text, all clipped
/// to the surface.
struct Canvas {
    let width: Int
    let height: Int
    private var pixels: [UInt8]

    init(width: Int, height: Int, fill colour: (UInt8, UInt8, UInt8)) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        self.fill(x: 0, y: 0, width: width, height: height, colour: colour)
    }

    var image: RGBImage { RGBImage(unchecked: width, height, pixels) }

    mutating func fill(x: Int, y: Int, width: Int, height: Int, colour: (UInt8, UInt8, UInt8)) {
        let left = max(0, x), right = min(self.width, x + width)
        let top = max(0, y), bottom = min(self.height, y + height)
        guard left < right, top < bottom else { return }
        for row in top..<bottom {
            var index = (row * self.width + left) * 3
            for _ in left..<right {
                pixels[index] = colour.0
                pixels[index + 1] = colour.1
                pixels[index + 2] = colour.2
                index += 3
            }
        }
    }

    mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        for row in 0..<image.height where y + row >= 0 && y + row < height {
            for column in 0..<image.width where x + column >= 0 && x + column < width {
                let source = (row * image.width + column) * 3
                let target = ((y + row) * width + x + column) * 3
                pixels[target] = image.pixels[source]
                pixels[target + 1] = image.pixels[source + 1]
                pixels[target + 2] = image.pixels[source + 2]
            }
        }
    }

    mutating func draw(text: String, x: Int, y: Int, scale: Int, colour: (UInt8, UInt8, UInt8)) {
        var penX = x
        for character in text {
            let rows = BitmapFont.glyph(for: character)
            for (rowIndex, bits) in rows.enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    fill(x: penX + column * scale, y: y + rowIndex * scale, width: scale, height: scale, colour: colour)
                }
            }
            penX += BitmapFont.advance * scale
        }
    }
}
