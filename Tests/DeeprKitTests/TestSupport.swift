import Foundation
import Testing

@testable import DeeprKit

/// Paths, temporary folders and ways to run the tool, shared by the tests.
enum TestSupport {
    /// The package's root folder.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = packageRoot.appendingPathComponent("Tests/DeeprKitTests/Fixtures")

    static func fixture(_ relative: String) -> String {
        fixtures.appendingPathComponent(relative).path
    }

    static func caseFile(_ name: String) -> String {
        fixture("cases/" + name)
    }

    /// The folder holding the built executables: the one this test binary runs from.
    static let productsFolder: URL = {
        if let custom = ProcessInfo.processInfo.environment["DEEPR_PRODUCTS_DIR"] {
            return URL(fileURLWithPath: custom)
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // The XCTest bundle on Linux is <products>/<name>.xctest; Swift Testing runs the same binary.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("deepr-manager").path),
            folder.path != "/"
        {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    static var binary: String { productsFolder.appendingPathComponent("deepr-manager").path }
    static var mockBinary: String { productsFolder.appendingPathComponent("deepr-mock-api").path }

    /// A new empty folder that is removed when the process ends.
    static func temporaryFolder(_ label: String = "test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("deepr-tests-\(label)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Copies a fixture into `folder` and returns the copy's path.
    @discardableResult
    static func copy(_ fixturePath: String, into folder: URL, as name: String? = nil) -> String {
        let target = folder.appendingPathComponent(name ?? URL(fileURLWithPath: fixturePath).lastPathComponent)
        try? FileManager.default.removeItem(at: target)
        try! FileManager.default.copyItem(atPath: fixturePath, toPath: target.path)
        return target.path
    }

    static func write(_ text: String, to path: String) {
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) -> String {
        String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
    }

    static func readBytes(_ path: String) -> [UInt8] {
        [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
    }

    /// A session over a log file, with output captured in memory and a fixed clock.
    static func session(log: String, now: String = "2026-12-04T12:00:00Z", environment: [String: String] = [:],
                        folder: URL? = nil) -> Session
    {
        var settings = Settings()
        settings.logPath = log
        settings.reportsDirectory = (folder ?? URL(fileURLWithPath: log).deletingLastPathComponent())
            .appendingPathComponent("reports").path
        settings.historyPath = nil
        let session = Session(settings: settings, environment: Environment(environment), out: .capture(),
                              err: .capture(), terminalWidth: 120)
        let instant = Timestamp.parse(now)!
        session.clock = { instant }
        return session
    }

    struct RunResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the real executable with its standard input from `input` (or /dev/null).
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                    directory: URL? = nil, timeout: Double = 60) throws -> RunResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["OPENAI_API_KEY"] = nil
        env["OPENAI_BASE_URL"] = nil
        env["DEEPR_JOB_LOG"] = nil
        env["NO_COLOR"] = nil
        env["TZ"] = "UTC"
        env["DEEPR_MANAGER_HISTFILE"] = ""
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }

        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let stdinPipe = Pipe()
        process.standardInput = input == nil ? FileHandle(forReadingAtPath: "/dev/null") : stdinPipe

        try process.run()
        if let input {
            stdinPipe.fileHandleForWriting.write(Data(input.utf8))
            try stdinPipe.fileHandleForWriting.close()
        }
        // Read both pipes on their own threads so a full pipe never blocks the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let outBox = Box()
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outBox.data = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errBox.data = stderrPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw TestFailure("\(arguments) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: String(decoding: outBox.data, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
