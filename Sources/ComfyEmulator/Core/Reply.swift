import ComfyWorkflow

/// An HTTP reply as the emulator builds it, independent of the server library.
struct Reply: Sendable {
    var status: Int
    var contentType: String?
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    /// A JSON body written the way Python's `json.dumps` writes it, as aiohttp's `json_response` sends it.
    static func json(_ value: JSONValue, status: Int = 200) -> Reply {
        Reply(status: status, contentType: "application/json; charset=utf-8", body: value.serialized(.python))
    }

    /// A reply with no body and no Content-Type (ComfyUI's plain 200/400/403/404 answers).
    static func empty(_ status: Int = 200) -> Reply { Reply(status: status, contentType: nil) }

    /// aiohttp's reply to an unhandled exception in a handler.
    static let internalError = Reply(status: 500, contentType: "text/plain; charset=utf-8",
                                     body: Array("500 Internal Server Error\n\nServer got itself in trouble".utf8))

    /// aiohttp's reply to an unknown path.
    static let notFound = Reply(status: 404, contentType: "text/plain; charset=utf-8", body: Array("404: Not Found".utf8))

    /// aiohttp's reply to a known path with the wrong method.
    static let methodNotAllowed = Reply(status: 405, contentType: "text/plain; charset=utf-8", body: Array("405: Method Not Allowed".utf8))

    /// aiohttp's reply to a body over the size limit.
    static func tooLarge(_ limit: Int) -> Reply {
        Reply(status: 413, contentType: "text/plain; charset=utf-8", body: Array("Maximum request body size \(limit) exceeded.".utf8))
    }
}

/// An HTTP request as the emulator's handlers see it.
struct RequestInfo: Sendable {
    var method: String
    /// The path with any `/api` prefix removed.
    var path: String
    /// Decoded query parameters (the first value of each name).
    var query: [String: String]
    var contentType: String?
    var body: [UInt8]

    /// Splits and decodes a raw query string the way aiohttp does (`+` is a space).
    static func parseQuery(_ raw: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if out[key] == nil { out[key] = value }
        }
        return out
    }

    static func decode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.first {
            it = it.dropFirst()
            if b == UInt8(ascii: "+") { bytes.append(0x20); continue }
            if b == UInt8(ascii: "%"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
                continue
            }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
