import ComfyWorkflow

/// Turns a well-formed server message into a hostile one, deterministically from a seed.
///
/// Used by the emulator's hostile mode and by fuzz tests: the same seed and input give the same
/// garbage, so a failing case is reproducible. Every mutation keeps the output bounded (at most
/// the input plus about 40 KiB), so a fuzz campaign never exhausts memory by itself.
public struct MessageMutator: Sendable {
    /// The ways a message is damaged.
    public enum Kind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Cut off at a random byte.
        case truncated
        /// One random byte replaced.
        case flippedByte
        /// An invalid UTF-8 sequence spliced in.
        case invalidUTF8
        /// A random value replaced by a value of another JSON type.
        case wrongType
        /// A random value replaced by a number no integer or double can hold.
        case hugeNumber
        /// A random value replaced by thousands of nested arrays or objects.
        case deepNesting
        /// The message `type` replaced by one no client knows (or removed).
        case unknownType
        /// A random object key removed.
        case droppedField
        /// A random value replaced by `null`.
        case nulled
        /// Nothing at all, or only white space.
        case empty
        /// Random bytes that are not JSON.
        case noise
        /// A binary frame whose declared length disagrees with its size, or whose header is cut.
        case wrongLength
        /// A binary frame with an event type no client knows.
        case unknownEventType

        /// The kind's name.
        public var description: String { rawValue }
    }

    private var state: UInt64

    /// Creates a mutator; the same seed gives the same sequence of mutations.
    public init(seed: UInt64) {
        state = seed
    }

    /// The kinds that apply to JSON text (messages and HTTP bodies).
    public static let jsonKinds: [Kind] = [.truncated, .flippedByte, .invalidUTF8, .wrongType, .hugeNumber, .deepNesting,
                                           .unknownType, .droppedField, .nulled, .empty, .noise]
    /// The kinds that apply to binary WebSocket frames.
    public static let binaryKinds: [Kind] = [.truncated, .flippedByte, .wrongLength, .unknownEventType, .empty, .noise]

    /// Damages a JSON text (a WebSocket text frame or an HTTP body) with a randomly chosen kind.
    public mutating func mutate(json bytes: [UInt8]) -> (kind: Kind, bytes: [UInt8]) {
        let kind = Self.jsonKinds[int(Self.jsonKinds.count)]
        return (kind, mutate(json: bytes, kind: kind))
    }

    /// Damages a binary WebSocket frame (big-endian u32 type, then payload) with a randomly chosen kind.
    public mutating func mutate(binary bytes: [UInt8]) -> (kind: Kind, bytes: [UInt8]) {
        let kind = Self.binaryKinds[int(Self.binaryKinds.count)]
        return (kind, mutate(binary: bytes, kind: kind))
    }

    /// Damages a JSON text with the given kind (kinds that need JSON fall back to a byte flip for non-JSON input).
    public mutating func mutate(json bytes: [UInt8], kind: Kind) -> [UInt8] {
        switch kind {
        case .truncated:
            return bytes.isEmpty ? [] : Array(bytes.prefix(int(bytes.count)))
        case .flippedByte:
            guard !bytes.isEmpty else { return [UInt8(truncatingIfNeeded: next())] }
            var out = bytes
            out[int(out.count)] ^= UInt8(truncatingIfNeeded: next() | 1)
            return out
        case .invalidUTF8:
            let sequences: [[UInt8]] = [[0xC3, 0x28], [0xFF], [0xFE, 0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80]]
            var out = bytes
            out.insert(contentsOf: sequences[int(sequences.count)], at: int(out.count + 1))
            return out
        case .empty:
            let options: [[UInt8]] = [[], Array(" ".utf8), Array("\n\t ".utf8), Array("null".utf8), Array("[]".utf8)]
            return options[int(options.count)]
        case .noise:
            return (0..<(1 + int(64))).map { _ in UInt8(truncatingIfNeeded: next()) }
        case .wrongType, .hugeNumber, .deepNesting, .unknownType, .droppedField, .nulled:
            guard let value = try? JSONValue.parse(bytes, limits: JSONLimits(maxDepth: 256, maxBytes: 64 << 20)) else {
                return mutate(json: bytes, kind: .flippedByte)
            }
            let out = mutate(value: value, kind: kind).serialized(.compact)
            guard kind == .deepNesting else { return out }
            return Self.splice(nesting(), into: out)
        case .wrongLength, .unknownEventType:
            return mutate(binary: bytes, kind: kind)
        }
    }

    /// Damages a binary frame with the given kind.
    public mutating func mutate(binary bytes: [UInt8], kind: Kind) -> [UInt8] {
        switch kind {
        case .wrongLength:
            guard bytes.count >= 8 else { return Array(bytes.prefix(int(4))) }
            var out = bytes
            let lengths: [UInt32] = [UInt32.max, UInt32(bytes.count), UInt32(bytes.count - 7), UInt32.max / 2, UInt32(truncatingIfNeeded: next())]
            let length = lengths[int(lengths.count)]
            out[4] = UInt8(length >> 24)
            out[5] = UInt8((length >> 16) & 0xFF)
            out[6] = UInt8((length >> 8) & 0xFF)
            out[7] = UInt8(length & 0xFF)
            if chance(2) { out = Array(out.prefix(4 + int(5))) }
            return out
        case .unknownEventType:
            var out = bytes.count >= 4 ? bytes : bytes + [0, 0, 0, 0]
            let types: [UInt32] = [0, 2, 5, 99, UInt32.max]
            let type = types[int(types.count)]
            out[0] = UInt8(type >> 24)
            out[1] = UInt8((type >> 16) & 0xFF)
            out[2] = UInt8((type >> 8) & 0xFF)
            out[3] = UInt8(type & 0xFF)
            return out
        default:
            return mutate(json: bytes, kind: kind)
        }
    }

    /// Damages a parsed message: picks one value in it (or the message itself) and replaces it.
    mutating func mutate(value: JSONValue, kind: Kind) -> JSONValue {
        if kind == .unknownType, case .object(var object) = value {
            if chance(4) {
                object["type"] = nil
            } else {
                let names: [JSONValue] = ["no_such_event", "", "EXECUTING", "executing\u{0}", .int(7), .null, ["status"], "\u{202E}status"]
                object["type"] = names[int(names.count)]
            }
            return .object(object)
        }
        var paths: [[PathStep]] = []
        Self.collectPaths(value, prefix: [], into: &paths, limit: 4096)
        let path = paths.isEmpty ? [] : paths[int(paths.count)]
        return Self.replacing(in: value, at: path[...]) { old in self.replacement(for: old, kind: kind) }
    }

    private mutating func replacement(for old: JSONValue, kind: Kind) -> JSONValue? {
        switch kind {
        case .hugeNumber:
            let texts = ["1e999999", "-1e999999", "184467440737095516150000", "1e-999999", "-0", "123456789012345678901234567890.5",
                         "9223372036854775808", "-9223372036854775809", "1.7976931348623157e309"]
            return .number(JSONNumber(text: texts[int(texts.count)]) ?? JSONNumber(0))
        case .deepNesting:
            return .string(Self.marker)
        case .droppedField:
            return nil
        case .nulled:
            return .null
        default:
            let options: [JSONValue]
            switch old {
            case .string: options = [.int(int(1000)), .array([]), .object(JSONObject()), .bool(true)]
            case .number: options = [.string("12"), .array([.int(1)]), .bool(false), .null]
            case .bool: options = [.string("true"), .int(1)]
            case .null: options = [.string("null"), .int(0), .object(JSONObject())]
            case .array: options = [.object(JSONObject()), .string("[]"), .int(0)]
            case .object: options = [.array([]), .string("{}"), .int(1), .null]
            }
            return options[int(options.count)]
        }
    }

    private static let marker = "\u{1}deep-nesting\u{1}"

    /// Thousands of nested arrays and objects, as text (building them as values would recurse as deep).
    private mutating func nesting() -> [UInt8] {
        let depth = 200 + int(19_800)
        let objects = chance(2)
        let open = Array((objects ? "{\"k\":" : "[").utf8)
        var out: [UInt8] = []
        out.reserveCapacity(depth * (open.count + 1) + 2)
        for _ in 0..<depth { out += open }
        out += Array((objects ? "null" : "").utf8)
        for _ in 0..<depth { out.append(objects ? UInt8(ascii: "}") : UInt8(ascii: "]")) }
        return out
    }

    /// `text` with the serialized marker string replaced by `nested` (unchanged when the marker is absent).
    private static func splice(_ nested: [UInt8], into text: [UInt8]) -> [UInt8] {
        let needle = JSONValue.string(marker).serialized(.compact)
        guard text.count >= needle.count else { return text }
        for start in 0...(text.count - needle.count) where text[start] == needle[0] {
            if text[start..<(start + needle.count)].elementsEqual(needle) {
                return Array(text[..<start]) + nested + Array(text[(start + needle.count)...])
            }
        }
        return text
    }

    enum PathStep: Sendable {
        case key(String)
        case index(Int)
    }

    static func collectPaths(_ value: JSONValue, prefix: [PathStep], into paths: inout [[PathStep]], limit: Int) {
        guard paths.count < limit, prefix.count < 64 else { return }
        if !prefix.isEmpty { paths.append(prefix) }
        switch value {
        case .object(let object):
            for (key, child) in object { collectPaths(child, prefix: prefix + [.key(key)], into: &paths, limit: limit) }
        case .array(let array):
            for (i, child) in array.enumerated().prefix(64) { collectPaths(child, prefix: prefix + [.index(i)], into: &paths, limit: limit) }
        default:
            break
        }
    }

    /// `value` with the element at `path` replaced by `make(old)` (nil removes it).
    static func replacing(in value: JSONValue, at path: ArraySlice<PathStep>, _ make: (JSONValue) -> JSONValue?) -> JSONValue {
        guard let step = path.first else { return make(value) ?? .null }
        switch (step, value) {
        case (.key(let key), .object(var object)):
            guard let child = object[key] else { return value }
            if path.count == 1 {
                object[key] = make(child)
            } else {
                object[key] = replacing(in: child, at: path.dropFirst(), make)
            }
            return .object(object)
        case (.index(let i), .array(var array)) where array.indices.contains(i):
            if path.count == 1 {
                if let new = make(array[i]) { array[i] = new } else { array.remove(at: i) }
            } else {
                array[i] = replacing(in: array[i], at: path.dropFirst(), make)
            }
            return .array(array)
        default:
            return value
        }
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (0 when `bound` is not positive).
    private mutating func int(_ bound: Int) -> Int {
        bound > 0 ? Int(next() % UInt64(bound)) : 0
    }

    /// True once in `n` draws.
    private mutating func chance(_ n: Int) -> Bool { int(n) == 0 }
}
