// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ComfyBridge",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ComfyWorkflow", targets: ["ComfyWorkflow"]),
        .library(name: "ComfyAPI", targets: ["ComfyAPI"]),
        .library(name: "StoryCore", targets: ["StoryCore"]),
        .library(name: "StoryCoreImaging", targets: ["StoryCoreImaging"]),
        .library(name: "ComfyEmulator", targets: ["ComfyEmulator"]),
        .library(name: "StoryCoreDashboard", targets: ["StoryCoreDashboard"]),
        .library(name: "StoryCoreMetrics", targets: ["StoryCoreMetrics"]),
        .executable(name: "comfybridge", targets: ["comfybridge"]),
        .executable(name: "comfybridge-bench", targets: ["ComfyBench"]),
        .executable(name: "comfybridge-dev", targets: ["comfybridge-dev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "ComfyWorkflow",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "ComfyAPI",
            dependencies: [
                "ComfyWorkflow",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(name: "CAllocatorTuning"),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(
            name: "StoryCoreImaging",
            dependencies: ["CLibPNG"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(name: "CProcessSupport"),
        .target(
            name: "ProcessSupport",
            dependencies: ["CProcessSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "StoryCore",
            dependencies: [
                "ComfyAPI",
                "StoryCoreImaging",
                "ComfyWorkflow",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "ComfyEmulator",
            dependencies: [
                "ComfyWorkflow",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            exclude: ["README.md"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "StoryCoreMetrics",
            dependencies: [
                "StoryCore",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "StoryCoreDashboard",
            dependencies: [
                "StoryCore", "StoryCoreMetrics", "ComfyAPI", "ComfyWorkflow",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            exclude: ["Assets"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "ComfyChaos",
            dependencies: [
                "ProcessSupport",
                "ComfyAPI",
                "ComfyEmulator",
                "ComfyWorkflow",
                "StoryCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "comfybridge",
            dependencies: [
                "CAllocatorTuning",
                "StoryCore",
                "StoryCoreImaging",
                "StoryCoreDashboard",
                "StoryCoreMetrics",
                "ComfyAPI",
                "ComfyWorkflow",
                "ComfyEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "comfybridge-dev",
            dependencies: [
                "ComfyChaos",
                "ComfyWorkflow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "ComfyBench",
            dependencies: [
                "ProcessSupport",
                "CAllocatorTuning",
                "StoryCore",
                "StoryCoreImaging",
                "StoryCoreDashboard",
                .product(name: "WSClient", package: "swift-websocket"),
                "ComfyAPI",
                "ComfyWorkflow",
                "ComfyEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "ComfyTestSupport",
            dependencies: [
                "ComfyEmulator", "ProcessSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ComfyWorkflowTests",
            dependencies: [
                "ComfyWorkflow", "ComfyEmulator", "ComfyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ComfyEmulatorTests",
            dependencies: [
                "ComfyEmulator", "ComfyWorkflow", "ComfyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ComfyAPITests",
            dependencies: [
                "ComfyAPI", "ComfyEmulator", "ComfyWorkflow", "ComfyTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "StoryCoreTests",
            dependencies: [
                "StoryCore", "StoryCoreImaging", "ComfyAPI", "ComfyEmulator", "ComfyWorkflow", "ComfyTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: [
                "ComfyBench", "StoryCore", "ComfyWorkflow", "ProcessSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "ComfyChaos", "ComfyAPI", "ComfyEmulator", "ComfyWorkflow", "StoryCore", "ComfyTestSupport",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "StoryCoreDashboard", "StoryCore", "ComfyAPI", "ComfyEmulator", "ComfyWorkflow", "ComfyTestSupport",
                "StoryCoreMetrics",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ImagingTests",
            dependencies: ["StoryCoreImaging"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "MetricsTests",
            dependencies: [
                "StoryCoreMetrics", "StoryCore", "ComfyAPI", "ComfyEmulator", "ComfyWorkflow",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["ComfyEmulator", "ComfyWorkflow", "StoryCore", "StoryCoreImaging", "ComfyTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

// Every Swift target (each sets its language mode): a file sees only the members of the modules it imports,
// and a target imports only what it declares above (SE-0444), so an undeclared import fails the build.
for target in package.targets where target.swiftSettings != nil {
    target.swiftSettings?.append(.enableUpcomingFeature("MemberImportVisibility"))
}
