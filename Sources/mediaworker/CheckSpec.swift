import ArgumentParser
import Foundation
import Verify

struct CheckSpec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-spec",
        abstract: "Check a file against a platform's published delivery spec; lists each violation, exits non-zero if any.")

    @Argument(help: "The media file.") var file: String
    @Option(help: "instagram-reels, instagram-feed, youtube, x or tiktok.") var platform: String

    func validate() throws {
        guard PlatformSpec.named(platform) != nil else {
            throw ValidationError("--platform must be one of \(PlatformSpec.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        let violations = try Fail.reporting { try PlatformCheck.check(path: file, platform: platform) }
        guard !violations.isEmpty else {
            print("\(file): meets the \(platform) spec")
            return
        }
        for v in violations { print("\(file): \(v)") }
        throw ExitCode(1)
    }
}
