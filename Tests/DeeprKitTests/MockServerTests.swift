import Foundation
import Testing

// These tests run the `deepr-mock-api` executable as a child process and talk to it over
// loopback sockets, so they check the program users and other tests start. They import only
// Foundation and Testing, so they compile whatever state the DeeprKit library is in.
//
// The binary is `$DEEPR_MOCK_API_BIN` when set, else `.build/debug/deepr-mock-api` under the
// package root found above this file. `swift build` must have built it first.

@Suite("deepr-mock-api")
struct MockServerTests {
    private static let heatPumpID = "resp_68a1f0c24d7c8190b3e1a9d2c4f50617"
    private static let windID = "resp_68b9d3175e2a8190a7c4b1e0d9f36248"

    private static let twoJobLog = """
        {"response_id": "\(heatPumpID)", "status": "in_progress", "timestamp": "2025-07-05T18:22:49.565537+00:00", \
        "original_prompt": "Survey heat pumps.", "refined_prompt": "Survey heat pumps in Norway 🇳🇴. Cite sources.", \
        "model": "o3-deep-research"}
        {"response_id": "\(windID)", "status": "completed", "timestamp": "2025-07-05T18:32:44+00:00", \
        "original_prompt": "Summarise 2024 wind auction results."}
        not a job line

        """

    @Test("listening line names a loopback port")
    func listeningLine() throws {
        let server = try MockServerProcess(log: Self.twoJobLog)
        defer { server.stop() }

        #expect(server.listeningLine.hasPrefix("deepr-mock-api listening on http://127.0.0.1:"))
        #expect(server.listeningLine.hasSuffix("/v1"))
        #expect(server.port > 0)
    }

    @Test("job logged in progress starts running")
    func seededJobRunning() throws {
        let server = try MockServerProcess(log: Self.twoJobLog, arguments: ["--queued-seconds", "60"])
        defer { server.stop() }

        let response = try server.request("GET", "/v1/responses/\(Self.heatPumpID)")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["x-request-id"]?.hasPrefix("req_") == true)

        let body = try response.jsonObject()
        #expect(body["status"] as? String == "in_progress")
        #expect(body["created_at"] as? Int == 1_751_739_769)
        #expect(body["model"] as? String == "o3-deep-research-2025-06-26")
        #expect(body["usage"] is NSNull)
        #expect((body["output"] as? [Any])?.isEmpty == false)
    }

    @Test("completed report cites by code points")
    func completedReportCitations() throws {
        let server = try MockServerProcess(
            log: Self.twoJobLog, arguments: ["--queued-seconds", "0", "--running-seconds", "0"])
        defer { server.stop() }

        let body = try server.request("GET", "/v1/responses/\(Self.heatPumpID)").jsonObject()
        #expect(body["status"] as? String == "completed")
        #expect(body["completed_at"] as? Int != nil)

        let output = try #require(body["output"] as? [[String: Any]])
        let messages = output.filter { $0["type"] as? String == "message" }
        #expect(messages.count == 2)
        let parts = messages.flatMap { ($0["content"] as? [[String: Any]]) ?? [] }
        #expect(parts.count == 3)

        let report = parts.compactMap { $0["text"] as? String }.joined()
        #expect(report.contains(Self.heatPumpID))
        #expect(report.contains("Survey heat pumps in Norway 🇳🇴. Cite sources."))

        for part in parts {
            let scalars = Array(try #require(part["text"] as? String).unicodeScalars)
            for annotation in (part["annotations"] as? [[String: Any]]) ?? [] {
                let start = try #require(annotation["start_index"] as? Int)
                let end = try #require(annotation["end_index"] as? Int)
                let url = try #require(annotation["url"] as? String)
                var cited = String.UnicodeScalarView()
                cited.append(contentsOf: scalars[start..<end])
                #expect(String(cited).hasPrefix("["))
                #expect(String(cited).hasSuffix("(\(url))"))
            }
        }
    }

    @Test("terminal job from the log is served as logged")
    func terminalLogJob() throws {
        let server = try MockServerProcess(log: Self.twoJobLog)
        defer { server.stop() }

        let body = try server.request("GET", "/v1/responses/\(Self.windID)").jsonObject()
        #expect(body["status"] as? String == "completed")

        let cancel = try server.request("POST", "/v1/responses/\(Self.windID)/cancel")
        #expect(cancel.status == 400)
        let error = try #require(cancel.jsonObject()["error"] as? [String: Any])
        #expect(error["message"] as? String == "Cannot cancel a completed response.")
    }

    @Test("cancel is idempotent and delete removes")
    func cancelAndDelete() throws {
        let server = try MockServerProcess(log: Self.twoJobLog, arguments: ["--queued-seconds", "60"])
        defer { server.stop() }

        let first = try server.request("POST", "/v1/responses/\(Self.heatPumpID)/cancel")
        #expect(first.status == 200)
        #expect(try first.jsonObject()["status"] as? String == "cancelled")
        #expect(try first.jsonObject()["usage"] is NSNull)

        let second = try server.request("POST", "/v1/responses/\(Self.heatPumpID)/cancel")
        #expect(second.status == 200)
        #expect(try second.jsonObject()["status"] as? String == "cancelled")

        let deleted = try server.request("DELETE", "/v1/responses/\(Self.heatPumpID)")
        #expect(deleted.status == 200)
        #expect(try deleted.jsonObject()["deleted"] as? Bool == true)

        let gone = try server.request("GET", "/v1/responses/\(Self.heatPumpID)")
        #expect(gone.status == 404)
        let error = try #require(gone.jsonObject()["error"] as? [String: Any])
        #expect(error["message"] as? String == "Response with id '\(Self.heatPumpID)' not found.")
    }

    @Test("missing or wrong key gets 401")
    func authentication() throws {
        let server = try MockServerProcess(log: Self.twoJobLog, arguments: ["--api-key", "sk-mock-correct-key-0001"])
        defer { server.stop() }

        let missing = try server.request("GET", "/v1/responses/\(Self.windID)", headers: [:])
        #expect(missing.status == 401)

        let wrong = try server.request(
            "GET", "/v1/responses/\(Self.windID)", headers: ["Authorization": "Bearer sk-mock-wrong-key-xyz4"])
        #expect(wrong.status == 401)
        let error = try #require(wrong.jsonObject()["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid_api_key")
        #expect((error["message"] as? String)?.contains("sk-...xyz4") == true)
        #expect(!wrong.text.contains("sk-mock-wrong-key-xyz4"))

        let right = try server.request(
            "GET", "/v1/responses/\(Self.windID)", headers: ["Authorization": "Bearer sk-mock-correct-key-0001"])
        #expect(right.status == 200)
    }

    @Test("scenario fault applies once")
    func gatewayFault() throws {
        let scenario = """
            {"jobs": {"\(Self.heatPumpID)": {"faults": [
              {"status": 502, "body": "<html>502 Bad Gateway</html>", "content_type": "text/html", "times": 1}
            ]}},
             "paths": {"/v1/responses/\(Self.windID)": [
              {"status": 429, "headers": {"retry-after": "2"}, "times": 1}
            ]}}
            """
        let server = try MockServerProcess(log: Self.twoJobLog, scenario: scenario)
        defer { server.stop() }

        let gateway = try server.request("GET", "/v1/responses/\(Self.heatPumpID)")
        #expect(gateway.status == 502)
        #expect(gateway.headers["content-type"] == "text/html")
        #expect(gateway.text == "<html>502 Bad Gateway</html>")
        #expect(try server.request("GET", "/v1/responses/\(Self.heatPumpID)").status == 200)

        let limited = try server.request("GET", "/v1/responses/\(Self.windID)")
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "2")
        #expect(try server.request("GET", "/v1/responses/\(Self.windID)").status == 200)
    }

    @Test("keep-alive serves two requests")
    func keepAlive() throws {
        let server = try MockServerProcess(log: Self.twoJobLog)
        defer { server.stop() }

        let connection = try MockServerTestConnection(port: server.port)
        defer { connection.close() }
        let first = try connection.send("GET", "/v1/responses/\(Self.heatPumpID)", headers: MockServerProcess.auth)
        let second = try connection.send("GET", "/v1/responses/\(Self.windID)", headers: MockServerProcess.auth)
        #expect(first.status == 200)
        #expect(second.status == 200)
        #expect(second.headers["connection"] == "keep-alive")
    }

    @Test("create returns a queued job")
    func createJob() throws {
        let server = try MockServerProcess(log: Self.twoJobLog)
        defer { server.stop() }

        let request =
            #"{"model": "o3-deep-research", "input": "Map offshore wind ports.", "background": true, "#
            + #""tools": [{"type": "web_search_preview"}]}"#
        let created = try server.request("POST", "/v1/responses", body: request)
        #expect(created.status == 200)
        let body = try created.jsonObject()
        let id = try #require(body["id"] as? String)
        #expect(id.hasPrefix("resp_"))
        #expect(id.count == 5 + 48)
        #expect(body["status"] as? String == "queued")

        #expect(try server.request("GET", "/v1/responses/\(id)").status == 200)
    }

    @Test("request log records requests")
    func requestLog() throws {
        let server = try MockServerProcess(log: Self.twoJobLog)
        defer { server.stop() }

        _ = try server.request("GET", "/v1/responses/\(Self.windID)")
        let records = try #require(
            try JSONSerialization.jsonObject(
                with: Data(server.request("GET", "/__mock/requests", headers: [:]).text.utf8))
                as? [[String: Any]])
        #expect(records.count == 1)
        #expect(records.first?["path"] as? String == "/v1/responses/\(Self.windID)")
        #expect(records.first?["status"] as? Int == 200)
        let headers = records.first?["headers"] as? [String: String]
        #expect(headers?["authorization"] == "Bearer sk-...0001")

        #expect(try server.request("POST", "/__mock/reset", headers: [:]).status == 200)
        #expect(try server.request("GET", "/__mock/requests", headers: [:]).text.hasPrefix("[]"))
    }

    @Test("malformed request gets 400")
    func malformedRequest() throws {
        let server = try MockServerProcess(log: Self.twoJobLog)
        defer { server.stop() }

        let connection = try MockServerTestConnection(port: server.port)
        defer { connection.close() }
        let response = try connection.sendRaw(Array("NOT HTTP AT ALL\r\n\r\n".utf8))
        #expect(response.status == 400)

        #expect(try server.request("GET", "/v1/responses/\(Self.windID)").status == 200)
    }

    @Test("non-loopback host exits with 2")
    func rejectsOtherHosts() throws {
        let status = try MockServerProcess.exitStatus(arguments: ["--host", "0.0.0.0"])
        #expect(status == 2)
    }
}

// MARK: - Helpers

/// A running `deepr-mock-api` child process on a free loopback port.
private final class MockServerProcess {
    static let auth = ["Authorization": "Bearer sk-mock-correct-key-0001"]

    let process = Process()
    let folder: URL
    let listeningLine: String
    let port: Int

    init(log: String, scenario: String? = nil, arguments: [String] = []) throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("deepr-mock-api-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        let logURL = folder.appendingPathComponent("job_log.jsonl")
        try log.write(to: logURL, atomically: true, encoding: .utf8)
        var allArguments = ["--log", logURL.path] + arguments
        if let scenario {
            let scenarioURL = folder.appendingPathComponent("scenario.json")
            try scenario.write(to: scenarioURL, atomically: true, encoding: .utf8)
            allArguments += ["--scenario", scenarioURL.path]
        }

        let output = Pipe()
        process.executableURL = try Self.binary()
        process.arguments = allArguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        listeningLine = Self.readLine(output.fileHandleForReading)
        let portText = listeningLine.split(separator: ":").last?.split(separator: "/").first
        guard let portText, let port = Int(portText) else {
            process.terminate()
            throw MockServerTestError("deepr-mock-api printed no listening line; got '\(listeningLine)'")
        }
        self.port = port
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Sends one request on a new connection, by default with the test key.
    func request(
        _ method: String, _ path: String, headers: [String: String] = auth, body: String? = nil
    ) throws -> MockServerTestResponse {
        let connection = try MockServerTestConnection(port: port)
        defer { connection.close() }
        return try connection.send(method, path, headers: headers, body: body)
    }

    /// Runs the binary to its end and returns its exit status.
    static func exitStatus(arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    private static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["DEEPR_MOCK_API_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }

        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let binary = folder.appendingPathComponent(".build/debug/deepr-mock-api")
                guard FileManager.default.isExecutableFile(atPath: binary.path) else {
                    throw MockServerTestError("\(binary.path) is missing; run 'swift build' or set DEEPR_MOCK_API_BIN")
                }
                return binary
            }
            folder.deleteLastPathComponent()
        }
        throw MockServerTestError("no Package.swift above \(#filePath); set DEEPR_MOCK_API_BIN")
    }

    /// Reads up to the first newline, or to end of file when the process exits first.
    private static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while true {
            let data = handle.readData(ofLength: 1)
            guard let byte = data.first, byte != 0x0A else {
                break
            }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A minimal HTTP/1.1 client over one loopback socket, reading `content-length` bodies.
private final class MockServerTestConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else {
            throw MockServerTestError("cannot create a socket")
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: in_addr_t(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Foundation.close(socket)
            throw MockServerTestError("cannot connect to 127.0.0.1:\(port)")
        }
    }

    func close() {
        Foundation.close(socket)
    }

    func send(_ method: String, _ path: String, headers: [String: String], body: String? = nil) throws
        -> MockServerTestResponse
    {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        let bodyBytes = Array((body ?? "").utf8)
        if body != nil {
            head += "Content-Type: application/json\r\nContent-Length: \(bodyBytes.count)\r\n"
        }
        return try sendRaw(Array((head + "\r\n").utf8) + bodyBytes)
    }

    func sendRaw(_ bytes: [UInt8]) throws -> MockServerTestResponse {
        let sent = bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else {
            throw MockServerTestError("cannot send the request")
        }

        let headerEnd = try receive(until: { buffer in Self.find([13, 10, 13, 10], in: buffer) })
        let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw MockServerTestError("invalid status line in '\(head)'")
        }
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                continue
            }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }

        let length = Int(fields["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd + 4
        _ = try receive(until: { buffer in buffer.count >= bodyStart + length ? 0 : nil })
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return MockServerTestResponse(status: status, headers: fields, body: body)
    }

    /// Receives until `ready` returns an offset for the buffer.
    private func receive(until ready: ([UInt8]) -> Int?) throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let offset = ready(buffer) {
                return offset
            }
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                throw MockServerTestError("the connection closed or timed out before a whole response arrived")
            }
            buffer += chunk[0..<count]
        }
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else {
            return nil
        }
        for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<(start + pattern.count)]) == pattern {
            return start
        }
        return nil
    }
}

/// One response read by `MockServerTestConnection`; header names are lower-cased.
private struct MockServerTestResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String {
        String(decoding: body, as: UTF8.self)
    }

    func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw MockServerTestError("the body is not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}

private struct MockServerTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
