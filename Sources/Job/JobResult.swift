import Foundation

/// `result.json`: every output with its checksum, and the time each stage took.
public struct JobResult: Codable, Sendable {
    public struct Output: Codable, Sendable {
        public var kind: String
        public var name: String
        public var path: String
        public var sha256: String
        public var bytes: Int
        public var codec: String?
        public var width: Int?
        public var height: Int?
        public var duration: Double?
        public var bitrate: Int64?
        public var time: Double?
        /// A video output's check against the platform its rendition names (absent when it names none).
        public var platform: PlatformFinding?
        /// A video output's audio as encoded (AAC), measured after the job (jobs with `audio`).
        public var loudness: LoudnessFigures?
        /// A captions output's language (`captions.<language>.vtt`).
        public var language: String?

        public init(kind: String, name: String, path: String, sha256: String, bytes: Int) {
            self.kind = kind; self.name = name; self.path = path; self.sha256 = sha256; self.bytes = bytes
        }
    }

    /// What a still input was and what was done to it before rendering (absent for videos).
    public struct StillInput: Codable, Sendable, Equatable {
        /// "png", "jpeg", "heif".
        public var format: String
        /// Upright size.
        public var width: Int
        public var height: Int
        /// The EXIF orientation applied (1: none).
        public var orientation: Int
        /// The colour profile converted to sRGB ("Display P3"), absent for sRGB or untagged inputs.
        public var convertedFrom: String?
        public var transparency: Bool
        /// A graphic (few colours) rather than a photo: decides the default format.
        public var graphic: Bool

        enum CodingKeys: String, CodingKey {
            case format, width, height, orientation, transparency, graphic
            case convertedFrom = "converted_from"
        }

        public init(format: String, width: Int, height: Int, orientation: Int, convertedFrom: String?, transparency: Bool, graphic: Bool) {
            self.format = format; self.width = width; self.height = height; self.orientation = orientation
            self.convertedFrom = convertedFrom; self.transparency = transparency; self.graphic = graphic
        }
    }

    public var input: String
    public var outputs: [Output]
    public var timings: [String: Double]
    public var still: StillInput?
    /// Loudness normalisation: the source's figures, the gain and limiter applied (jobs with `audio`).
    public var audio: LoudnessReport?
    /// Captions: the cues read and where they went (jobs with `captions`).
    public var captions: CaptionsReport?

    public init(input: String, outputs: [Output], timings: [String: Double]) {
        self.input = input
        self.outputs = outputs
        self.timings = timings
    }

    /// The outputs whose platform check found broken rules.
    public var platformFindings: [Output] { outputs.filter { $0.platform?.ok == false } }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
