import Foundation
import HTTPTypes
import Hook
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Queue
import Server
import Testing

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let seconds: Mutex
    init(_ start: Date = Date()) { seconds = Mutex(start.timeIntervalSince1970) }
    var now: Date { Date(timeIntervalSince1970: seconds.get()) }
    func advance(by delta: TimeInterval) { seconds.add(delta) }

    final class Mutex: @unchecked Sendable {
        // Guarded by `lock`; only test code touches it.
        private var value: Double
        private let lock = NSLock()
        init(_ value: Double) { self.value = value }
        func get() -> Double { lock.withLock { value } }
        func add(_ delta: Double) { lock.withLock { value += delta } }
    }
}

/// swift-metrics takes one backend per process (as `serve` bootstraps it): Hummingbird's MetricsMiddleware records
/// every test server's requests into this registry once a test has asked for it.
enum GlobalMetrics {
    static let shared: ServerMetrics = {
        let metrics = ServerMetrics()
        metrics.bootstrapMetricsSystem()
        return metrics
    }()
}

/// One test's server: temp upload and output roots, the repository's job templates, a SQLite queue in the temp
/// folder, two hook secrets and an operator token.
final class ServerHarness: Sendable {
    static let secrets = ["first-hook-secret-0123456789", "second-hook-secret-9876543210"]
    static let token = "operator-token-abcdefghijklmnop"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let directory: URL
    let uploadRoot: String
    let outputRoot: String
    let queue: any JobQueue
    let clock: TestClock
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    private init(directory: URL, queue: any JobQueue, clock: TestClock, configuration: ServerConfiguration,
                 metrics: ServerMetrics) {
        self.directory = directory
        uploadRoot = configuration.uploadRoot
        outputRoot = configuration.outputRoot
        self.queue = queue
        self.clock = clock
        self.configuration = configuration
        self.metrics = metrics
    }

    /// `metrics`: a registry of the test's own (queue gauges, what the test records through its factory), or
    /// ``GlobalMetrics/shared`` to read what the process records through swift-metrics (the HTTP metrics).
    static func make(metrics: ServerMetrics = ServerMetrics(),
                     configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> ServerHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediaworker-server-tests-\(UUID().uuidString)")
        let uploads = directory.appendingPathComponent("uploads").path
        let outputs = directory.appendingPathComponent("outputs").path
        for path in [uploads, outputs] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        var configuration = ServerConfiguration(
            uploadRoot: uploads, outputRoot: outputs, jobsDirectory: repository.appendingPathComponent("jobs").path,
            hookSecrets: secrets, operatorToken: token)
        configure(&configuration)
        var logger = Logger(label: "tests.server")
        logger.logLevel = .critical
        // A failed fixture job must not become runnable again in the middle of a test on a slow machine (the default
        // backoff is 5 s): an hour keeps `claim` on the job each fixture just enqueued.
        let queue = try await QueueFactory.open(
            url: .sqlite(path: directory.appendingPathComponent("queue.sqlite").path),
            configuration: QueueConfiguration(backoff: Backoff(base: 3600, cap: 3600, jitter: 0)), logger: logger)
        return ServerHarness(directory: directory, queue: queue, clock: TestClock(), configuration: configuration,
                             metrics: metrics)
    }

    func application(port: Int = 0) throws -> some ApplicationProtocol {
        var configuration = configuration
        configuration.port = port
        var logger = Logger(label: "tests.server")
        logger.logLevel = .critical
        return try ServerApplication(configuration: configuration, queue: queue, metrics: metrics, logger: logger,
                                     now: { [clock] in clock.now }).makeApplication()
    }

    /// Runs `body` against the router (no socket), then removes the temp folder.
    func withRouter(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { tearDown() }
        do {
            try await application().test(.router, body)
        } catch {
            await queue.close()
            throw error
        }
        await queue.close()
    }

    private func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: files

    /// A file under the upload root (its content does not matter to the hook).
    @discardableResult
    func upload(_ relative: String, bytes: Int = 64) throws -> String {
        let path = uploadRoot + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 7, count: bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A file outside the upload root.
    @discardableResult
    func outside(_ name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data("secret".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func jobCount() async throws -> Int { try await queue.stats().total }

    // MARK: requests

    func signature(_ body: String, secrets: [String] = ServerHarness.secrets, at time: Date? = nil) -> String {
        HookSignature.sign(body: Data(body.utf8), secrets: secrets, timestamp: Int((time ?? clock.now).timeIntervalSince1970))
    }

    func hookHeaders(_ body: String, signature: String?) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let signature { headers[HTTPField.Name(HookSignature.headerName)!] = signature }
        return headers
    }

    var bearer: HTTPFields { [.authorization: "Bearer \(Self.token)"] }
}

extension TestClientProtocol {
    /// A signed hook delivery.
    func hook(_ harness: ServerHarness, _ body: String, signature: String? = nil) async throws -> TestResponse {
        try await execute(
            uri: "/hooks/upload", method: .post,
            headers: harness.hookHeaders(body, signature: signature ?? harness.signature(body)), body: ByteBuffer(string: body))
    }

    func api(_ harness: ServerHarness, _ method: HTTPRequest.Method, _ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: harness.bearer)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text)")
    }

    /// `name=value` of each Set-Cookie, and the whole header lines.
    var setCookies: [String: String] {
        var cookies: [String: String] = [:]
        for line in headers[values: .setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return cookies
    }
}

struct JobFixture {
    /// Where the fixture leaves the job.
    enum End { case queued, running, succeeded, failed, dead }

    /// Enqueues a job and drives it through the queue as a worker would: claim, then heartbeat, complete or fail.
    static func make(_ queue: any JobQueue, key: String, input: String = "clip.mp4", end: End,
                     error: String = "decode failed: invalid data", logTail: String? = nil) async throws -> String {
        let spec = #"{"input":"\#(input)","template":"thumbnails","version":1}"#
        let id = try await queue.enqueue(spec: spec, key: key, maxAttempts: 3).job.id
        if end == .queued { return id }
        let claimed = try #require(try await queue.claim(workerID: "test-worker", leaseSeconds: 60))
        #expect(claimed.job.id == id)
        switch end {
        case .queued: break
        case .running: _ = try await queue.heartbeat(jobID: id, token: claimed.token, progress: 0.42, leaseSeconds: 60)
        case .succeeded:
            // What a worker records: the result.json it published (`publishOutputs` writes the same files).
            try await queue.complete(jobID: id, token: claimed.token, result: String(decoding: published().result, as: UTF8.self))
        case .failed, .dead:
            try await queue.fail(jobID: id, token: claimed.token, error: error, logTail: logTail, retryable: end == .failed)
        }
        return id
    }

    /// Writes `<output root>/<id>/` with PNG thumbnails, a contact sheet, a video stand-in and result.json.
    static func publishOutputs(_ harness: ServerHarness, id: String) throws -> [String: Data] {
        let folder = harness.outputRoot + "/" + id
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (files, result) = published()
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: folder + "/" + name)) }
        try result.write(to: URL(fileURLWithPath: folder + "/result.json"))
        return files
    }

    /// The fixture's published files and their result.json.
    static func published() -> (files: [String: Data], result: Data) {
        var files: [String: Data] = [:]
        var outputs: [[String: Any]] = []
        for (index, name) in ["thumb-01", "thumb-02"].enumerated() {
            let png = TinyPNG.make(width: 16, height: 9)
            files[name + ".png"] = png
            outputs.append(["kind": "thumbnail", "name": name, "path": name + ".png", "sha256": "00", "bytes": png.count,
                            "width": 16, "height": 9, "time": Double(index) * 1.5])
        }
        let sheet = TinyPNG.make(width: 32, height: 9)
        files["contact-sheet.png"] = sheet
        outputs.append(["kind": "contact_sheet", "name": "contact-sheet", "path": "contact-sheet.png", "sha256": "00",
                        "bytes": sheet.count, "width": 32, "height": 9])
        let video = Data((0..<5000).map { UInt8($0 % 251) })
        files["story.mp4"] = video
        outputs.append(["kind": "video", "name": "story", "path": "story.mp4", "sha256": "00", "bytes": video.count,
                        "codec": "h264", "width": 1080, "height": 1920, "duration": 6.0])
        let result: [String: Any] = ["input": "clip.mp4", "outputs": outputs, "timings": ["total": 1.25]]
        return (files, try! JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]))
    }
}

/// A valid PNG (stored deflate blocks, real CRCs), for outputs the tests publish themselves.
enum TinyPNG {
    static func make(width: Int, height: Int) -> Data {
        var raw = Data()
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width { raw.append(contentsOf: [UInt8(x * 15 & 255), UInt8(y * 25 & 255), 128]) }
        }
        var zlib = Data([0x78, 0x01])
        var offset = 0
        repeat {
            let chunk = raw[offset..<min(offset + 65535, raw.count)]
            offset += chunk.count
            zlib.append(offset >= raw.count ? 1 : 0)
            let n = UInt16(chunk.count)
            zlib.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)])
            zlib.append(chunk)
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        zlib.append(contentsOf: be32(b << 16 | a))
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0]))
        png.append(chunk("IDAT", [UInt8](zlib)))
        png.append(chunk("IEND", []))
        return png
    }

    /// Width and height from a PNG's IHDR, or nil when `data` is not a PNG.
    static func size(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data)
        guard bytes.count > 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], bytes[12..<16] == [73, 72, 68, 82]
        else { return nil }
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        return (u32(16), u32(20))
    }

    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    private static func chunk(_ type: String, _ data: [UInt8]) -> Data {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return Data(be32(UInt32(data.count)) + body + be32(~crc))
    }
}
