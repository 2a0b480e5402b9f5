import Foundation
import Testing

@testable import DeeprKit

/// `cancel`, `watch` and `wait` against deepr-mock-api.
@Suite(.serialized) struct CancelWatchEndToEndTests {
    static let running = "resp_6903c8f4d6e59190b2a3f4e5d6c7b8a9"
    static let finished = "resp_68a1f0c24d7c8190b3e1a9d2c4f50617"

    func workspace() -> Workspace {
        Workspace(text: """
            {"response_id": "\(CancelWatchEndToEndTests.finished)", "status": "in_progress", "timestamp": "2026-12-01T10:00:00Z", "prompt": "done already"}
            {"response_id": "\(CancelWatchEndToEndTests.running)", "status": "in_progress", "timestamp": "2026-12-02T10:00:00Z", "prompt": "still running"}

            """)
    }

    @Test func cancelRecordsCancelled() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, arguments: ["--running-seconds", "600"])
        let result = try mock.run(["cancel", CancelWatchEndToEndTests.running], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cancelled \(CancelWatchEndToEndTests.running)"))
        #expect(try workspace.record(CancelWatchEndToEndTests.running)["status"] == JSONValue.string("cancelled"))
        #expect(try mock.requests(path: "/v1/responses/\(CancelWatchEndToEndTests.running)/cancel", method: "POST").count == 1)
    }

    @Test func cancelOfFinishedJobRecordsItsFinalStatus() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, scenario: #"{"jobs": {"\#(CancelWatchEndToEndTests.finished)": {"status": "completed"}}}"#)
        let result = try mock.run(["cancel", CancelWatchEndToEndTests.finished], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("had already ended: completed"))
        #expect(try workspace.record(CancelWatchEndToEndTests.finished)["status"] == JSONValue.string("completed"))
    }

    @Test func bulkCancelNeedsYesInScripts() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, arguments: ["--running-seconds", "600"])
        let before = workspace.logBytes
        let refused = try mock.run(["cancel", "--active"], directory: workspace.folder)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--yes"))
        #expect(workspace.logBytes == before)
        #expect(try mock.requests().isEmpty)

        let dryRun = try mock.run(["cancel-all", "--dry-run"], directory: workspace.folder)
        #expect(dryRun.status == 0)
        #expect(dryRun.stdout.components(separatedBy: "would cancel").count == 3)
        #expect(try mock.requests().isEmpty)

        let done = try mock.run(["cancel", "--active", "--yes", "--grep", "still"], directory: workspace.folder)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(try workspace.record(CancelWatchEndToEndTests.running)["status"] == JSONValue.string("cancelled"))
        #expect(try workspace.record(CancelWatchEndToEndTests.finished)["status"] == JSONValue.string("in_progress"))
    }

    @Test func managerCancelFlagWorks() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, arguments: ["--running-seconds", "600"])
        let result = try mock.run(["--cancel", CancelWatchEndToEndTests.running], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try workspace.record(CancelWatchEndToEndTests.running)["status"] == JSONValue.string("cancelled"))
    }

    @Test func waitReturnsWhenJobsFinish() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, arguments: ["--queued-seconds", "0.5", "--running-seconds", "1.5"])
        let result = try mock.run(["wait", "--interval", "1", "--timeout", "30"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try workspace.record(CancelWatchEndToEndTests.running)["status"] == JSONValue.string("completed"))
        #expect(try workspace.record(CancelWatchEndToEndTests.finished)["status"] == JSONValue.string("completed"))
    }

    @Test func waitTimeoutExitsEight() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, arguments: ["--running-seconds", "600"])
        let started = Date()
        let result = try mock.run(["wait", CancelWatchEndToEndTests.running, "--interval", "1", "--timeout", "2"], directory: workspace.folder)
        #expect(result.status == 8)
        #expect(result.stderr.contains("timed out"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func exitStatusReportsFailedJob() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, scenario: #"{"queued_seconds": 0.2, "running_seconds": 0.5, "jobs": {"\#(CancelWatchEndToEndTests.running)": {"outcome": "failed"}}}"#)
        let result = try mock.run(["watch", "--interval", "1", "--timeout", "30", "--exit-status"], directory: workspace.folder)
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stdout.contains("failed"))
    }

    @Test func watchDownloadsCompletedReports() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, arguments: ["--queued-seconds", "0.2", "--running-seconds", "0.5"])
        let result = try mock.run(["watch", CancelWatchEndToEndTests.running, "--interval", "1", "--download"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: workspace.reports.appendingPathComponent("report_\(CancelWatchEndToEndTests.running).txt").path))
    }
}

/// Searches everything the tool wrote for the API key.
@Suite(.serialized) struct SecretHandlingTests {
    @Test func keyNeverAppearsAnywhere() throws {
        let workspace = Workspace(text: """
            {"response_id": "resp_6903c8f4d6e59190b2a3f4e5d6c7b8a9", "status": "in_progress", "timestamp": "2026-12-02T10:00:00Z", "prompt": "p"}
            {"response_id": "resp_68a1f0c24d7c8190b3e1a9d2c4f50617", "status": "completed", "timestamp": "2026-12-01T10:00:00Z", "prompt": "q"}

            """)
        let history = workspace.folder.appendingPathComponent("history").path
        let mock = try MockAPI(log: workspace.log, scenario: #"{"jobs": {"resp_6903c8f4d6e59190b2a3f4e5d6c7b8a9": {"status": "completed"}}}"#)
        var outputs: [String] = []
        let script = "refresh\nshow last\ndownload resp_6903c8f4 --format txt,md,json\nshow 68a1f0c2\nlist --all --json\nhistory\n"
        let run = try mock.run(["-i", "--verbose"], directory: workspace.folder, input: script,
                               environment: ["DEEPR_MANAGER_HISTFILE": history])
        outputs += [run.stdout, run.stderr]
        let rejected = try MockAPI(log: workspace.log, arguments: ["--api-key", "sk-something-else-entirely"])
        let failure = try rejected.run(["refresh", "resp_6903c8f4"], directory: workspace.folder)
        outputs += [failure.stdout, failure.stderr]
        #expect(failure.status == 4)
        outputs.append(workspace.logText)
        outputs.append(TestSupport.read(history))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: workspace.reports.path)) ?? [] {
            outputs.append(TestSupport.read(workspace.reports.appendingPathComponent(name).path))
        }
        #expect(outputs.count >= 6)
        for (index, text) in outputs.enumerated() {
            #expect(!text.contains(MockAPI.key), "output \(index) contains the key")
            #expect(!text.contains("e2e-KEY"), "output \(index) contains part of the key")
        }
    }
}
