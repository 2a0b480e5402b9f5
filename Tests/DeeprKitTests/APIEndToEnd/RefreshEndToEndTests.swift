import Foundation
import Testing

@testable import DeeprKit

/// `refresh` against deepr-mock-api over real sockets.
@Suite(.serialized) struct RefreshEndToEndTests {
    static let first = "resp_68a1f0c24d7c8190b3e1a9d2c4f50617"
    static let second = "resp_68b9d3175e2a8190a7c4b1e0d9f36248"

    @Test func recordsEndedJobsWithModelUsageAndTime() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let ids = try JobLog.read(path: workspace.log).jobs.map(\.id)
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"jobs": {"\(ids[0])": {"status": "completed"}, "\(ids[1])": {"status": "in_progress"}}}
            """)
        let result = try mock.run(["refresh"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        let done = try workspace.record(ids[0])
        #expect(done["status"] == JSONValue.string("completed"))
        #expect(done["usage"]?.objectValue != nil)
        #expect(done["model"]?.stringValue?.hasPrefix("o3-deep-research") == true)
        #expect(done["completed_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(try workspace.record(ids[1])["status"] == JSONValue.string("in_progress"))
        #expect(result.stdout.contains("\(ids[0])  in_progress → completed"))
    }

    // B07: a 502 HTML page keeps the status, and the other job is still refreshed.
    @Test func gatewayErrorKeepsStatus() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let ids = try JobLog.read(path: workspace.log).jobs.map(\.id)
        let html = TestSupport.read(TestSupport.caseFile("B07-poll-502.http")).components(separatedBy: "\r\n\r\n").last ?? "<html></html>"
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"jobs": {"\(ids[0])": {"faults": [{"status": 502, "content_type": "text/html", "body": \(JSONWriter.string(.string(html)))}]},
                      "\(ids[1])": {"status": "completed"}}}
            """)
        let before = try workspace.record(ids[0])
        let result = try mock.run(["refresh"], directory: workspace.folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("HTTP 502"))
        #expect(result.stderr.contains("non-JSON body (text/html)"))
        #expect(try workspace.record(ids[0]) == before)
        #expect(try workspace.record(ids[1])["status"] == JSONValue.string("completed"))
        // Retried twice after the first try.
        #expect(try mock.requests(path: "/v1/responses/\(ids[0])").count == 3)
    }

    // B08: 429 with a lower-case retry-after header delays the next request.
    @Test func rateLimitWaitsRetryAfter() throws {
        let workspace = Workspace(caseFile: "B08.jsonl")
        let id = try JobLog.read(path: workspace.log).jobs[0].id
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"jobs": {"\(id)": {"status": "completed", "faults": [{"status": 429, "times": 1, "headers": {"retry-after": "2"},
              "body": {"error": {"message": "Rate limit reached", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}}]}}}
            """)
        let result = try mock.run(["refresh", id], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("rate limited"))
        #expect(result.stderr.contains("retrying in 2 s"))
        let times = try mock.requests(path: "/v1/responses/\(id)").compactMap { $0["time"]?.doubleValue }
        #expect(times.count == 2)
        if times.count == 2 {
            #expect(times[1] - times[0] >= 2.0)
        }
        #expect(try workspace.record(id)["status"] == JSONValue.string("completed"))
    }

    // B10: a 404 marks an active job not_found and keeps its line.
    @Test func notFoundKeepsTheLine() throws {
        let workspace = Workspace(caseFile: "B10.jsonl")
        let jobs = try JobLog.read(path: workspace.log).jobs
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"jobs": {"\(jobs[0].id)": {"faults": [{"status": 404, "body": {"error": {"message": "Response with id '\(jobs[0].id)' not found.", "type": "invalid_request_error", "param": null, "code": null}}}]},
                      "\(jobs[1].id)": {"status": "completed"}}}
            """)
        let result = try mock.run(["refresh"] + jobs.map(\.id), directory: workspace.folder)
        let record = try workspace.record(jobs[0].id)
        if jobs[0].isActive {
            #expect(record["status"] == JSONValue.string("not_found"))
            #expect(result.stdout.contains("not_found"))
        } else {
            #expect(record["status"] == JSONValue.string(jobs[0].status.rawValue))
        }
        #expect(workspace.logText.contains(jobs[0].id))
        #expect(try workspace.record(jobs[1].id)["status"] == JSONValue.string("completed"))
    }

    @Test func timeoutLeavesLogUnchanged() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let id = try JobLog.read(path: workspace.log).jobs[0].id
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"jobs": {"\(id)": {"faults": [{"stall_seconds": 20}]}}}
            """)
        let before = workspace.logBytes
        let started = Date()
        let result = try mock.run(["--timeout", "1", "refresh", id], directory: workspace.folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("timed out"))
        #expect(workspace.logBytes == before)
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test func refusedConnectionLeavesLogUnchanged() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let before = workspace.logBytes
        // A port that was free a moment ago: nothing listens there.
        let port = try FreePort.find()
        let result = try TestSupport.run(["--base-url", "http://127.0.0.1:\(port)/v1", "refresh"],
                                         environment: ["OPENAI_API_KEY": MockAPI.key], directory: workspace.folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("connection failed"))
        #expect(workspace.logBytes == before)
    }

    @Test func rejectedKeyExitsFourWithoutShowingIt() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let mock = try MockAPI(log: workspace.log, arguments: ["--api-key", "sk-the-right-one-000000"])
        let before = workspace.logBytes
        let result = try mock.run(["refresh"], directory: workspace.folder)
        #expect(result.status == 4)
        #expect(result.stderr.contains("OPENAI_API_KEY"))
        #expect(!result.stderr.contains(MockAPI.key))
        #expect(!result.stdout.contains(MockAPI.key))
        #expect(workspace.logBytes == before)
    }

    @Test func missingKeyExitsFourButOfflineWorks() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let mock = try MockAPI(log: workspace.log)
        let refresh = try mock.run(["refresh"], directory: workspace.folder, key: nil)
        #expect(refresh.status == 4)
        #expect(refresh.stderr.contains("OPENAI_API_KEY is not set"))
        let list = try mock.run(["list", "--all"], directory: workspace.folder, key: nil)
        #expect(list.status == 0)
        #expect(try mock.requests().isEmpty)
    }

    @Test func showUsesSessionCacheUnlessFresh() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let id = try JobLog.read(path: workspace.log).jobs[0].id
        let mock = try MockAPI(log: workspace.log, scenario: #"{"jobs": {"\#(id)": {"status": "completed"}}}"#)
        let cached = try mock.run(["-c", "refresh", "-c", "show \(id)"], directory: workspace.folder)
        #expect(cached.status == 0, "\(cached.stderr)")
        #expect(try mock.requests(path: "/v1/responses/\(id)").count == 1)
        // A new process fetches once for the first show, and --fresh fetches again.
        let fresh = try mock.run(["-c", "show \(id)", "-c", "show \(id) --fresh"], directory: workspace.folder)
        #expect(fresh.status == 0)
        #expect(try mock.requests(path: "/v1/responses/\(id)").count == 3)
        #expect(fresh.stdout.contains("Web searches"))
        #expect(fresh.stdout.contains("Cost"))
    }
}

/// Finds a loopback port with nothing listening on it.
enum FreePort {
    static func find() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw TestFailure("bind failed") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Interactive start-up, as manager.py does it: refresh active jobs, then the summary.
@Suite(.serialized) struct StartUpEndToEndTests {
    @Test func startUpRefreshesThenSummarises() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let ids = try JobLog.read(path: workspace.log).jobs.map(\.id)
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"jobs": {"\(ids[0])": {"status": "completed"}, "\(ids[1])": {"status": "in_progress"}}}
            """)
        let result = try mock.run(["-i", "--no-prune"], directory: workspace.folder, input: "list --active --json\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(ids[0])  in_progress → completed"))
        #expect(result.stdout.contains("1 active, 1 completed, 2 total"))
        #expect(try workspace.record(ids[0])["status"] == JSONValue.string("completed"))
        #expect(try mock.requests(path: "/v1/responses/\(ids[1])").count == 1)
    }
}

/// Failures that reach every request leave the whole log as it was.
@Suite(.serialized) struct UnchangedLogTests {
    @Test func htmlGatewayPageOnEveryRequest() throws {
        let workspace = Workspace(caseFile: "B07.jsonl")
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"paths": {"*": [{"status": 502, "content_type": "text/html", "body": "<html><body>502 Bad Gateway</body></html>"}]}}
            """)
        let before = workspace.logBytes
        let result = try mock.run(["refresh"], directory: workspace.folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("HTTP 502"))
        #expect(workspace.logBytes == before)
    }

    @Test func startUpPrunesOldCompletedJobs() throws {
        let workspace = Workspace(caseFile: "B14.jsonl")
        let result = try TestSupport.run(["-i"], input: "list --all --json\n",
                                         environment: ["DEEPR_MANAGER_NOW": "2025-07-20T00:00:00Z"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("moved 4 completed jobs older than 7 days"))
        let archive = workspace.folder.appendingPathComponent("logs/job_log.archive.jsonl").path
        #expect(TestSupport.read(archive).split(separator: "\n").count == 4)
    }

    @Test func retentionZeroTurnsStartUpPruningOff() throws {
        let workspace = Workspace(caseFile: "B14.jsonl")
        let before = workspace.logBytes
        let result = try TestSupport.run(["--retention", "0", "-i"], input: "list\n",
                                         environment: ["DEEPR_MANAGER_NOW": "2025-07-20T00:00:00Z"], directory: workspace.folder)
        #expect(result.status == 0)
        #expect(!result.stderr.contains("moved"))
        #expect(workspace.logBytes == before)
    }
}

/// B10's variant: a 404 with an HTML page is no proof that the job is gone.
@Suite(.serialized) struct HTMLNotFoundTests {
    @Test func htmlNotFoundKeepsStatus() throws {
        let workspace = Workspace(caseFile: "B10.jsonl")
        let jobs = try JobLog.read(path: workspace.log).jobs
        let html = TestSupport.read(TestSupport.caseFile("B10-404.html"))
        let mock = try MockAPI(log: workspace.log, scenario: """
            {"jobs": {"\(jobs[0].id)": {"faults": [{"status": 404, "content_type": "text/html", "body": \(JSONWriter.string(.string(html)))}]}}}
            """)
        let before = try workspace.record(jobs[0].id)
        let result = try mock.run(["refresh", jobs[0].id], directory: workspace.folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("HTTP 404: non-JSON body (text/html)"))
        #expect(try workspace.record(jobs[0].id) == before)
    }
}
