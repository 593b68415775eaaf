import Foundation

/// One part of a `multipart/form-data` body.
struct MultipartPart: Sendable {
    let name: String
    let filename: String?
    let body: [UInt8]
}

/// A minimal `multipart/form-data` reader (RFC 7578): enough for ComfyUI's upload routes.
enum Multipart {
    /// The boundary from a `Content-Type` header, if it is multipart.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" { return kv[1].trimmingCharacters(in: ["\""]) }
        }
        return nil
    }

    /// The parts of `body`, or nil when it is not well formed.
    static func parse(_ body: [UInt8], boundary: String) -> [MultipartPart]? {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [MultipartPart] = []
        guard var position = find(delimiter, in: body, from: 0) else { return nil }
        while true {
            position += delimiter.count
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { break }
            if body.count >= position + 2, body[position] == 13, body[position + 1] == 10 { position += 2 }
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: position) else { return nil }
            let headerText = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: contentStart) else { return nil }
            var name = "", filename: String?
            for line in headerText.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition") {
                name = parameter("name", in: line) ?? ""
                filename = parameter("filename", in: line)
            }
            parts.append(MultipartPart(name: name, filename: filename, body: Array(body[contentStart..<next])))
            position = next + 2
        }
        return parts
    }

    private static func parameter(_ key: String, in line: Substring) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == key else { continue }
            var value = kv[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var match = true
                for j in 1..<needle.count where haystack[i + j] != needle[j] { match = false; break }
                if match { return i }
            }
            i += 1
        }
        return nil
    }
}
