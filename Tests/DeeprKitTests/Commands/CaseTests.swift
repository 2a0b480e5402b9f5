import Foundation
import Testing

@testable import DeeprKit

/// The reported faults of similar tools, replayed against deepr-manager.
@Suite struct CaseTests {
    func run(_ line: String, log: String, now: String = "2026-12-04T12:00:00Z") throws -> (Session, DeeprKit.ExitStatus) {
        TimeZoneSetup.useUTC()
        let session = TestSupport.session(log: log, now: now)
        let status = try session.execute(line: line)
        session.out.flush()
        session.err.flush()
        return (session, status)
    }

    func copyCase(_ name: String) -> String {
        TestSupport.copy(TestSupport.caseFile(name), into: TestSupport.temporaryFolder("case"), as: "job_log.jsonl")
    }

    // B05: usage null, missing or with null details, and unknown statuses.
    @Test func nullUsageListsAsUnknown() throws {
        let (session, _) = try run("list --all --json", log: copyCase("B05.jsonl"))
        let value = try JSONParser.parse(session.out.capturedText)
        let jobs = try #require(value.arrayValue)
        #expect(jobs.count == 3)
        let usages = jobs.map { $0["usage"] }
        #expect(usages.filter { $0 == .null }.count == 2)
        // Only the job with an input/output split and a priced model has a cost.
        #expect(jobs.filter { $0["cost_usd"] == .null }.count == 2)
    }

    @Test func nullUsageShowsDashInTables() throws {
        let (session, _) = try run("show resp_68e5f2d08c3b8190e9a1c7d4b2f6038b --local", log: copyCase("B05.jsonl"))
        #expect(session.out.capturedText.contains("Tokens       unknown"))
        let (detailed, _) = try run("show resp_68b9d3175e2a8190a7c4b1e0d9f36248 --local", log: copyCase("B05.jsonl"))
        #expect(detailed.out.capturedText.contains("input 9,120 (cached -), output 20,011 (reasoning -), total 29,131"))
    }

    @Test func nullUsageIsEmptyCSVCell() throws {
        let (session, _) = try run("export csv", log: copyCase("B05.jsonl"))
        let rows = session.out.capturedText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 4)
        let nullUsageRow = try #require(rows.first { $0.hasPrefix("resp_68e5f2d08c3b8190e9a1c7d4b2f6038b") })
        #expect(nullUsageRow.hasSuffix(",,,,,"))
    }

    @Test func unknownStatusIsShownAndNotPruned() throws {
        let folder = TestSupport.temporaryFolder("b05")
        let path = folder.appendingPathComponent("job_log.jsonl").path
        TestSupport.write(#"{"response_id": "resp_68e5f2d08c3b8190e9a1c7d4b2f6038b", "status": "paused_for_review", "timestamp": "2020-01-01T00:00:00Z"}"# + "\n", to: path)
        let (session, _) = try run("list --active", log: path)
        #expect(session.out.capturedText.contains("paused_for_review"))
        _ = try run("prune --status completed,failed --older-than 1d", log: path)
        #expect(TestSupport.read(path).contains("paused_for_review"))
    }

    // B11: a torn final line is reported as such, and jobs before it list.
    @Test func tornFinalLineIsNamed() throws {
        let (session, _) = try run("list --all --json", log: copyCase("B11.jsonl"))
        let jobs = try #require(try JSONParser.parse(session.out.capturedText).arrayValue)
        #expect(jobs.count == 2)
        #expect(session.err.capturedText.contains("line 3"))
        #expect(session.err.capturedText.contains("incomplete final record"))
    }

    @Test func validFinalLineWithoutNewlineIsAJob() throws {
        let folder = TestSupport.temporaryFolder("b11")
        let path = folder.appendingPathComponent("job_log.jsonl").path
        TestSupport.write(#"{"response_id": "resp_aaaa0001", "status": "completed"}"# + "\n" + #"{"response_id": "resp_aaaa0002", "status": "completed"}"#, to: path)
        let (session, _) = try run("list --all --json", log: path)
        let jobs = try #require(try JSONParser.parse(session.out.capturedText).arrayValue)
        #expect(jobs.count == 2)
        #expect(session.err.capturedText.isEmpty)
    }

    // B12: BOM and CRLF.
    @Test func bomAndCRLFLinesList() throws {
        let (session, _) = try run("list --status completed --json", log: copyCase("B12.jsonl"))
        let jobs = try #require(try JSONParser.parse(session.out.capturedText).arrayValue)
        #expect(jobs.count == 2)
        #expect(jobs.allSatisfy { $0["status"] == JSONValue.string("completed") })
        #expect(session.err.capturedText.isEmpty)
    }

    // B14: every timestamp shape, calendar-day filters in UTC, prune at a fixed clock.
    @Test func timestampShapesListWithRightInstants() throws {
        let (session, _) = try run("list --all --json --sort created", log: copyCase("B14.jsonl"))
        let jobs = try #require(try JSONParser.parse(session.out.capturedText).arrayValue)
        let created = jobs.compactMap { $0["created_at"]?.stringValue }
        #expect(Set(created) == [
            "2025-07-05T18:22:49.565537Z", "2025-07-05T18:22:49.000000Z", "2025-07-05T23:30:00.250000Z",
            "2025-07-18T09:15:03.000001Z",
        ])
        #expect(jobs.count == 6)
    }

    @Test func calendarDayFilterUsesLocalZone() throws {
        let (session, _) = try run("list --since 2025-07-05 --until 2025-07-05 --json", log: copyCase("B14.jsonl"))
        let jobs = try #require(try JSONParser.parse(session.out.capturedText).arrayValue)
        // In UTC, line 5 (01:30 at +02:00) falls on 2025-07-05 too.
        #expect(jobs.count == 5)
        #expect(!jobs.contains { $0["id"] == JSONValue.string("resp_68f1a6c4d2e08190f3b5a9c1e7d24c7f") })
    }

    @Test func relativeSinceCountsFromClock() throws {
        let (session, _) = try run("list --since 3d --json", log: copyCase("B14.jsonl"), now: "2025-07-20T00:00:00Z")
        let jobs = try #require(try JSONParser.parse(session.out.capturedText).arrayValue)
        #expect(jobs.map { $0["id"] } == [JSONValue.string("resp_68f1a6c4d2e08190f3b5a9c1e7d24c7f")])
    }

    // B21 (in process): an unknown job id fails with a usage error.
    @Test func unknownJobIsUsageError() throws {
        let log = copyCase("B18.jsonl")
        #expect {
            try run("show resp_000000000000000000000000000000000000", log: log)
        } throws: { error in
            let presented = DeeprError.from(error)
            return presented.status == .usage && presented.message.contains("no such job")
        }
    }
}

/// Tests compare times in UTC; the process-wide zone is set once.
enum TimeZoneSetup {
    static let done: Bool = {
        setenv("TZ", "UTC", 1)
        tzset()
        return true
    }()

    static func useUTC() {
        _ = done
    }
}
