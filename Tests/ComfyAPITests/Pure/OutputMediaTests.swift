@testable import ComfyAPI
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

@Suite("Output files are classified by extension and format, and checked by their first bytes")
struct OutputMediaTests {
    static func history(_ name: String) throws -> PromptResult {
        let data = try Data(contentsOf: Repository.fixtures.appendingPathComponent("media").appendingPathComponent(name))
        let json = try JSONValue.parse(Array(data))
        let id = try #require(json.objectValue?.keys.first)
        return PromptResult(entry: try HistoryEntry(promptID: id, json: try #require(json[id]), route: "GET /history/{id}"))
    }

    @Test("the real save nodes' history gives each file its media type, animated only for more than one frame or a video")
    func realSaveNodeHistory() throws {
        let result = try Self.history("history_save_nodes.json")
        let byNode = Dictionary(uniqueKeysWithValues: result.files.map { ($0.nodeID, $0) })
        let expected: [String: (String, String, Bool)] = [
            "2": ("images", "image/webp", true), "11": ("images", "image/webp", false), "3": ("images", "video/webm", true),
            "5": ("images", "video/mp4", true), "7": ("audio", "audio/flac", false), "8": ("audio", "audio/mpeg", false),
            "9": ("audio", "audio/ogg", false),
        ]
        #expect(Set(byNode.keys) == Set(expected.keys))
        for (node, (kind, type, animated)) in expected {
            let file = try #require(byNode[node])
            #expect(file.kind == kind, "node \(node)")
            #expect(file.mediaType.name == type, "node \(node)")
            #expect(file.animated == animated, "node \(node)")
            #expect(file.frameRate == nil)
        }
        #expect(result.unfinishedBatchNodes.isEmpty)
    }

    @Test("VideoHelperSuite gifs items keep format and frame rate; fullpath is never used")
    func videoHelperSuiteHistory() throws {
        let result = try Self.history("history_vhs_videocombine.json")
        let byNode = Dictionary(uniqueKeysWithValues: result.files.map { ($0.nodeID, $0) })
        let gif = try #require(byNode["2"])
        #expect(gif.kind == "gifs" && gif.mediaType.name == "image/gif" && gif.animated && gif.frameRate == 8)
        #expect(gif.format == "image/gif" && gif.subfolder == "vhs" && gif.filename == "AnimateDiff_00001.gif")
        let webp = try #require(byNode["3"])
        #expect(webp.type == "temp" && webp.mediaType.name == "image/webp" && webp.frameRate == 12.5)
        let hostile: JSONValue = ["gifs": [["filename": "clip_00001.mp4", "subfolder": "", "type": "output", "format": "video/h264-mp4",
                                            "frame_rate": 24, "workflow": "clip_00001.png", "fullpath": "/etc/passwd"]]]
        let file = try #require(OutputFile.files(inNodeOutput: hostile, nodeID: "9").first)
        #expect(file.filename == "clip_00001.mp4" && file.subfolder == "" && file.mediaType.name == "video/mp4" && file.frameRate == 24)
        #expect(!file.description.contains("passwd"))
    }

    @Test("an unfinished VideoHelperSuite batch is reported per node and has no file")
    func unfinishedBatch() throws {
        let outputs: JSONValue = ["4": ["unfinished_batch": [true]], "5": ["images": [["filename": "a_00001_.png", "subfolder": "", "type": "output"]]]]
        let entry = try HistoryEntry(promptID: "p", json: ["outputs": outputs, "status": ["status_str": "success", "completed": true, "messages": []]],
                                     route: "t")
        let result = PromptResult(entry: entry)
        #expect(result.unfinishedBatchNodes == ["4"])
        #expect(result.files.map(\.nodeID) == ["5"])
        #expect(!OutputFile.isUnfinishedBatch(["unfinished_batch": [false]]))
        #expect(!OutputFile.isUnfinishedBatch(["unfinished_batch": "yes"]))
    }

    @Test("animated follows the animated array per file, or its first value for all")
    func animatedFlags() {
        let twoRuns: JSONValue = ["images": [["filename": "a.webp", "type": "output"], ["filename": "b.webp", "type": "output"]],
                                  "animated": [true, false]]
        #expect(OutputFile.files(inNodeOutput: twoRuns, nodeID: "1").map(\.animated) == [true, false])
        let preview: JSONValue = ["images": [["filename": "a.png", "type": "temp"], ["filename": "b.png", "type": "temp"]], "animated": [false]]
        #expect(OutputFile.files(inNodeOutput: preview, nodeID: "1").map(\.animated) == [false, false])
        let garbage: JSONValue = ["images": [["filename": "a.png", "type": "output"]], "animated": ["yes", 1]]
        #expect(OutputFile.files(inNodeOutput: garbage, nodeID: "1").map(\.animated) == [false])
        let badRate: JSONValue = ["gifs": [["filename": "a.gif", "type": "output", "frame_rate": -3]]]
        #expect(OutputFile.files(inNodeOutput: badRate, nodeID: "1").first?.frameRate == nil)
    }

    @Test("the extension decides; a VideoHelperSuite format decides only when the extension is unknown")
    func classification() {
        #expect(MediaType.of(filename: "x_00001_.PNG").name == "image/png")
        #expect(MediaType.of(filename: "x.jpeg").name == "image/jpeg")
        #expect(MediaType.of(filename: "x.opus").name == "audio/ogg")
        #expect(MediaType.of(filename: "x.mp4", format: "image/gif").name == "video/mp4")
        #expect(MediaType.of(filename: "x_%03d", format: "video/h265-mp4").name == "video/mp4")
        #expect(MediaType.of(filename: "x", format: "video/vp9-webm").name == "video/webm")
        #expect(MediaType.of(filename: "x", format: "video/ProRes") == .unknown)
        #expect(MediaType.of(filename: "model.safetensors") == .unknown)
        #expect(MediaType.of(filename: "noextension") == .unknown)
        #expect(MediaType.of(filename: ".hidden") == .unknown)
        #expect(MediaType.of(filename: "trailingdot.") == .unknown)
    }

    @Test("each signature is recognised, and a mismatch or an empty file is refused")
    func signatures() {
        let samples: [(String, [UInt8])] = [
            ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]),
            ("image/webp", Array("RIFF".utf8) + [1, 2, 3, 4] + Array("WEBPVP8 ".utf8)),
            ("image/gif", Array("GIF89a".utf8) + [1, 0]),
            ("image/gif", Array("GIF87a".utf8)),
            ("image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0]),
            ("video/mp4", [0, 0, 0, 0x20] + Array("ftypisom".utf8)),
            ("video/webm", [0x1A, 0x45, 0xDF, 0xA3, 0x9F]),
            ("audio/flac", Array("fLaC".utf8)),
            ("audio/mpeg", Array("ID3".utf8) + [4, 0]),
            ("audio/mpeg", [0xFF, 0xFB, 0x90, 0x64]),
            ("audio/ogg", Array("OggS".utf8) + [0]),
            ("audio/wav", Array("RIFF".utf8) + [1, 2, 3, 4] + Array("WAVE".utf8)),
        ]
        for (type, bytes) in samples {
            #expect(MediaType.sniff(bytes)?.name == type, "\(type)")
            #expect(MediaType(type).matches(bytes), "\(type)")
        }
        #expect(MediaType("video/quicktime").matches([0, 0, 0, 0x14] + Array("ftypqt  ".utf8)))
        #expect(MediaType("video/x-matroska").matches([0x1A, 0x45, 0xDF, 0xA3]))
        #expect(MediaType("image/apng").matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // Wrong magic, truncated signatures and empty files.
        #expect(!MediaType("image/png").matches([0xFF, 0xD8, 0xFF, 0xE0]))
        #expect(!MediaType("image/png").matches([0x89, 0x50, 0x4E]))
        #expect(!MediaType("image/webp").matches(Array("RIFF".utf8) + [1, 2, 3, 4] + Array("WAVE".utf8)))
        #expect(!MediaType("image/webp").matches(Array("RIFF".utf8)))
        #expect(!MediaType("video/mp4").matches(Array("<!DOCTYPE html>".utf8)))
        #expect(!MediaType("audio/flac").matches([UInt8]()))
        #expect(!MediaType.unknown.matches([UInt8]()))
        #expect(MediaType.sniff(Array("<html>".utf8)) == nil)
        #expect(MediaType.sniff([UInt8]()) == nil)
        #expect(MediaType.sniff([0xFF, 0xE1]) == nil, "reserved MPEG layer")
        // Types without a signature accept any non-empty file.
        #expect(!MediaType.unknown.hasSignature && MediaType.unknown.matches([0]))
        #expect(MediaType("application/json").matches(Array("{}".utf8)))
        #expect(MediaType.hexPrefix([0x3C, 0x21, 0x44, 0x4F, 0x43, 0x54, 0x59, 0x50, 0x45]) == "3c 21 44 4f 43 54 59 50")
    }
}
