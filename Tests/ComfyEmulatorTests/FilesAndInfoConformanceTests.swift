import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOHTTP1
import Testing

@Suite("Uploads, /view and info routes replay transcripts i and j")
struct FilesAndInfoConformanceTests {
    static func multipart(_ fields: [(String, String)], file: (field: String, name: String, bytes: [UInt8])?) -> (body: [UInt8], type: String) {
        let boundary = "emulator-test-boundary"
        var body: [UInt8] = []
        for (k, v) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// An 8×8 PNG in one of two colours.
    static func png(_ variant: Int) -> [UInt8] {
        ImageFixtures.png(width: 8, height: 8, color: variant == 0 ? 0xFF0000 : 0x00FF00)
    }

    @Test("i: upload naming, overwrite, subfolders and /view's refusals match the real server")
    func uploadsAndView() async throws {
        let transcript = try Transcript("i_upload_view")
        let a = Self.png(0), b = Self.png(1)
        try await Emulators.with { _, http in
            var replies: [TestReply] = []
            let name = "acceptance_upload_95553997.png"
            for (fields, bytes, fileField) in [([("type", "input")], a, "image"), ([("type", "input")], b, "image"),
                                                 ([("type", "input")], a, "image"), ([("type", "input"), ("overwrite", "true")], b, "image"),
                                                 ([("type", "input"), ("subfolder", "acceptance")], a, "image")] as [([(String, String)], [UInt8], String)] {
                let m = Self.multipart(fields, file: (fileField, name, bytes))
                replies.append(try await http.request(.POST, "/upload/image", body: m.body, contentType: m.type))
            }
            let expectedUploads = transcript.http.filter { $0["request"]?["path"] == "/upload/image" }
            for (reply, expected) in zip(replies, expectedUploads) {
                #expect(reply.status == expected["response"]?["status"]?.intValue)
                #expect(reply.json == expected["response"]?["json"], "\(reply.text)")
            }
            let overwritten = try await http.get("/view?filename=\(name)&type=input")
            #expect(overwritten.body == b)
            #expect(overwritten.headers["Content-Type"].first == "image/png")
            #expect(overwritten.headers["Content-Disposition"].first == "filename=\"\(name)\"")
            #expect(try await http.get("/view?filename=\(name)&subfolder=acceptance&type=input").body == a)
            let missing = try await http.get("/view?filename=does_not_exist.png&type=output")
            #expect(missing.status == 404 && missing.body.isEmpty && missing.headers["Content-Type"].isEmpty)
            let traversal = try await http.get("/view?filename=..%2Fcomfyui_version.py&type=output")
            #expect(traversal.status == 400 && traversal.body.isEmpty)
            let escape = try await http.get("/view?filename=\(name)&subfolder=..%2Finput&type=output")
            #expect(escape.status == 403 && escape.body.isEmpty)
            let badType = try await http.get("/view?filename=\(name)&type=bogus")
            #expect(badType.status == 400)
            let noImage = Self.multipart([("type", "input")], file: ("file", name, a))
            #expect(try await http.request(.POST, "/upload/image", body: noImage.body, contentType: noImage.type).status == 400)
            let bogus = Self.multipart([("type", "bogus")], file: ("image", name, a))
            #expect(try await http.request(.POST, "/upload/image", body: bogus.body, contentType: bogus.type).status == 500)
        }
    }

    @Test("j: object_info, features, models, embeddings, prompt and queue replies equal the real server's")
    func infoEndpoints() async throws {
        let transcript = try Transcript("j_info_endpoints")
        var models = ModelLibrary.standard
        models.files["checkpoints"] = ["random_sd15.safetensors"]
        try await Emulators.with(.init(timing: .instant, models: models)) { _, http in
            for event in transcript.http {
                let path = try #require(event["request"]?["path"]?.stringValue)
                let expected = try #require(event["response"])
                let reply = try await http.get(path)
                #expect(reply.status == expected["status"]?.intValue, "\(path)")
                #expect(reply.headers["Content-Type"].first == "application/json; charset=utf-8", "\(path)")
                let expectedJSON = try #require(expected["json"])
                switch path {
                case "/system_stats":
                    #expect(reply.json.map { Shape.of($0["system"]!) } == Shape.of(expectedJSON["system"]!))
                    #expect(reply.json?["devices"]?[0]?.objectValue?.keys == expectedJSON["devices"]?[0]?.objectValue?.keys)
                case "/history?max_items=1":
                    #expect(reply.json == [:], "a fresh emulator has no history")
                default:
                    #expect(reply.json == expectedJSON, "\(path): \(reply.text.prefix(300))")
                }
            }
            #expect(try await http.get("/api/object_info/KSampler").json == transcript.http[1]["response"]?["json"])
            #expect(try await http.get("/models/unet").status == 404)
            let all = try #require(try await http.get("/object_info").json?.objectValue)
            for name in ["CheckpointLoaderSimple", "UNETLoader", "CLIPLoader", "DualCLIPLoader", "VAELoader", "CLIPTextEncode",
                         "CLIPTextEncodeFlux", "FluxGuidance", "ReferenceLatent", "BasicGuider", "RandomNoise", "KSamplerSelect",
                         "Flux2Scheduler", "EmptyFlux2LatentImage", "SamplerCustomAdvanced", "EmptyLatentImage", "EmptySD3LatentImage",
                         "KSampler", "KSamplerAdvanced", "VAEDecode", "VAEDecodeTiled", "VAEEncode", "LoadImage", "ImageScale",
                         "ImageScaleToTotalPixels", "SaveImage", "PreviewImage", "EmptyImage", "ProbeImage", "ProbeVRAMLimit", "ProbeFail"] {
                #expect(all[name]?["name"]?.stringValue == name, "\(name) missing from /object_info")
            }
        }
    }
}
