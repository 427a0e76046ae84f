import Pipeline

/// The encoded audio's loudness: within ±1 LU of the job's target, true peak at most 0.2 dB over its ceiling
/// (the bounds come from the job's `audio`, not from a recorded run: they are the promise).
public struct ExpectedLoudness: Codable, Sendable, Equatable {
    public var integrated: Tolerance
    public var truePeak: Ceiling
}

/// Burned-in captions: the box they are kept in; how closely the output matches each caption image on the
/// frames inside the cues (`shown`), and how little the first caption's image shows on frames outside every cue
/// (`hidden`).
public struct ExpectedCaptions: Codable, Sendable, Equatable {
    public var box: Rect
    public var shown: Floor
    public var hidden: Ceiling
}

/// A captions sidecar: its language and number of cues.
public struct ExpectedSidecar: Codable, Sendable, Equatable {
    public var language: String
    public var cues: Int
}
