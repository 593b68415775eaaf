import AsyncHTTPClient
import ComfyWorkflow
import Foundation
import NIOCore
import NIOHTTP1

/// A real HTTP reply as a test sees it.
struct TestReply: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var json: JSONValue? { try? JSONValue.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Small HTTP helpers over AsyncHTTPClient against an emulator.
struct TestHTTP: Sendable {
    let port: Int

    func request(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = nil) async throws -> TestReply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 256 << 20)
        return TestReply(status: Int(response.status.code), headers: response.headers, body: Array(buffer: buffer))
    }

    func get(_ path: String) async throws -> TestReply { try await request(.GET, path) }

    func post(_ path: String, json: JSONValue) async throws -> TestReply {
        try await request(.POST, path, body: json.serialized(), contentType: "application/json")
    }

    func post(_ path: String, raw: String) async throws -> TestReply {
        try await request(.POST, path, body: Array(raw.utf8), contentType: "application/json")
    }
}
