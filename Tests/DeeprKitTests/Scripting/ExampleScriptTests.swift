import Foundation
import Testing

@testable import DeeprKit

/// The scripts in examples/ against examples/job_log.jsonl, compared with their recorded
/// output (clock fixed at 2026-12-04T12:00:00Z, time zone UTC, width 120).
///
/// To record new golden files after an intended change, run the tests with
/// DEEPR_RECORD_GOLDEN=1 and review the diff.
@Suite struct ExampleScriptTests {
    static let scripts = ["daily.deepr", "export.deepr"]

    @Test(arguments: scripts)
    func matchesGoldenOutput(_ name: String) throws {
        TimeZoneSetup.useUTC()
        let examples = TestSupport.packageRoot.appendingPathComponent("examples")
        let folder = TestSupport.temporaryFolder("example")
        let log = TestSupport.copy(examples.appendingPathComponent("job_log.jsonl").path, into: folder)
        let session = TestSupport.session(log: log)
        session.settings.reportsDirectory = folder.appendingPathComponent("reports").path

        let text = TestSupport.read(examples.appendingPathComponent(name).path)
        let status = ScriptRunner(session: session, name: name).run(text: text)
        session.out.flush()
        session.err.flush()
        let output = ("status: \(status.rawValue)\n--- stdout\n\(session.out.capturedText)--- stderr\n"
            + session.err.capturedText).replacingOccurrences(of: folder.path, with: "<tmp>")

        let golden = TestSupport.fixture("golden/\(name).txt")
        if ProcessInfo.processInfo.environment["DEEPR_RECORD_GOLDEN"] == "1" {
            TestSupport.write(output, to: golden)
        }
        #expect(status == .success)
        #expect(output == TestSupport.read(golden))
        #expect(TestSupport.readBytes(log) == TestSupport.readBytes(examples.appendingPathComponent("job_log.jsonl").path))
    }
}
