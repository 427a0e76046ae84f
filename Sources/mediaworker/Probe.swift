import ArgumentParser
import Foundation
import Media

struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a media file: container, duration, bitrate and every stream.")

    @Argument(help: "The media file.") var file: String
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let info = try Fail.reporting { try InputContainer(path: file).infoWithFrameHDRMetadata() }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(info), as: UTF8.self))
        } else {
            print(ProbeText.render(info))
        }
    }
}
