import ArgumentParser
import Foundation
import Job
import Pipeline

struct Thumbnail: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write one frame of a video as PNG (through libpng).")

    @Argument(help: "The input video.") var input: String
    @Argument(help: "The output .png.") var output: String
    @Option(help: "Time of the frame, seconds (default: 10% into the video).") var at: Double?
    @Option(help: "Width of the PNG (the height follows the display aspect); default: the display width.") var width: Int?

    func validate() throws {
        if let at, at < 0 || !at.isFinite { throw ValidationError("--at must be a time in seconds, 0 or more") }
        if let width, !(16...8192).contains(width) { throw ValidationError("--width must be within 16…8192") }
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("the output must end in .png") }
    }

    func run() throws {
        let shot = try Fail.reporting {
            try ThumbnailExtractor.single(input: input, output: output, at: at, width: width)
        }
        FileHandle.standardError.write(Data("wrote \(output): \(shot.width)×\(shot.height) at \(String(format: "%.3f", shot.time)) s\n".utf8))
    }
}
