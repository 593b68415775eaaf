import ComfyWorkflow

/// `GET /system_stats`: versions, RAM and the compute device.
public struct SystemStats: Sendable, Hashable {
    /// One compute device.
    public struct Device: Sendable, Hashable {
        /// For example `cpu` or `cuda:0 NVIDIA H100 80GB HBM3 : cudaMallocAsync`.
        public var name: String
        /// `cpu`, `cuda`, `mps`, …
        public var type: String
        /// Device memory in bytes (system RAM on CPU/MPS).
        public var vramTotal: UInt64?
        /// Free device memory in bytes.
        public var vramFree: UInt64?
    }

    /// `sys.platform`: `linux`, `win32` or `darwin`.
    public var os: String?
    /// The ComfyUI version, for example `0.8.0`.
    public var comfyUIVersion: String?
    /// The Python version line.
    public var pythonVersion: String?
    /// The PyTorch version.
    public var pytorchVersion: String?
    /// System RAM in bytes.
    public var ramTotal: UInt64?
    /// Free system RAM in bytes.
    public var ramFree: UInt64?
    /// The compute devices (stock ComfyUI lists exactly one).
    public var devices: [Device]
    /// The whole reply.
    public var raw: JSONValue

    init(json: JSONValue, route: String) throws(ComfyError) {
        guard let system = json["system"], system.objectValue != nil else {
            throw ComfyError.malformedReply(route: route, field: "system", reason: "expected an object, got \(json["system"]?.typeName ?? "nothing")")
        }
        guard let deviceList = json["devices"]?.arrayValue else {
            throw ComfyError.malformedReply(route: route, field: "devices", reason: "expected an array, got \(json["devices"]?.typeName ?? "nothing")")
        }
        os = system["os"]?.stringValue
        comfyUIVersion = system["comfyui_version"]?.stringValue
        pythonVersion = system["python_version"]?.stringValue
        pytorchVersion = system["pytorch_version"]?.stringValue
        ramTotal = system["ram_total"]?.uint64Value
        ramFree = system["ram_free"]?.uint64Value
        devices = deviceList.map {
            Device(name: $0["name"]?.stringValue ?? "?", type: $0["type"]?.stringValue ?? "?",
                   vramTotal: $0["vram_total"]?.uint64Value, vramFree: $0["vram_free"]?.uint64Value)
        }
        raw = json
    }
}

/// `GET /features`: what the server supports.
public struct ServerFeatures: Sendable, Hashable {
    /// True when the server sends type-4 previews with prompt and node ids to clients that ask.
    public var supportsPreviewMetadata: Bool
    /// The request body limit in bytes (uploads included).
    public var maxUploadSize: Double?
    /// The whole reply.
    public var raw: JSONValue

    init(json: JSONValue, route: String) throws(ComfyError) {
        guard json.objectValue != nil else {
            throw ComfyError.malformedReply(route: route, field: "(root)", reason: "expected an object, got \(json.typeName)")
        }
        supportsPreviewMetadata = json["supports_preview_metadata"]?.boolValue ?? false
        maxUploadSize = json["max_upload_size"]?.doubleValue
        raw = json
    }
}

/// The reply to an upload: the name the server stored the file under (it may differ from the one sent).
public struct UploadedFile: Sendable, Hashable {
    /// The stored name, for example `up (1).png` when `up.png` existed with other bytes.
    public var name: String
    /// The subfolder, as sent.
    public var subfolder: String
    /// `input`, `temp` or `output`.
    public var type: String

    /// The value to give LoadImage's `image` input: `subfolder/name`, with ` [temp]`/` [output]` for those types.
    public var loadImageValue: String {
        let path = subfolder.isEmpty ? name : "\(subfolder)/\(name)"
        return type == "input" ? path : "\(path) [\(type)]"
    }
}

/// The reply to an accepted `POST /prompt`.
public struct SubmitReceipt: Sendable, Hashable {
    /// The prompt id (the one the client chose).
    public var promptID: String
    /// The queue number, when the reply carried one (nil when a lost reply was recovered from `/history`).
    public var number: Double?
    /// Output nodes the server dropped because they failed validation, while running the rest.
    public var droppedNodeErrors: [NodeValidationError]
}

/// Where an uploaded file goes on the server.
public enum FileType: String, Sendable, Hashable, CaseIterable {
    /// The input folder (LoadImage reads from here).
    case input
    /// The temp folder (wiped on restart).
    case temp
    /// The output folder.
    case output
}
