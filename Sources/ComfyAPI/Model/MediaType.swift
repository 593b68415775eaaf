/// What kind of file an output is: its media type (`image/png`, `video/mp4`, `audio/flac`, …), decided
/// from the file name's extension and, for VideoHelperSuite outputs, the `format` the node reports,
/// never from the history key it was listed under (`SaveVideo` lists an `.mp4` under `images`).
///
/// A type with a known signature can check a file's first bytes (`matches(_:)`); ``sniff(_:)`` names
/// what the bytes actually are, for error messages.
public struct MediaType: Sendable, Hashable, CustomStringConvertible {
    /// The media type, for example `image/png`, or `application/octet-stream` when unknown.
    public var name: String

    /// Creates a media type from its name, as written (no normalisation).
    public init(_ name: String) {
        self.name = name
    }

    /// The media type's name.
    public var description: String { name }

    /// `application/octet-stream`: an extension ComfyBridge does not know.
    public static let unknown = MediaType("application/octet-stream")

    /// True for `image/…`.
    public var isImage: Bool { name.hasPrefix("image/") }
    /// True for `video/…`.
    public var isVideo: Bool { name.hasPrefix("video/") }
    /// True for `audio/…`.
    public var isAudio: Bool { name.hasPrefix("audio/") }
    /// True for `application/octet-stream`.
    public var isUnknown: Bool { self == .unknown }

    /// Media types by lower-case extension (without the dot).
    static let byExtension: [String: String] = [
        "png": "image/png", "apng": "image/apng", "webp": "image/webp", "gif": "image/gif",
        "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "mkv": "video/x-matroska", "mov": "video/quicktime",
        "flac": "audio/flac", "mp3": "audio/mpeg", "opus": "audio/ogg", "ogg": "audio/ogg", "wav": "audio/wav", "m4a": "audio/mp4",
        "json": "application/json", "txt": "text/plain",
    ]

    /// The type for file `filename`, with the `format` a VideoHelperSuite node reported when there is one.
    ///
    /// The extension decides. Only when it is missing or unknown does `format` decide: an `image/…`
    /// format is taken as it is, a VideoHelperSuite `video/<codec>-<container>` format by its container
    /// (`video/h264-mp4` is `video/mp4`, `video/vp9-webm` is `video/webm`). Anything else is `.unknown`.
    public static func of(filename: String, format: String? = nil) -> MediaType {
        if let ext = fileExtension(filename), let name = byExtension[ext] { return MediaType(name) }
        if let format = format?.lowercased(), let type = fromFormat(format) { return type }
        return .unknown
    }

    /// The lower-case extension of `filename`, without the dot; nil when it has none.
    static func fileExtension(_ filename: String) -> String? {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return nil }
        let ext = filename[filename.index(after: dot)...]
        guard !ext.isEmpty, !ext.contains("/") else { return nil }
        return ext.lowercased()
    }

    /// The type a VideoHelperSuite `format` names, when it names one ComfyBridge knows.
    static func fromFormat(_ format: String) -> MediaType? {
        let known = Set(byExtension.values)
        if known.contains(format) { return MediaType(format) }
        guard format.hasPrefix("video/") else { return nil }
        let container = format.split(separator: "-").last.map(String.init) ?? ""
        if let name = byExtension[container] { return MediaType(name) }
        return nil
    }

    /// True when `bytes` (the start of the file; 16 bytes are enough) begin with this type's signature.
    ///
    /// Types without a signature (`application/json`, `text/plain`, `.unknown`) match anything except
    /// an empty file; an empty file matches nothing.
    public func matches(_ bytes: some Collection<UInt8>) -> Bool {
        let head = Array(bytes.prefix(16))
        guard !head.isEmpty else { return false }
        guard let accepted = Self.signatures[name] else { return true }
        guard let found = Self.sniff(head) else { return false }
        return accepted.contains(found.name)
    }

    /// True when this type has a signature that `matches(_:)` checks.
    public var hasSignature: Bool { Self.signatures[name] != nil }

    /// For each type with a signature, the sniffed types its files may have: an `.mp4` may hold any
    /// ISO media file (`ftyp`), a `.webm` any Matroska file, a `.png` an APNG.
    static let signatures: [String: Set<String>] = [
        "image/png": ["image/png"], "image/apng": ["image/png"], "image/webp": ["image/webp"], "image/gif": ["image/gif"],
        "image/jpeg": ["image/jpeg"],
        "video/mp4": ["video/mp4"], "video/quicktime": ["video/mp4"], "audio/mp4": ["video/mp4"],
        "video/webm": ["video/webm"], "video/x-matroska": ["video/webm"],
        "audio/flac": ["audio/flac"], "audio/mpeg": ["audio/mpeg"], "audio/ogg": ["audio/ogg"], "audio/wav": ["audio/wav"],
    ]

    /// What the first bytes of a file are, by signature: `image/png`, `image/webp`, `image/gif`,
    /// `image/jpeg`, `video/mp4` (any ISO media `ftyp` file), `video/webm` (any Matroska/EBML file),
    /// `audio/flac`, `audio/mpeg`, `audio/ogg`, `audio/wav`; nil when none matches.
    public static func sniff(_ bytes: some Collection<UInt8>) -> MediaType? {
        let b = Array(bytes.prefix(16))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + prefix.count && Array(b[offset..<(offset + prefix.count)]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return MediaType("image/png") }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return MediaType("image/webp") }
        if starts(Array("RIFF".utf8)), starts(Array("WAVE".utf8), at: 8) { return MediaType("audio/wav") }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return MediaType("image/gif") }
        if starts([0xFF, 0xD8, 0xFF]) { return MediaType("image/jpeg") }
        if starts(Array("ftyp".utf8), at: 4) { return MediaType("video/mp4") }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return MediaType("video/webm") }
        if starts(Array("fLaC".utf8)) { return MediaType("audio/flac") }
        if starts(Array("OggS".utf8)) { return MediaType("audio/ogg") }
        if starts(Array("ID3".utf8)) { return MediaType("audio/mpeg") }
        // An MPEG audio frame header: 11 sync bits, then a layer that is not the reserved 00.
        if b.count >= 2, b[0] == 0xFF, b[1] & 0xE0 == 0xE0, b[1] & 0x06 != 0 { return MediaType("audio/mpeg") }
        return nil
    }

    /// The first bytes as spaced lower-case hex (at most 8), for messages.
    public static func hexPrefix(_ bytes: some Collection<UInt8>) -> String {
        bytes.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: " ")
    }
}
