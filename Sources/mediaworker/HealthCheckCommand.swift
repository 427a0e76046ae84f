import ArgumentParser
import Foundation
import Server

/// `mediaworker healthcheck [URL]`: exits 0 when URL answers 2xx in time, 1 otherwise (one line on stderr why).
/// The image's `HEALTHCHECK` runs it, so the image needs no curl.
struct HealthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "GET a health URL (default: serve's /healthz on 127.0.0.1:8080); exit 0 on a 2xx answer, 1 otherwise.")

    @Argument(help: "http://HOST:PORT/PATH, e.g. serve's /healthz or /readyz, or work --metrics-listen's.")
    var url = "http://127.0.0.1:8080/healthz"
    @Option(help: "Seconds to connect and get the whole answer.") var timeout = 5.0

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        do {
            let answer = try await HealthCheck.get(url, timeout: .milliseconds(Int64(timeout * 1000)))
            guard (200..<300).contains(answer.status) else {
                let body = answer.body.prefix(200).replacingOccurrences(of: "\n", with: " ")
                FileHandle.standardError.write(Data("mediaworker: healthcheck: \(url) answered \(answer.status): \(body)\n".utf8))
                throw ExitCode(1)
            }
        } catch let error as HealthCheck.Failure {
            FileHandle.standardError.write(Data("mediaworker: healthcheck: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
