import ArgumentParser
import Foundation
import Media
import Job
import Pipeline

struct Transcode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcode one input to one MP4: H.264 High yuv420p + AAC-LC 48 kHz stereo, moov first.")

    @Argument(help: "The input video.") var input: String
    @Argument(help: "The output .mp4 (written beside under a temporary name, renamed when complete).") var output: String
    @Option(help: "Output width (even; with only one of width/height the other follows the display aspect).") var width: Int?
    @Option(help: "Output height.") var height: Int?
    @Option(help: "x264 constant rate factor, 1…51 (0, lossless, needs a profile these outputs are not).") var crf = 23
    @Option(help: "x264 preset.") var preset = "veryfast"
    @Option(name: .customLong("max-bitrate"), help: "Cap the video bitrate (VBV), kb/s.") var maxBitrate: Int?
    @Option(help: "Threads for the whole job (0: all cores).") var threads = 0
    @Option(help: "Progress: auto (bar on a terminal, lines otherwise), json (lines on stdout), none.") var progress = "auto"

    var request: TranscodeRequest {
        var r = TranscodeRequest(input: input, output: output, width: width, height: height)
        r.crf = crf
        r.preset = preset
        r.maxBitrateKbps = maxBitrate
        return r
    }

    func validate() throws {
        do { try request.validate() } catch { throw ValidationError(error.description) }
        guard ["auto", "json", "none"].contains(progress) else { throw ValidationError("--progress must be auto, json or none") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
    }

    func run() throws {
        let printer = ProgressPrinter(progress == "json" ? .json : progress == "none" ? .none : .auto)
        let report = try Fail.reporting {
            try Transcoder.run(request, options: CoreOptions(threads: threads), progress: printer.report)
        }
        let r = report.renditions[0]
        FileHandle.standardError.write(Data("wrote \(output): \(r.width)×\(r.height), \(r.frames) frames, \(String(format: "%.3f", r.duration)) s\n".utf8))
    }
}
