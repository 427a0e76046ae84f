// swift-tools-version:6.2
// 6.2: hummingbird 2.28, swift-log 1.16, swift-metrics 2.13, swift-prometheus 2.4 and swift-service-lifecycle 2.13
// declare swift-tools-version 6.2. Built and tested with Swift 6.3.1 (the toolchain of CI and the image).
import PackageDescription

let ffmpegProviders: [SystemPackageProvider] = [
    .apt(["libavformat-dev", "libavcodec-dev", "libavfilter-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"]),
]

let package = Package(
    name: "mediaworker",
    // No `platforms`: mediaworker is Linux-only today (Debian 12: Glibc, prctl(PR_SET_PDEATHSIG), renameat2,
    // Debian's FFmpeg 5.1), and SwiftPM has no way to name Linux there; claiming a macOS version would be untrue.
    products: [
        .executable(name: "mediaworker", targets: ["mediaworker"]),
        // libFuzzer targets, built with --sanitize=fuzzer --sanitize=address by fuzz/run.sh.
        .library(name: "MediaworkerFuzz", type: .dynamic, targets: ["MediaworkerFuzz"]),
        .library(name: "MediaworkerFuzzJob", type: .dynamic, targets: ["MediaworkerFuzzJob"]),
    ],
    // Reproducible builds: every dependency `exact:`, at the versions CI builds (Package.resolved is not committed:
    // it is ignored here). The packages these bring in are pinned below too, so nothing floats.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        // Brought in by the packages above (not imported by any target): pinned so the whole graph is fixed.
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-algorithms", exact: "1.2.1"),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
        .package(url: "https://github.com/apple/swift-async-algorithms", exact: "1.1.4"),
        .package(url: "https://github.com/apple/swift-atomics", exact: "1.3.0"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration", exact: "1.4.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", exact: "1.7.3"),
        .package(url: "https://github.com/apple/swift-http-structured-headers", exact: "1.7.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", exact: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-transport-services", exact: "1.28.0"),
        .package(url: "https://github.com/apple/swift-numerics", exact: "1.1.1"),
        .package(url: "https://github.com/apple/swift-service-context", exact: "1.5.1"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
    ],
    targets: [
        // System libraries. SwiftPM allows one pkg-config name per system library target:
        // libavformat's brings the include path; the other libraries are `link`ed in the module map.
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: ffmpegProviders),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        // Captions (libass) and loudness (libebur128), issue 16.
        .systemLibrary(name: "CAss", pkgConfig: "libass", providers: [.apt(["libass-dev"])]),
        .systemLibrary(name: "CEBUR128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        // libpng's classic API reports errors by longjmp, which Swift cannot host: the setjmp lives here.
        .target(name: "CPNGCodec", dependencies: ["CPNG"], linkerSettings: [.linkedLibrary("png16")]),
        // Stills (issue 15): libjpeg-turbo (its setjmp lives in CJPEGCodec, as libpng's in CPNGCodec), libheif and LittleCMS.
        .systemLibrary(name: "CJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .target(name: "CJPEGCodec", dependencies: ["CJPEG"], linkerSettings: [.linkedLibrary("jpeg")]),
        .systemLibrary(name: "CHeif", pkgConfig: "libheif", providers: [.apt(["libheif-dev"])]),
        .systemLibrary(name: "CLCMS2", pkgConfig: "lcms2", providers: [.apt(["liblcms2-dev"])]),
        // fork/exec with a parent-death signal and limits, and renameat2: calls Swift cannot make safely or at all.
        .target(name: "CProcess"),
        // The build's `git describe` (scripts/stamp-version.sh), for `mediaworker --version`.
        .target(name: "CBuildInfo"),

        .target(name: "Job"),
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        .target(name: "Imaging", dependencies: ["CPNGCodec", "CFreeType", "CJPEGCodec", "CHeif", "CLCMS2"]),
        .target(name: "Pipeline", dependencies: ["Job", "Media", "Imaging", "CProcess", "CAss", "CEBUR128", .product(name: "Crypto", package: "swift-crypto")]),
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
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
                "Job", "Media", "Imaging", "Pipeline", "Runner", "Queue", "Worker", "Server", "Verify", "CBuildInfo",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(name: "FuzzSupport", path: "fuzz/Sources/FuzzSupport"),
        .target(name: "MediaworkerFuzz", dependencies: ["FuzzSupport", "Media", "Imaging", "Job", "Pipeline"], path: "fuzz/Sources/MediaworkerFuzz"),
        .target(name: "MediaworkerFuzzJob", dependencies: ["FuzzSupport", "Job", "Hook"], path: "fuzz/Sources/MediaworkerFuzzJob"),

        // Benchmarks (not tests): bench/queue.sh runs it.
        .executableTarget(
            name: "queue-bench", dependencies: ["Queue", .product(name: "Logging", package: "swift-log")],
            path: "bench/QueueBench"),

        // Helpers shared by the test targets (one test target cannot import another).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaTests", dependencies: ["Job", "Media", "Imaging", "Pipeline", "Runner", "TestSupport"]),
        .testTarget(name: "JobTests", dependencies: ["Job"]),
        .testTarget(name: "PipelineTests", dependencies: ["Job", "Pipeline", "Runner", "Verify", "Media", "Imaging", "TestSupport"]),
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
