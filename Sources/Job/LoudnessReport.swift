/// ITU-R BS.1770-4 / EBU R128 figures of one audio signal.
public struct LoudnessFigures: Codable, Sendable, Equatable {
    /// Integrated loudness, LUFS (nil: silent — below the −70 LUFS absolute gate throughout).
    public var integrated: Double?
    /// Loudness range, LU.
    public var range: Double?
    /// True peak, dBTP (nil: digital silence).
    public var truePeak: Double?

    enum CodingKeys: String, CodingKey {
        case integrated, range
        case truePeak = "true_peak"
    }

    public init(integrated: Double?, range: Double?, truePeak: Double?) {
        self.integrated = integrated; self.range = range; self.truePeak = truePeak
    }
}

/// `result.json` `audio`: what loudness normalisation measured and did.
public struct LoudnessReport: Codable, Sendable, Equatable {
    public var targetLoudness: Double
    public var targetTruePeak: Double
    /// The source's audio (decoded, resampled to the output's 48 kHz stereo) before any gain.
    public var before: LoudnessFigures
    /// The linear gain applied, dB.
    public var gainDB: Double
    /// Whether the true-peak limiter ran (only when the gain would take the true peak over the ceiling).
    public var limiter: Bool
    /// Why the gain is not `target − before` (the cap, or silence), when it is not.
    public var note: String?
    /// The first rendition's encoded AAC audio (every output's is on the output, `outputs[].loudness`).
    public var after: LoudnessFigures?

    enum CodingKeys: String, CodingKey {
        case before, limiter, note, after
        case targetLoudness = "target_loudness", targetTruePeak = "target_true_peak", gainDB = "gain_db"
    }

    public init(targetLoudness: Double, targetTruePeak: Double, before: LoudnessFigures, gainDB: Double, limiter: Bool,
                note: String? = nil, after: LoudnessFigures? = nil) {
        self.targetLoudness = targetLoudness; self.targetTruePeak = targetTruePeak; self.before = before
        self.gainDB = gainDB; self.limiter = limiter; self.note = note; self.after = after
    }
}

/// `result.json` `captions`.
public struct CaptionsReport: Codable, Sendable, Equatable {
    public var language: String
    public var cues: Int
    public var burned: Bool
    /// The sidecar's path relative to the output folder, when written.
    public var sidecar: String?
    /// How captions and the watermark share the frame (`captions moved above the watermark`), when they met.
    public var placement: String?

    public init(language: String, cues: Int, burned: Bool, sidecar: String? = nil, placement: String? = nil) {
        self.language = language; self.cues = cues; self.burned = burned; self.sidecar = sidecar; self.placement = placement
    }
}
