import Foundation
import Testing

@testable import DeeprKit

@Suite struct ReferenceTests {
    func session() -> Session {
        TimeZoneSetup.useUTC()
        let path = TestSupport.copy(TestSupport.caseFile("B14.jsonl"), into: TestSupport.temporaryFolder("ref"), as: "job_log.jsonl")
        return TestSupport.session(log: path)
    }

    @Test(arguments: [
        ("resp_68c2e4a96b1f8190c5d8e2a1b0f47359", "resp_68c2e4a96b1f8190c5d8e2a1b0f47359"),
        ("resp_68c2", "resp_68c2e4a96b1f8190c5d8e2a1b0f47359"),
        ("68c2", "resp_68c2e4a96b1f8190c5d8e2a1b0f47359"),
        ("68c2e4a96b1f", "resp_68c2e4a96b1f8190c5d8e2a1b0f47359"),
        ("last", "resp_68f1a6c4d2e08190f3b5a9c1e7d24c7f"),
        (" 68c2 ", "resp_68c2e4a96b1f8190c5d8e2a1b0f47359"),
    ])
    func resolves(_ entry: (String, String)) throws {
        #expect(try JobReference.resolve(entry.0, in: session()).id == entry.1)
    }

    @Test func rowNumbersFollowLastListing() throws {
        let session = session()
        _ = try session.execute(line: "list --all --status completed")
        #expect(try JobReference.resolve("1", in: session).id == "resp_68f1a6c4d2e08190f3b5a9c1e7d24c7f")
        #expect(try JobReference.resolve("#2", in: session).id == session.lastListing![1])
    }

    @Test func rowNumbersDefaultToCompactListing() throws {
        let session = session()
        #expect(try JobReference.resolve("1", in: session).id == "resp_68f1a6c4d2e08190f3b5a9c1e7d24c7f")
    }

    @Test func rowOutOfRangeIsUsageError() {
        #expect {
            try JobReference.resolve("99", in: session())
        } throws: { error in
            DeeprError.from(error).message.contains("no row 99")
        }
    }

    @Test func ambiguousPrefixListsCandidates() {
        let folder = TestSupport.temporaryFolder("ambiguous")
        let path = folder.appendingPathComponent("job_log.jsonl").path
        TestSupport.write(#"{"response_id": "resp_68a1f0c24d7c8190b3e1a9d2c4f50617"}"# + "\n" + #"{"response_id": "resp_68a1ffff"}"# + "\n", to: path)
        #expect {
            try JobReference.resolve("68a1f", in: TestSupport.session(log: path))
        } throws: { error in
            let message = DeeprError.from(error).message
            return message.contains("ambiguous") && message.contains("resp_68a1f0c24d7c8190b3e1a9d2c4f50617")
        }
    }

    @Test func shortPrefixIsRejected() {
        #expect {
            try JobReference.resolve("68c", in: session())
        } throws: { error in
            DeeprError.from(error).message.contains("too short")
        }
    }

    @Test(arguments: ["../etc/passwd", "resp_x/y", "a b", "resp_\u{1B}[2J", "résumé"])
    func invalidCharactersAreRejected(_ text: String) {
        #expect {
            try JobReference.resolve(text, in: session())
        } throws: { error in
            let message = DeeprError.from(error).message
            return message.contains("invalid job id") && !message.contains("\u{1B}")
        }
    }
}
