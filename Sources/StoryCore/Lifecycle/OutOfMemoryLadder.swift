/// The out-of-memory recovery ladder of one panel: free memory and retry once, then split the
/// batch into one-image prompts, then decode in tiles, then give up with a suggestion.
struct OutOfMemoryLadder: Sendable, Hashable {
    /// One rung of the ladder.
    typealias Step = OutOfMemoryStep

    private(set) var freed = false
    private(set) var split = false
    private(set) var tiled = false

    /// The next step after another out-of-memory error, given how many images remain per prompt
    /// and whether tiled decoding is possible; records the step as taken.
    mutating func next(imagesPerPrompt: Int, canTile: Bool) -> Step {
        if !freed {
            freed = true
            return .freeMemory
        }
        if !split && imagesPerPrompt > 1 {
            split = true
            return .splitBatch
        }
        if !tiled && canTile {
            tiled = true
            return .tiledDecode
        }
        return .giveUp
    }
}
