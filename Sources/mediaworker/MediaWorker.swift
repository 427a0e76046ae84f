import ArgumentParser
import Foundation
import Media

@main
struct MediaWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediaworker",
        abstract: "Transcodes campaign videos for social networks, extracts thumbnails, stamps a hashtag watermark.",
        subcommands: [Probe.self, Transcode.self, Thumbnail.self, Process.self, VerifyCommand.self, CheckSpec.self]
    )

    static func main() {
        MediaLog.configure(environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
