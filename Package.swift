// swift-tools-version:6.1
import PackageDescription

let ffmpegProviders: [SystemPackageProvider] = [
    .apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"]),
]

let package = Package(
    name: "mediaworker",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mediaworker", targets: ["mediaworker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System libraries. SwiftPM allows one pkg-config name per system library target:
        // libavformat's brings the include path; the other libraries are `link`ed in the module map.
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: ffmpegProviders),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        // libpng's classic API reports errors by longjmp, which Swift cannot host: the setjmp lives here.
        .target(name: "CPNGCodec", dependencies: ["CPNG"], linkerSettings: [.linkedLibrary("png16")]),

        .target(name: "Media", dependencies: ["CFFmpeg"]),
        .target(name: "Imaging", dependencies: ["CPNGCodec", "CFreeType"]),
        .target(name: "Pipeline", dependencies: ["Media", "Imaging", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Verify", dependencies: ["Media", "Imaging", "Pipeline"]),
        .target(
            name: "Queue",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "mediaworker",
            dependencies: [
                "Media", "Imaging", "Pipeline", "Verify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "MediaTests", dependencies: ["Media", "Imaging", "Pipeline"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Media", "Imaging"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], exclude: ["Fixtures"]),
        .testTarget(name: "VerifyTests", dependencies: ["Verify", "Pipeline", "Media", "Imaging"]),
        .testTarget(name: "QueueTests", dependencies: ["Queue", .product(name: "Logging", package: "swift-log")]),
    ]
)
