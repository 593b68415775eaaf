@testable import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("Python value rules used by validation")
struct PythonTextTests {
    @Test func intConversionFollowsPython() throws {
        #expect(try ValueCoercion.int("65") == 65)
        #expect(try ValueCoercion.int(" 65 ") == 65)
        #expect(try ValueCoercion.int(65.7) == 65)
        #expect(try ValueCoercion.int(-65.7) == -65)
        #expect(try ValueCoercion.int(true) == 1)
        #expect(try ValueCoercion.int("18446744073709551615") == .number(JSONNumber(text: "18446744073709551615")!))
        #expect(throws: ConversionFailure.self) { try ValueCoercion.int("ten") }
        #expect(throws: ConversionFailure.self) { try ValueCoercion.int("6.5") }
        #expect(throws: ConversionFailure.self) { try ValueCoercion.int(.null) }
        do { _ = try ValueCoercion.int("ten") } catch { #expect(error.message == "invalid literal for int() with base 10: 'ten'") }
        do { _ = try ValueCoercion.int(.null) } catch { #expect(error.message.hasSuffix("not 'NoneType'")) }
    }

    @Test func floatStringAndBoolConversions() throws {
        #expect(try ValueCoercion.float(7) == .number(JSONNumber(text: "7.0")!))
        #expect(try ValueCoercion.float("2.5") == 2.5)
        #expect(throws: ConversionFailure.self) { try ValueCoercion.float("abc") }
        #expect(try ValueCoercion.coerce(12.5, to: "STRING") == "12.5")
        #expect(try ValueCoercion.coerce(.bool(true), to: "STRING") == "True")
        #expect(try ValueCoercion.coerce("false", to: "BOOLEAN") == true)
        #expect(try ValueCoercion.coerce("", to: "BOOLEAN") == false)
    }

    @Test func reprMatchesPython() {
        #expect(PythonText.repr(["nearest-exact", "bilinear"]) == "['nearest-exact', 'bilinear']")
        #expect(PythonText.repr("it's") == "\"it's\"")
        #expect(PythonText.repr(["a": 1, "b": .null]) == "{'a': 1, 'b': None}")
        #expect(PythonText.float(1e-5) == "1e-05")
        #expect(PythonText.float(7) == "7.0")
    }

    @Test func bigIntegersCompareExactly() {
        let max = JSONNumber(text: "18446744073709551615")!
        #expect(PythonText.compare(JSONNumber(text: "18446744073709551616")!, max) == 1)
        #expect(PythonText.compare(max, max) == 0)
        #expect(PythonText.compare(JSONNumber(-1), JSONNumber(0)) == -1)
        #expect(PythonText.compare(JSONNumber(text: "0.5")!, JSONNumber(0)) == 1)
    }
}

@Suite("The pending queue is a Python heapq")
struct PromptHeapTests {
    func item(_ number: Double, _ id: String) -> QueueItem {
        QueueItem(number: number == number.rounded() ? JSONNumber(Int(number)) : JSONNumber(number), promptID: id,
                  prompt: [:], extraData: [:], outputs: [])
    }

    @Test func heapOrderMatchesTheVerifiedTranscript() {
        // protocol doc §2.4: pushes 47, 48, -49, -50, 2.5, 51 give pending [-50, -49, 47, 48, 2.5, 51].
        var heap = PromptHeap()
        for (n, id) in [(47.0, "a"), (48, "b"), (-49, "c"), (-50, "d"), (2.5, "e"), (51, "f")] { heap.push(item(n, id)) }
        #expect(heap.items.map(\.promptID) == ["d", "c", "a", "b", "e", "f"])
        _ = heap.remove(promptID: "b")
        var order: [String] = []
        while let next = heap.pop() { order.append(next.promptID) }
        #expect(order == ["d", "c", "e", "a", "f"])
    }

    @Test func equalNumbersOrderByPromptID() {
        var heap = PromptHeap()
        heap.push(item(1, "b"))
        heap.push(item(1, "a"))
        #expect(heap.pop()?.promptID == "a")
    }

    @Test func historyWindowFollowsServerSemantics() {
        var history = PromptHistory()
        for id in ["a", "b", "c", "d"] { history.record(id, .string(id)) }
        history.record("b", "b2")
        #expect(history.window(maxItems: 2, offset: -1).keys == ["c", "d"])
        #expect(history.window(maxItems: 2, offset: 1).keys == ["b", "c"])
        #expect(history.window(maxItems: nil, offset: 10).isEmpty)
        #expect(history.window(maxItems: nil, offset: -1)["b"] == "b2")
        #expect(history.window(maxItems: nil, offset: -1).keys == ["a", "b", "c", "d"])
    }
}

@Suite("PNG files are valid and deterministic")
struct PNGTests {
    @Test func checksumsMatchKnownValues() {
        #expect(Checksums.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        var a: UInt32 = 1, b: UInt32 = 0
        Array("Wikipedia".utf8).withUnsafeBytes { Checksums.adler32(&a, &b, $0) }
        #expect((b << 16) | a == 0x11E6_0398)
    }

    @Test func imagesAreDeterministicAndSized() {
        let spec = ImageSpec(width: 300, height: 200, batch: 2, seed: "42", text: "a kite", solidColor: nil)
        let one = PNGWriter.encode(ImagePattern(spec: spec, index: 0))
        #expect(one == PNGWriter.encode(ImagePattern(spec: spec, index: 0)))
        #expect(one != PNGWriter.encode(ImagePattern(spec: spec, index: 1)))
        var other = spec
        other.seed = "43"
        #expect(one != PNGWriter.encode(ImagePattern(spec: other, index: 0)))
        #expect(PNGWriter.dimensions(of: one)! == (300, 200))
        #expect(PNGWriter.dimensions(of: Array(one.prefix(10))) == nil)
    }

    @Test func largeImagesStreamAcrossManyBlocks() throws {
        let spec = ImageSpec(width: 1024, height: 1024, batch: 1, seed: "1", text: "", solidColor: nil)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-big-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        let size = try PNGWriter.write(ImagePattern(spec: spec, index: 0), to: url)
        #expect(size > 1024 * 1024 * 3)
        let data = try [UInt8](Data(contentsOf: url))
        #expect(Array(data.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }
}

@Suite("Multipart bodies are parsed defensively")
struct MultipartTests {
    @Test func parsesFieldsAndFiles() throws {
        let body = Array("--X\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ninput\r\n--X\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nDATA\r\n--X--\r\n".utf8)
        let parts = try #require(Multipart.parse(body, boundary: "X"))
        #expect(parts.map(\.name) == ["type", "image"])
        #expect(parts[1].filename == "a.png")
        #expect(parts[1].body == Array("DATA".utf8))
        #expect(Multipart.boundary("multipart/form-data; boundary=\"X\"") == "X")
        #expect(Multipart.boundary("application/json") == nil)
    }

    @Test func malformedBodiesGiveNil() {
        #expect(Multipart.parse(Array("garbage".utf8), boundary: "X") == nil)
        #expect(Multipart.parse(Array("--X\r\nno header end".utf8), boundary: "X") == nil)
        #expect(Multipart.parse([], boundary: "X") == nil)
    }
}

@Suite("The execution order is ComfyUI's")
struct ExecutionListTests {
    @Test func classicGraphRunsInTheTranscriptOrder() throws {
        let graph = try #require(Emulators.ksamplerGraph().objectValue)
        let outputs: Set<String> = ["9"]
        var list = ExecutionList(prompt: graph, isOutput: { outputs.contains($0) }, isCached: { _ in false })
        list.addNode("9")
        var order: [String] = []
        while let next = list.next() {
            order.append(next)
            list.complete(next)
        }
        #expect(order == ["4", "5", "7", "6", "3", "8", "9"])
    }
}

@Suite("Sampler previews")
struct PreviewFrameTests {
    /// The PNG's IHDR width and height.
    static func dimensions(_ png: [UInt8]) -> (Int, Int)? {
        guard png.count >= 24, Array(png[12..<16]) == Array("IHDR".utf8) else { return nil }
        func u32(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (u32(16), u32(20))
    }

    @Test func previewsAreDrawnAtTheLatentsResolutionNotTheImages() throws {
        let spec = ImageSpec(width: 1024, height: 576, batch: 1, seed: "42", text: "a lighthouse", solidColor: nil)
        let png = PreviewFrames.image(spec, step: 3)
        let (w, h) = try #require(Self.dimensions(png))
        #expect(w == 128 && h == 72, "a latent-sized preview, not 512×288")
        #expect(PreviewFrames.image(spec, step: 3) == png, "deterministic per step")
        #expect(PreviewFrames.image(spec, step: 4) != png, "each step draws anew")
        let tiny = ImageSpec(width: 4, height: 4, batch: 1, seed: "1", text: "", solidColor: nil)
        #expect(Self.dimensions(PreviewFrames.image(tiny, step: 0)).map { $0 == (1, 1) } == true, "never 0×0")
    }
}
