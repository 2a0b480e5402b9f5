import Foundation
import Testing

@testable import DeeprKit

/// `download` and `show` against deepr-mock-api.
@Suite(.serialized) struct DownloadEndToEndTests {
    static let id = "resp_68a1f0c24d7c8190b3e1a9d2c4f50617"

    func workspace(status: String = "completed") -> Workspace {
        Workspace(text: #"{"response_id": "\#(DownloadEndToEndTests.id)", "status": "\#(status)", "timestamp": "2026-12-01T10:00:00Z", "prompt": "Heat pumps in cold climates"}"# + "\n")
    }

    /// The report text computed independently from the raw response: every output_text
    /// part of every message item, parts joined with nothing, messages with a blank line.
    func expectedReport(_ raw: JSONValue) -> String {
        var messages: [String] = []
        for item in raw["output"]?.arrayValue ?? [] where item["type"]?.stringValue == "message" {
            let parts = (item["content"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "output_text" }
            let text = parts.map { $0["text"]?.stringValue ?? "" }.joined()
            if !text.isEmpty { messages.append(text) }
        }
        return messages.joined(separator: "\n\n")
    }

    @Test func savesEveryTextPartInOrder() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log)
        let result = try mock.run(["download", "last", "--format", "txt,md,json"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        let base = workspace.reports.appendingPathComponent("report_\(DownloadEndToEndTests.id)")
        let raw = try JSONParser.parse(bytes: TestSupport.readBytes(base.path + ".json"))
        let expected = expectedReport(raw)
        let messages = (raw["output"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "message" }
        #expect(messages.count >= 2)
        #expect(!expected.isEmpty)
        #expect(TestSupport.read(base.path + ".txt") == expected + (expected.hasSuffix("\n") ? "" : "\n"))
        let markdown = TestSupport.read(base.path + ".md")
        #expect(markdown.hasPrefix("# Heat pumps in cold climates"))
        #expect(markdown.contains("## Sources"))
        #expect(markdown.contains("1. ["))
        #expect(result.stdout.contains(String(expected.prefix(200))))
    }

    @Test func existingReportNeedsForce() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log)
        #expect(try mock.run(["download", "last"], directory: workspace.folder).status == 0)
        let again = try mock.run(["download", "last"], directory: workspace.folder)
        #expect(again.status == 1)
        #expect(again.stderr.contains("--force"))
        #expect(try mock.run(["download", "last", "--force"], directory: workspace.folder).status == 0)
    }

    // B01: completed without text: no file, a clear message, exit 1 in a script.
    @Test func completedWithoutTextWritesNothing() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, scenario: #"{"jobs": {"\#(DownloadEndToEndTests.id)": {"outcome": "completed_empty"}}}"#)
        TestSupport.write("download last\nlist\n", to: workspace.folder.appendingPathComponent("s").path)
        let result = try mock.run(["-f", "s"], directory: workspace.folder)
        #expect(result.status == 3)
        #expect(result.stderr.contains("completed without report text"))
        #expect(!FileManager.default.fileExists(atPath: workspace.reports.appendingPathComponent("report_\(DownloadEndToEndTests.id).txt").path))
        let show = try mock.run(["show", "last"], directory: workspace.folder)
        #expect(show.stdout.contains("completed (no report text)"))
    }

    @Test func existingReportIsNeverEmptied() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, scenario: #"{"jobs": {"\#(DownloadEndToEndTests.id)": {"outcome": "completed_empty"}}}"#)
        try FileManager.default.createDirectory(at: workspace.reports, withIntermediateDirectories: true)
        let path = workspace.reports.appendingPathComponent("report_\(DownloadEndToEndTests.id).txt").path
        TestSupport.write("an earlier report\n", to: path)
        let result = try mock.run(["download", "last", "--force"], directory: workspace.folder)
        #expect(result.status == 1)
        #expect(TestSupport.read(path) == "an earlier report\n")
    }

    // B01: incomplete without a message is recorded as incomplete with its reason.
    @Test func incompleteIsRecordedWithReason() throws {
        let workspace = workspace(status: "in_progress")
        let mock = try MockAPI(log: workspace.log, scenario: #"{"jobs": {"\#(DownloadEndToEndTests.id)": {"outcome": "incomplete_no_message", "status": "incomplete"}}}"#)
        let refresh = try mock.run(["refresh"], directory: workspace.folder)
        #expect(refresh.status == 0, "\(refresh.stderr)")
        let record = try workspace.record(DownloadEndToEndTests.id)
        #expect(record["status"] == JSONValue.string("incomplete"))
        #expect(record["incomplete_reason"] == JSONValue.string("max_output_tokens"))
        let download = try mock.run(["download", "last"], directory: workspace.folder)
        #expect(download.status == 1)
        #expect(download.stderr.contains("max_output_tokens"))
    }

    @Test func incompleteWithTextIsSavedAsPartial() throws {
        let workspace = workspace()
        let mock = try MockAPI(log: workspace.log, scenario: #"{"jobs": {"\#(DownloadEndToEndTests.id)": {"outcome": "incomplete", "status": "incomplete"}}}"#)
        let result = try mock.run(["download", "last"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        let text = TestSupport.read(workspace.reports.appendingPathComponent("report_\(DownloadEndToEndTests.id).txt").path)
        #expect(text.hasPrefix("NOTE: partial report"))
    }

    // B03: a null text part counts as empty.
    @Test func nullTextPartIsSkipped() throws {
        let workspace = workspace()
        let scenario = #"{"jobs": {"\#(DownloadEndToEndTests.id)": {"body_file": "\#(TestSupport.caseFile("B03-response.json"))"}}}"#
        let mock = try MockAPI(log: workspace.log, scenario: scenario)
        let result = try mock.run(["download", "last"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        let text = TestSupport.read(workspace.reports.appendingPathComponent("report_\(DownloadEndToEndTests.id).txt").path)
        #expect(text.contains("Summary: grid prices fell 12% year on year."))
    }

    // B04: a refusal is shown, and download fails without writing a file.
    @Test func refusalIsShownNotSaved() throws {
        let workspace = workspace()
        let scenario = #"{"jobs": {"\#(DownloadEndToEndTests.id)": {"body_file": "\#(TestSupport.caseFile("B04-response.json"))"}}}"#
        let mock = try MockAPI(log: workspace.log, scenario: scenario)
        let show = try mock.run(["show", "last"], directory: workspace.folder)
        let refusalLine = show.stdout.split(separator: "\n").first { $0.hasPrefix("Refusal ") }
        #expect(refusalLine?.contains("I can't help with compiling personal contact details") == true)
        #expect(show.stdout.contains("completed (refused)"))
        let download = try mock.run(["download", "last"], directory: workspace.folder)
        #expect(download.status == 1)
        #expect(download.stderr.contains("refused"))
        #expect(!FileManager.default.fileExists(atPath: workspace.reports.path))
    }

    @Test func activeJobHasNoReportYet() throws {
        let workspace = workspace(status: "queued")
        let mock = try MockAPI(log: workspace.log, arguments: ["--queued-seconds", "600"])
        let result = try mock.run(["download", "last"], directory: workspace.folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("still queued"))
    }
}
