import Foundation
import Testing

@testable import DeeprKit

@Suite struct APIResponseTests {
    func load(_ path: String) throws -> APIResponse {
        try APIResponse(try JSONParser.parse(bytes: TestSupport.readBytes(path)))
    }

    @Test func completedFixtureJoinsEveryTextPart() throws {
        let response = try load(TestSupport.fixture("api/response-completed-deep-research.json"))
        let raw = try JSONParser.parse(bytes: TestSupport.readBytes(TestSupport.fixture("api/response-completed-deep-research.json")))
        var parts: [String] = []
        for item in raw["output"]?.arrayValue ?? [] where item["type"] == JSONValue.string("message") {
            for part in item["content"]?.arrayValue ?? [] where part["type"] == JSONValue.string("output_text") {
                parts.append(part["text"]?.stringValue ?? "")
            }
        }
        #expect(parts.count == 2)
        #expect(response.reportText == parts.joined())
        #expect(response.status == "completed")
        #expect(response.usage?.cachedTokens != nil)
        #expect(response.usage?.reasoningTokens != nil)
        #expect(!response.citations.isEmpty)
        #expect(response.webSearchCount == 4)
    }

    // B06: created_at is Unix seconds, not seconds since 2001.
    @Test func unixSecondsDecodeFrom1970() throws {
        let response = try load(TestSupport.caseFile("B06-response.json"))
        #expect(response.createdAt.iso8601 == "2025-07-05T18:22:49.000000Z")
        let completed = try #require(response.completedAt)
        #expect(completed.seconds - response.createdAt.seconds == 1800)
        #expect(TimeText.duration(seconds: 1800) == "30m 0s")
    }

    // B01: completed without a message is marked, and incomplete keeps its reason.
    @Test func completedWithoutMessageIsMarked() throws {
        let response = try load(TestSupport.caseFile("B01-completed-empty.json"))
        #expect(response.reportText.isEmpty)
        #expect(response.displayStatus == "completed (no report text)")
        let incomplete = try load(TestSupport.caseFile("B01-incomplete.json"))
        #expect(incomplete.status == "incomplete")
        #expect(incomplete.incompleteReason == "max_output_tokens")
        #expect(incomplete.displayStatus == "incomplete (max_output_tokens)")
    }

    // B03: a null text part counts as empty.
    @Test func nullTextPartIsEmpty() throws {
        let response = try load(TestSupport.caseFile("B03-response.json"))
        #expect(response.reportText.contains("Summary: grid prices fell 12% year on year."))
        #expect(response.status == "completed")
    }

    // B04: a refusal is kept apart from the report.
    @Test func refusalIsReported() throws {
        let response = try load(TestSupport.caseFile("B04-response.json"))
        #expect(response.reportText.isEmpty)
        #expect(response.refusals == ["I can't help with compiling personal contact details for these individuals."])
        #expect(response.displayStatus == "completed (refused)")
    }

    // B05: cancelled with null usage, and an unknown status.
    @Test func nullUsageAndUnknownStatusDecode() throws {
        let cancelled = try load(TestSupport.caseFile("B05-response.json"))
        #expect(cancelled.status == "cancelled")
        #expect(cancelled.usage == nil)
        let unknown = try load(TestSupport.caseFile("B05-unknown-status.json"))
        #expect(unknown.status == "paused_for_review")
        #expect(unknown.jobStatus.isActive)
    }

    @Test(arguments: ["response-queued.json", "response-in-progress.json", "response-failed.json",
                      "response-incomplete-max-output-tokens.json", "response-cancelled.json"])
    func everyFixtureDecodes(_ name: String) throws {
        let response = try load(TestSupport.fixture("api/" + name))
        #expect(response.id.hasPrefix("resp_"))
        #expect(response.createdAt.iso8601.hasPrefix("2025-08-20"))
    }

    @Test func failedFixtureCarriesError() throws {
        let response = try load(TestSupport.fixture("api/response-failed.json"))
        #expect(response.error?.code == "server_error")
        #expect(response.error?.message?.isEmpty == false)
    }

    @Test func lenientOnOddShapes() throws {
        let text = #"{"id": "resp_x", "created_at": 1.5e9, "status": 7, "usage": {"input_tokens": null, "output_tokens_details": null}, "output": [{"type": "message", "content": [{"type": "output_text"}, {"type": "future_part"}]}, {"type": "brand_new_item"}, {"type": "web_search_call"}], "error": null, "incomplete_details": {}}"#
        let response = try APIResponse(try JSONParser.parse(text))
        #expect(response.status == "unknown")
        #expect(response.usage?.inputTokens == nil)
        #expect(response.reportText.isEmpty)
        #expect(response.webSearchCount == 1)
        #expect(response.incompleteReason == nil)
    }

    @Test func remoteFieldsNeverMoveFinalBack() throws {
        let log = JobLog.parse(LogBytes(copying: Array(#"{"response_id": "resp_x", "status": "completed"}"#.utf8)), path: "t")
        let queued = try APIResponse(try JSONParser.parse(#"{"id": "resp_x", "created_at": 1, "status": "queued"}"#))
        #expect(RemoteFields.fields(for: queued, job: log.jobs[0]) == nil)
    }

    @Test func remoteFieldsRecordEndOfJob() throws {
        let log = JobLog.parse(LogBytes(copying: Array(#"{"response_id": "resp_x", "status": "in_progress", "extra": 1}"#.utf8)), path: "t")
        let response = try load(TestSupport.caseFile("B01-incomplete.json"))
        let fields = try #require(RemoteFields.fields(for: response, job: log.jobs[0]))
        #expect(fields["status"] == JSONValue.string("incomplete"))
        #expect(fields["incomplete_reason"] == JSONValue.string("max_output_tokens"))
        #expect(fields["usage"] != nil)
    }
}
