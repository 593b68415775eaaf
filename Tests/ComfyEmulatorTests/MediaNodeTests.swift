import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("Animation, video and audio save nodes answer with ComfyUI 0.8's history shapes and real files")
struct MediaNodeTests {
    /// Every media node of the emulator behind one 16x16 batch of `frames` frames and 0.25 s of audio.
    static func mediaGraph(frames: Int) -> JSONValue {
        [
            "1": ["class_type": "EmptyImage", "inputs": ["width": 16, "height": 16, "batch_size": .int(frames), "color": 3355647]],
            "2": ["class_type": "SaveAnimatedWEBP", "inputs": ["images": ["1", 0], "filename_prefix": "anim", "fps": 6.0, "lossless": false,
                                                               "quality": 80, "method": "default"]],
            "3": ["class_type": "SaveAnimatedPNG", "inputs": ["images": ["1", 0], "filename_prefix": "anim", "fps": 4.0, "compress_level": 4]],
            "4": ["class_type": "CreateVideo", "inputs": ["images": ["1", 0], "fps": 12.0]],
            "5": ["class_type": "SaveVideo", "inputs": ["video": ["4", 0], "filename_prefix": "video/ComfyUI", "format": "auto", "codec": "auto"]],
            "6": ["class_type": "SaveWEBM", "inputs": ["images": ["1", 0], "filename_prefix": "clip", "codec": "vp9", "fps": 24.0, "crf": 32.0]],
            "7": ["class_type": "EmptyAudio", "inputs": ["duration": 0.25, "sample_rate": 8000, "channels": 1]],
            "8": ["class_type": "SaveAudio", "inputs": ["audio": ["7", 0], "filename_prefix": "audio/ComfyUI"]],
            "9": ["class_type": "SaveAudioMP3", "inputs": ["audio": ["7", 0], "filename_prefix": "audio/ComfyUI", "quality": "V0"]],
            "10": ["class_type": "SaveAudioOpus", "inputs": ["audio": ["7", 0], "filename_prefix": "audio/ComfyUI", "quality": "128k"]],
            "11": ["class_type": "PreviewAudio", "inputs": ["audio": ["7", 0]]],
            "12": ["class_type": "VHS_VideoCombine", "inputs": ["images": ["1", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "vhs/AnimateDiff",
                                                                "format": "image/gif", "pingpong": false, "save_output": true]],
            "13": ["class_type": "VHS_VideoCombine", "inputs": ["images": ["1", 0], "frame_rate": 12.5, "loop_count": 0, "filename_prefix": "vhs/AnimateDiff",
                                                                "format": "video/h264-mp4", "pingpong": false, "save_output": false,
                                                                "pix_fmt": "yuv420p", "crf": 19, "save_metadata": true, "trim_to_audio": false]],
        ]
    }

    static func run(_ graph: JSONValue, _ http: TestHTTP) async throws -> JSONValue {
        let reply = try await http.post("/prompt", json: ["prompt": graph, "client_id": "media"])
        #expect(reply.status == 200, "\(reply.json ?? .null)")
        let promptID = try #require(reply.json?["prompt_id"]?.stringValue)
        for _ in 0..<6000 {
            if let entry = try await http.get("/history/\(promptID)").json?[promptID] { return entry }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("no history for \(promptID)")
        return .null
    }

    static func bytes(_ item: JSONValue?, _ http: TestHTTP) async throws -> [UInt8] {
        let name = try #require(item?["filename"]?.stringValue)
        let subfolder = item?["subfolder"]?.stringValue ?? ""
        let type = item?["type"]?.stringValue ?? "output"
        let view = try await http.get("/view?filename=\(name)&subfolder=\(subfolder)&type=\(type)")
        #expect(view.status == 200, "\(name)")
        return view.body
    }

    @Test("each node's history output has the real server's shape, and /view serves a file of the claimed kind")
    func historyShapesAndFiles() async throws {
        try await Emulators.with { _, http in
            let entry = try await Self.run(Self.mediaGraph(frames: 3), http)
            #expect(entry["status"]?["status_str"] == "success", "\(entry["status"] ?? .null)")
            let outputs = try #require(entry["outputs"])
            // (key, extension, subfolder, animated, type, signature)
            let expected: [String: (String, String, String, JSONValue?, String, [UInt8])] = [
                "2": ("images", "webp", "", [true], "output", Array("RIFF".utf8)),
                "3": ("images", "png", "", [true], "output", [0x89, 0x50, 0x4E, 0x47]),
                "5": ("images", "mp4", "video", [true], "output", Array("ftyp".utf8)),
                "6": ("images", "webm", "", [true], "output", [0x1A, 0x45, 0xDF, 0xA3]),
                "8": ("audio", "flac", "audio", nil, "output", Array("fLaC".utf8)),
                "9": ("audio", "mp3", "audio", nil, "output", Array("ID3".utf8)),
                "10": ("audio", "opus", "audio", nil, "output", Array("OggS".utf8)),
                "11": ("audio", "flac", "", nil, "temp", Array("fLaC".utf8)),
                "12": ("gifs", "gif", "vhs", nil, "output", Array("GIF8".utf8)),
                "13": ("gifs", "mp4", "vhs", nil, "temp", Array("ftyp".utf8)),
            ]
            #expect(Set(outputs.objectValue?.keys ?? []) == Set(expected.keys))
            for (node, (key, ext, subfolder, animated, type, magic)) in expected {
                let output = try #require(outputs[node], "node \(node)")
                #expect(Set(output.objectValue?.keys ?? []) == Set([key] + (animated == nil ? [] : ["animated"])), "node \(node)")
                #expect(output["animated"] == animated, "node \(node)")
                let items = try #require(output[key]?.arrayValue)
                #expect(items.count == 1, "node \(node)")
                let item = items[0]
                let name = item["filename"]?.stringValue ?? ""
                #expect(name.hasSuffix("." + ext), "node \(node): \(name)")
                #expect(item["subfolder"]?.stringValue == subfolder && item["type"]?.stringValue == type, "node \(node)")
                let body = try await Self.bytes(item, http)
                let head = ext == "mp4" ? Array(body.dropFirst(4).prefix(4)) : Array(body.prefix(magic.count))
                #expect(head == magic, "node \(node)")
            }
            #expect(outputs["5"]?["images"]?[0]?["filename"]?.stringValue?.hasPrefix("ComfyUI_") == true)
            #expect(outputs["11"]?["audio"]?[0]?["filename"]?.stringValue?.hasPrefix("ComfyUI_temp_") == true)
            let gif = try #require(outputs["12"]?["gifs"]?[0])
            #expect(gif["filename"] == "AnimateDiff_00001.gif" && gif["format"] == "image/gif" && gif["frame_rate"] == 8.0)
            #expect(gif["workflow"] == "AnimateDiff_00001.png")
            #expect(gif["fullpath"]?.stringValue?.hasSuffix("/vhs/AnimateDiff_00001.gif") == true)
            let mp4 = try #require(outputs["13"]?["gifs"]?[0])
            #expect(mp4["format"] == "video/h264-mp4" && mp4["frame_rate"] == 12.5)
            let workflow = try await Self.bytes(["filename": gif["workflow"] ?? .null, "subfolder": "vhs", "type": "output"], http)
            #expect(Array(workflow.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        }
    }

    @Test("a single frame is not animated: SaveAnimatedWEBP and SaveAnimatedPNG list no animated key")
    func singleFrameIsNotAnimated() async throws {
        try await Emulators.with { _, http in
            let entry = try await Self.run(Self.mediaGraph(frames: 1), http)
            #expect(entry["outputs"]?["2"]?["animated"] == nil)
            #expect(entry["outputs"]?["3"]?["animated"] == nil)
            #expect(entry["outputs"]?["5"]?["animated"] == [true])
            #expect(entry["outputs"]?["6"]?["animated"] == [true])
        }
    }

    @Test("SaveAnimatedPNG writes a real APNG: one fcTL per frame, fdAT after IDAT, sequence numbers in order, every CRC right")
    func animatedPNGIsValid() async throws {
        try await Emulators.with { _, http in
            let graph: JSONValue = [
                "1": ["class_type": "ProbeImage", "inputs": ["seed": 5, "width": 64, "height": 64, "batch_size": 4, "text": "frames",
                                                             "steps": 1, "step_ms": 0]],
                "2": ["class_type": "SaveAnimatedPNG", "inputs": ["images": ["1", 0], "filename_prefix": "apng/frames", "fps": 8.0,
                                                                  "compress_level": 4]],
            ]
            let entry = try await Self.run(graph, http)
            let png = try await Self.bytes(entry["outputs"]?["2"]?["images"]?[0], http)
            let chunks = PNGChunks.parse(png)
            #expect(!chunks.isEmpty && chunks.allSatisfy(\.crcOK))
            #expect(chunks.map(\.type).first == "IHDR" && chunks.map(\.type).last == "IEND")
            let actl = try #require(chunks.first { $0.type == "acTL" })
            #expect(PNGChunks.u32(actl.data, 0) == 4 && PNGChunks.u32(actl.data, 4) == 0)
            let types = chunks.map(\.type)
            #expect(types.firstIndex(of: "acTL")! < types.firstIndex(of: "IDAT")!)
            #expect(types.filter { $0 == "fcTL" }.count == 4)
            #expect(types.firstIndex(of: "fcTL")! < types.firstIndex(of: "IDAT")!, "the first frame is the default image")
            #expect(types.lastIndex(of: "IDAT")! < types.firstIndex(of: "fdAT")!)
            let sequence = chunks.filter { $0.type == "fcTL" || $0.type == "fdAT" }.map { PNGChunks.u32($0.data, 0) }
            #expect(sequence == (0..<UInt32(sequence.count)).map { $0 })
            let fctl = try #require(chunks.first { $0.type == "fcTL" })
            #expect(PNGChunks.u32(fctl.data, 4) == 64 && PNGChunks.u32(fctl.data, 8) == 64)
            #expect(Int(fctl.data[20]) << 8 | Int(fctl.data[21]) == 125, "delay int(1000 / 8) ms")
            #expect(Int(fctl.data[22]) << 8 | Int(fctl.data[23]) == 1000)
        }
    }

    @Test("/object_info lists the media nodes with the real server's definitions")
    func definitions() async throws {
        try await Emulators.with { _, http in
            let info = try #require(try await http.get("/object_info").json)
            for name in ["SaveAnimatedWEBP", "SaveAnimatedPNG", "CreateVideo", "SaveVideo", "SaveWEBM", "EmptyAudio", "SaveAudio",
                         "SaveAudioMP3", "SaveAudioOpus", "PreviewAudio", "VHS_VideoCombine"] {
                #expect(info[name]?["name"]?.stringValue == name)
            }
            #expect(info["SaveVideo"]?["input"]?["required"]?["filename_prefix"]?[1]?["default"] == "video/ComfyUI")
            #expect(info["CreateVideo"]?["output"] == ["VIDEO"])
            #expect(info["SaveAudio"]?["display_name"] == "Save Audio (FLAC)")
            #expect(info["VHS_VideoCombine"]?["output"] == ["VHS_FILENAMES"])
            #expect(info["VHS_VideoCombine"]?["input"]?["required"]?["format"]?[0]?[0] == "image/gif")
        }
    }

    @Test("a VHS format the emulator cannot write fails the node with a RuntimeError")
    func unsupportedVideoHelperSuiteFormat() async throws {
        try await Emulators.with { _, http in
            let graph: JSONValue = [
                "1": ["class_type": "EmptyImage", "inputs": ["width": 16, "height": 16, "batch_size": 2, "color": 0]],
                "2": ["class_type": "VHS_VideoCombine", "inputs": ["images": ["1", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "x",
                                                                   "format": "video/ProRes", "pingpong": false, "save_output": true]],
            ]
            let entry = try await Self.run(graph, http)
            #expect(entry["status"]?["status_str"] == "error")
            let error = entry["status"]?["messages"]?.arrayValue?.last?[1]
            #expect(error?["exception_type"] == "RuntimeError")
            #expect(error?["exception_message"]?.stringValue?.contains("video/ProRes") == true)
        }
    }
}

/// A small independent PNG chunk reader for the APNG test.
enum PNGChunks {
    struct Chunk {
        let type: String
        let data: [UInt8]
        let crcOK: Bool
    }

    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }

    static func parse(_ png: [UInt8]) -> [Chunk] {
        guard png.count > 8, Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return [] }
        var chunks: [Chunk] = []
        var i = 8
        while i + 12 <= png.count {
            let length = Int(u32(png, i))
            guard i + 12 + length <= png.count else { return [] }
            let typeAndData = Array(png[(i + 4)..<(i + 8 + length)])
            chunks.append(Chunk(type: String(decoding: typeAndData.prefix(4), as: UTF8.self), data: Array(typeAndData.dropFirst(4)),
                                crcOK: crc(typeAndData) == u32(png, i + 8 + length)))
            i += 12 + length
        }
        return i == png.count ? chunks : []
    }
}
