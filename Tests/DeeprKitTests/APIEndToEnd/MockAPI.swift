import Foundation
import Testing

@testable import DeeprKit

/// A `deepr-mock-api` process on a free loopback port, for one test.
final class MockAPI: @unchecked Sendable {
    let process = Process()
    let url: String
    let folder: URL
    static let key = "sk-test-e2e-KEY-4f9c2a7d1b8e6053"

    /// Starts the mock seeded from `log`, with an optional scenario (JSON text).
    init(log: String, scenario: String? = nil, arguments: [String] = []) throws {
        folder = TestSupport.temporaryFolder("mock")
        var all = ["--log", log, "--host", "127.0.0.1", "--port", "0"] + arguments
        if let scenario {
            let path = folder.appendingPathComponent("scenario.json").path
            TestSupport.write(scenario, to: path)
            all += ["--scenario", path]
        }
        process.executableURL = URL(fileURLWithPath: TestSupport.mockBinary)
        process.arguments = all
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()

        // The first line names the address.
        var line = Data()
        let handle = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data([0x0A]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://") else {
            process.terminate()
            throw TestFailure("deepr-mock-api printed no address: '\(text)'")
        }
        url = String(text[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    deinit {
        stop()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The requests the mock received, oldest first.
    func requests() throws -> [JSONValue] {
        let base = url.replacingOccurrences(of: "/v1", with: "")
        let data = try Data(contentsOf: URL(string: base + "/__mock/requests")!)
        return try JSONParser.parse(bytes: [UInt8](data)).arrayValue ?? []
    }

    /// Requests to one path, such as "/v1/responses/resp_x".
    func requests(path: String, method: String = "GET") throws -> [JSONValue] {
        try requests().filter { $0["path"]?.stringValue == path && $0["method"]?.stringValue == method }
    }

    /// Runs deepr-manager against this mock in `directory`, with the test key.
    func run(_ arguments: [String], directory: URL, key: String? = MockAPI.key, input: String? = nil,
             environment: [String: String] = [:]) throws -> TestSupport.RunResult
    {
        var env = environment
        if let key { env["OPENAI_API_KEY"] = key }
        return try TestSupport.run(["--base-url", url] + arguments, input: input, environment: env, directory: directory)
    }
}

/// A working folder with `logs/job_log.jsonl` copied from a case file or given text.
struct Workspace {
    let folder: URL
    var log: String { folder.appendingPathComponent("logs/job_log.jsonl").path }
    var reports: URL { folder.appendingPathComponent("reports") }

    init(caseFile: String? = nil, text: String? = nil) {
        folder = TestSupport.temporaryFolder("ws")
        try! FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        if let caseFile {
            TestSupport.copy(TestSupport.caseFile(caseFile), into: folder.appendingPathComponent("logs"), as: "job_log.jsonl")
        } else {
            TestSupport.write(text ?? "", to: folder.appendingPathComponent("logs/job_log.jsonl").path)
        }
    }

    var logText: String { TestSupport.read(log) }
    var logBytes: [UInt8] { TestSupport.readBytes(log) }

    /// The job's winning line, parsed.
    func record(_ id: String) throws -> JSONObject {
        let parsed = JobLog.parse(LogBytes(copying: logBytes), path: log)
        guard let job = parsed.jobs.first(where: { $0.id == id }) else { throw TestFailure("\(id) is not in the log") }
        return job.record
    }
}
