// swift-tools-version:6.1
import PackageDescription

let ffmpegProviders: [SystemPackageProvider] = [
    .apt(["libavformat-dev", "libavcodec-dev", "libavfilter-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"]),
]

let package = Package(
    name: "mediaworker",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mediaworker", targets: ["mediaworker"]),
        // libFuzzer targets, built with --sanitize=fuzzer --sanitize=address by fuzz/run.sh.
        .library(name: "MediaworkerFuzz", type: .dynamic, targets: ["MediaworkerFuzz"]),
        .library(name: "MediaworkerFuzzJob", type: .dynamic, targets: ["MediaworkerFuzzJob"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System libraries. SwiftPM allows one pkg-config name per system library target:
        // libavformat's brings the include path; the other libraries are `link`ed in the module map.
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: ffmpegProviders),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        // libpng's classic API reports errors by longjmp, which Swift cannot host: the setjmp lives here.
        .target(name: "CPNGCodec", dependencies: ["CPNG"], linkerSettings: [.linkedLibrary("png16")]),
        // fork/exec with a parent-death signal and limits, and renameat2: calls Swift cannot make safely or at all.
        .target(name: "CProcess"),

        .target(name: "Job"),
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        .target(name: "Imaging", dependencies: ["CPNGCodec", "CFreeType"]),
        .target(name: "Pipeline", dependencies: ["Job", "Media", "Imaging", "CProcess", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Verify", dependencies: ["Job", "Media", "Imaging", "Pipeline"]),
        .target(name: "Runner", dependencies: ["Job", "Pipeline", "Verify", "Media", "Imaging"]),
        .target(
            name: "Queue",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "Worker",
            dependencies: [
                "Job", "Queue", "CProcess",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The upload hook's pure logic (payload parsing, signatures, constant-time compare): no HTTP server, so
        // the fuzz library can link it without Hummingbird.
        .target(name: "Hook", dependencies: ["Job", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Server",
            dependencies: [
                "Hook", "Queue", "Job",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mediaworker",
            dependencies: [
                "Job", "Media", "Imaging", "Pipeline", "Runner", "Queue", "Worker", "Server", "Verify",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(name: "FuzzSupport", path: "fuzz/Sources/FuzzSupport"),
        .target(name: "MediaworkerFuzz", dependencies: ["FuzzSupport", "Media", "Imaging"], path: "fuzz/Sources/MediaworkerFuzz"),
        .target(name: "MediaworkerFuzzJob", dependencies: ["FuzzSupport", "Job", "Hook"], path: "fuzz/Sources/MediaworkerFuzzJob"),

        // Benchmarks (not tests): bench/queue.sh runs it.
        .executableTarget(
            name: "queue-bench", dependencies: ["Queue", .product(name: "Logging", package: "swift-log")],
            path: "bench/QueueBench"),

        // Helpers shared by the test targets (one test target cannot import another).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaTests", dependencies: ["Job", "Media", "Imaging", "Pipeline", "Runner", "TestSupport"]),
        .testTarget(name: "JobTests", dependencies: ["Job"]),
        .testTarget(name: "PipelineTests", dependencies: ["Job", "Pipeline", "Runner", "Verify", "Media", "Imaging"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], exclude: ["Fixtures"]),
        .testTarget(name: "VerifyTests", dependencies: ["Job", "Verify", "Runner", "Pipeline", "Media", "Imaging"]),
        .testTarget(name: "QueueTests", dependencies: ["Queue", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "WorkerTests", dependencies: ["Job", "Worker", "Runner", "Queue", "Pipeline", "Media", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Hook", "Queue", "Job", "Pipeline", "Runner", "Worker", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Hostile inputs and faults through the real worker (issue 7, parts 1 and 2).
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "Job", "Worker", "Runner", "Queue", "Pipeline", "Media", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
