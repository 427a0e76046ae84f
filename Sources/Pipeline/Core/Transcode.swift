import Job
import Media

/// One MP4 rendition of one input, without a job spec: what `mediaworker transcode` runs.
public struct TranscodeRequest: Sendable {
    public var input: String
    public var output: String
    public var width: Int?
    public var height: Int?
    public var crf: Int = 23
    public var preset: String = "veryfast"
    public var maxBitrateKbps: Int?
    public var fit: Fit = .scale
    public var audioBitrateKbps: Int = 128

    public init(input: String, output: String, width: Int? = nil, height: Int? = nil) {
        self.input = input
        self.output = output
        self.width = width
        self.height = height
    }

    public static let presets = X264Preset.names

    /// Check the settings before any file is touched.
    public func validate() throws(PipelineError) {
        if let w = width, !(16...8192).contains(w) { throw .invalidSpec("width", "\(w) is outside 16…8192") }
        if let h = height, !(16...8192).contains(h) { throw .invalidSpec("height", "\(h) is outside 16…8192") }
        if let problem = H264Quality.problem(crf: crf) { throw .invalidSpec("crf", problem) }
        guard Self.presets.contains(preset) else { throw .invalidSpec("preset", "'\(preset)' is not an x264 preset (\(Self.presets.joined(separator: ", ")))") }
        if let m = maxBitrateKbps, !(100...100_000).contains(m) { throw .invalidSpec("max_bitrate_kbps", "\(m) is outside 100…100000") }
        guard output.lowercased().hasSuffix(".mp4") else { throw .invalidSpec("output", "'\(output)' must end in .mp4") }
    }
}

public enum Transcoder {
    /// Transcode to a temporary file beside the output and rename it into place when complete.
    public static func run(_ request: TranscodeRequest, options: CoreOptions,
                           progress: ((CoreProgress) -> Void)? = nil) throws -> CoreReport {
        try request.validate()
        let staging = try StagingFile(finalPath: request.output)
        let plan = RenditionPlan(name: "transcode", width: request.width, height: request.height, fit: request.fit,
                                 crf: request.crf, preset: request.preset, maxBitrateKbps: request.maxBitrateKbps,
                                 audioBitrateKbps: request.audioBitrateKbps, outputPath: staging.temporaryPath)
        var report = try FrameCore(input: request.input, renditions: [plan], options: options).run(progress: progress)
        try staging.commit()
        report.renditions[0].path = request.output
        return report
    }
}
