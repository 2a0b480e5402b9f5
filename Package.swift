// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "deepr-manager",
    products: [
        .executable(name: "deepr-manager", targets: ["deepr-manager"]),
        .executable(name: "deepr-mock-api", targets: ["deepr-mock-api"]),
        .library(name: "DeeprKit", targets: ["DeeprKit"]),
    ],
    targets: [
        // libedit from Debian's libedit-dev, found through pkg-config.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // A small C shim over libedit's variadic el_set/history calls, which Swift cannot call.
        .target(name: "CLineEditor", dependencies: ["CLibEdit"]),
        .target(
            name: "DeeprKit",
            dependencies: ["CLineEditor"]
        ),
        .executableTarget(name: "deepr-manager", dependencies: ["DeeprKit"]),
        .target(name: "MockServerKit"),
        .executableTarget(name: "deepr-mock-api", dependencies: ["MockServerKit"]),
        .testTarget(
            name: "DeeprKitTests",
            dependencies: ["DeeprKit", "MockServerKit"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
