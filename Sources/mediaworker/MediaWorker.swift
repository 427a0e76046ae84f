import ArgumentParser
import CBuildInfo
import Foundation
import Media

/// The root is async so `serve` can run its service group; the media commands stay synchronous
/// `ParsableCommand`s and run as before (on the main thread, their frame work on their own threads).
@main
struct MediaWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediaworker",
        abstract: "Transcodes campaign videos for social networks, extracts thumbnails, stamps a hashtag watermark.",
        version: String(cString: mw_build_version()),
        subcommands: [Probe.self, Transcode.self, Thumbnail.self, Process.self, Jobs.self, Work.self, Serve.self,
                      VerifyCommand.self, CheckSpec.self, HealthCheckCommand.self, Attempt.self]
    )

    static func main() async {
        MediaLog.configure(environment: ProcessInfo.processInfo.environment)
        MediaMemory.keepFreedFrameBuffers()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
