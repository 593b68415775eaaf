@testable import ComfyAPI
import ComfyWorkflow
import Testing

@Suite("Errors classify out-of-memory precisely and print one actionable line")
struct ErrorClassificationTests {
    func failure(_ type: String, _ message: String) -> ExecutionFailure {
        ExecutionFailure(promptID: "p", nodeID: "3", nodeType: "KSampler", exceptionType: type, exceptionMessage: message)
    }

    @Test("out-of-memory is recognised from the exception type and allocator wording")
    func oomRecognised() {
        #expect(failure("torch.OutOfMemoryError", "whatever\n").isOutOfMemory)
        #expect(failure("torch.cuda.OutOfMemoryError", "x").isOutOfMemory)
        #expect(failure("RuntimeError", "CUDA out of memory. Tried to allocate 2.00 MiB").isOutOfMemory)
        #expect(failure("RuntimeError", "HIP out of memory. Tried to allocate").isOutOfMemory)
        #expect(failure("RuntimeError", "MPS backend out of memory (MPS allocated: 1 GB)").isOutOfMemory)
        #expect(failure("RuntimeError", "[enforce fail at alloc_cpu.cpp:116] DefaultCPUAllocator: can't allocate memory: you tried").isOutOfMemory)
    }

    @Test("a message that merely mentions memory is not out-of-memory")
    func notOOM() {
        #expect(!failure("RuntimeError", "memory layout mismatch in tensor").isOutOfMemory)
        #expect(!failure("ValueError", "invalid memory format").isOutOfMemory)
        #expect(!failure("Exception", "**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: /x").isOutOfMemory)
    }

    @Test("execution messages lose the trailing newline and print on one line")
    func oneLine() {
        let f = failure("RuntimeError", "boom\nsecond line\n")
        #expect(f.exceptionMessage == "boom\nsecond line")
        let errors: [ComfyError] = [
            .execution(f), .outOfMemory(f), .interrupted(promptID: "p", nodeID: "1", nodeType: "ProbeImage"),
            .stalled(promptID: "p", seconds: 30), .promptLost(promptID: "p", server: "http://h:1"),
            .malformedReply(route: "GET /queue", field: "queue_running", reason: "expected an array"),
            .httpStatus(route: "GET /view", status: 500, body: "500 Internal Server Error\n\nServer got itself in trouble"),
            .transport(server: "http://h:1", .unreachable("refused")), .responseTooLarge(route: "GET /x", limit: 10),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"), "\(error)")
            #expect(!error.description.isEmpty)
        }
        #expect(ComfyError.execution(f).description.contains("node 3 (KSampler)"))
        #expect(ComfyError.malformedReply(route: "GET /queue", field: "queue_running", reason: "r").description.contains("queue_running"))
    }

    @Test("only transport failures and 5xx are transient")
    func transient() {
        #expect(ComfyError.transport(server: "s", .timeout("t")).isTransient)
        #expect(ComfyError.httpStatus(route: "r", status: 503, body: "").isTransient)
        #expect(!ComfyError.httpStatus(route: "r", status: 404, body: "").isTransient)
        #expect(!ComfyError.malformedReply(route: "r", field: "f", reason: "x").isTransient)
    }

    @Test("ExecutionBlocked is not a failure of the prompt")
    func blocked() {
        let data: JSONValue = ["prompt_id": "p", "node_id": "2", "node_type": "X", "exception_type": "ExecutionBlocked",
                               "exception_message": "Execution Blocked: no", "traceback": [], "current_inputs": [], "current_outputs": []]
        let event = ServerEventDecoder.decode(message: ["type": "execution_error", "data": data])
        guard case .executionError(let f) = event else { Issue.record("got \(event)"); return }
        #expect(f.isExecutionBlocked)
    }

    @Test("files are found as array items with filename and type, in any output key")
    func outputFiles() {
        let outputs: JSONValue = [
            "9": ["images": [["filename": "a.png", "subfolder": "x", "type": "output"]], "animated": [true]],
            "3": ["text": ["16"]],
            "5": ["gifs": [["filename": "v.mp4", "subfolder": "", "type": "output", "format": "video/h264-mp4"]]],
            "7": ["images": [["filename": 3, "type": "output"], "junk"]],
        ]
        let files = OutputFile.files(inOutputs: outputs)
        #expect(files.map(\.filename) == ["a.png", "v.mp4"])
        #expect(files.map(\.nodeID) == ["9", "5"])
        #expect(files[1].kind == "gifs")
    }
}
