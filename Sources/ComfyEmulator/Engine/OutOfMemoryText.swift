/// PyTorch's CUDA out-of-memory wording and ComfyUI's tip, as real servers send them.
enum OutOfMemoryText {
    /// The tip ComfyUI appends (after a newline) to every `OutOfMemoryError` message.
    static let tip = "This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number."

    /// `CUDA out of memory. Tried to allocate ...` for a request of `requested` bytes on a device of `capacity` bytes.
    static func cuda(requested: UInt64, capacity: UInt64) -> String {
        let free: UInt64 = 18 << 20
        let used = capacity > free ? capacity - free : 0
        let allocated = used > (1426 << 20) ? used - (1426 << 20) : used
        return "CUDA out of memory. Tried to allocate \(size(requested)). GPU 0 has a total capacity of \(size(capacity)) of which \(size(free)) is free. "
            + "Process 17527 has \(size(used)) memory in use. Of the allocated memory \(size(allocated)) is allocated by PyTorch, "
            + "and 384.00 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting "
            + "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  "
            + "(https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"
    }

    /// PyTorch's `format_size`: bytes, KiB, MiB or GiB with two decimals.
    static func size(_ bytes: UInt64) -> String {
        let b = Double(bytes)
        func two(_ v: Double) -> String {
            let scaled = (v * 100).rounded()
            let whole = Int(scaled) / 100, frac = Int(scaled) % 100
            return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
        }
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1 << 20 { return two(b / 1024) + " KiB" }
        if bytes < 1 << 30 { return two(b / 1_048_576) + " MiB" }
        return two(b / 1_073_741_824) + " GiB"
    }
}
