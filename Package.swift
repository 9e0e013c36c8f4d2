// swift-tools-version: 6.0
import PackageDescription

// One module per pipeline stage around a dependency-free model (see DEVELOPERS.md and STYLE notes):
// Model ← Text ← Lexicon ← Context ← ADR ← Pipeline ← noteminer (CLI). ICU is reached only through CICUShim.
let package = Package(
    name: "NoteMiner",
    products: [
        .executable(name: "noteminer", targets: ["noteminer"]),
        .library(name: "NoteMinerPipeline", targets: ["NoteMinerPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .target(
            name: "CICUShim",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        .target(name: "CSHA256", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "NoteMinerModel", dependencies: ["CSHA256"]),
        .target(name: "NoteMinerText", dependencies: ["NoteMinerModel", "CICUShim"]),
        .target(name: "NoteMinerLexicon", dependencies: ["NoteMinerModel", "NoteMinerText"]),
        .target(name: "NoteMinerContext", dependencies: ["NoteMinerModel", "NoteMinerLexicon"]),
        .target(name: "NoteMinerADR", dependencies: ["NoteMinerModel"]),
        .target(name: "NoteMinerIO", dependencies: ["NoteMinerModel", .product(name: "CSV", package: "CSV.swift")]),
        .target(name: "NoteMinerProfiles", dependencies: ["NoteMinerModel"]),
        .target(
            name: "NoteMinerReports",
            dependencies: ["NoteMinerModel", "NoteMinerProfiles", "NoteMinerSQLite", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "NoteMinerSQLite",
            dependencies: ["NoteMinerModel", "NoteMinerProfiles", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(name: "NoteMinerAnnotations", dependencies: ["NoteMinerModel", "NoteMinerProfiles"]),
        .target(
            name: "NoteMinerPipeline",
            dependencies: ["NoteMinerModel", "NoteMinerText", "NoteMinerLexicon", "NoteMinerContext", "NoteMinerADR", "NoteMinerIO", "NoteMinerProfiles", "NoteMinerReports", "NoteMinerSQLite"]
        ),
        .executableTarget(
            name: "noteminer",
            dependencies: [
                "NoteMinerPipeline", "NoteMinerModel", "NoteMinerIO", "NoteMinerProfiles", "NoteMinerReports", "NoteMinerSQLite", "NoteMinerADR",
                "NoteMinerAnnotations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["NoteMinerModel", "NoteMinerText"], path: "Tests/TestSupport"),
        .testTarget(name: "NoteMinerModelTests", dependencies: ["NoteMinerModel", "TestSupport"]),
        .testTarget(name: "NoteMinerTextTests", dependencies: ["NoteMinerText", "TestSupport"]),
        .testTarget(name: "NoteMinerLexiconTests", dependencies: ["NoteMinerLexicon", "TestSupport"]),
        .testTarget(name: "NoteMinerContextTests", dependencies: ["NoteMinerContext", "NoteMinerText", "TestSupport"]),
        .testTarget(name: "NoteMinerADRTests", dependencies: ["NoteMinerADR", "TestSupport"]),
        .testTarget(name: "NoteMinerIOTests", dependencies: ["NoteMinerIO", "TestSupport"]),
        .testTarget(name: "NoteMinerProfilesTests", dependencies: ["NoteMinerProfiles", "TestSupport"]),
        .testTarget(name: "NoteMinerReportsTests", dependencies: ["NoteMinerReports", "NoteMinerSQLite", "TestSupport"]),
        .testTarget(name: "NoteMinerSQLiteTests", dependencies: ["NoteMinerSQLite", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "NoteMinerPipelineTests", dependencies: ["NoteMinerPipeline", "NoteMinerADR", "TestSupport"]),
        .testTarget(name: "NoteMinerAnnotationsTests", dependencies: ["NoteMinerAnnotations", "NoteMinerPipeline", "TestSupport"]),
        // Runs the built `noteminer` binary (stream / profile / run) as engines and shell pipelines do.
        .testTarget(name: "CLITests", dependencies: ["NoteMinerProfiles", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
