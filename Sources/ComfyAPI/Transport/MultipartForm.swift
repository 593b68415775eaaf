/// A `multipart/form-data` body built in memory (uploads are bounded by the server's 100 MB request limit).
struct MultipartForm: Sendable {
    let boundary: String
    private(set) var body: [UInt8] = []

    init(boundary: String = "comfyapi-" + String(UInt64.random(in: .min ... .max), radix: 16)) {
        self.boundary = boundary
    }

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a plain text field.
    mutating func addField(_ name: String, _ value: String) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quote(name))\"\r\n\r\n")
        append(value)
        append("\r\n")
    }

    /// Adds a file part.
    mutating func addFile(_ name: String, filename: String, contentType: String, data: [UInt8]) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quote(name))\"; filename=\"\(Self.quote(filename))\"\r\n")
        append("Content-Type: \(contentType)\r\n\r\n")
        body += data
        append("\r\n")
    }

    /// Closes the form and returns the body.
    mutating func finish() -> [UInt8] {
        append("--\(boundary)--\r\n")
        return body
    }

    private mutating func append(_ text: String) { body += Array(text.utf8) }

    /// Escapes a header parameter value: quotes and backslashes escaped, line breaks removed.
    static func quote(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\r", "\n", "\r\n": continue
            default: out.append(ch)
            }
        }
        return out
    }
}
