import Foundation
import Testing

@testable import DeeprKit

/// Tab completion without a terminal: `Completer` over a session on the log `B18.jsonl`, whose
/// ids are `resp_68a1…` (completed) and `resp_68b9…` (in progress).
struct CompleterTests {
    static let completedID = "resp_68a1f0c24d7c8190b3e1a9d2c4f50617"
    static let activeID = "resp_68b9d3175e2a8190a7c4b1e0d9f36248"

    let folder: URL
    let completer: Completer

    init() {
        folder = TestSupport.temporaryFolder("completer")
        let log = TestSupport.copy(TestSupport.caseFile("B18.jsonl"), into: folder, as: "job_log.jsonl")
        completer = Completer(session: TestSupport.session(log: log, folder: folder))
    }

    @Test func idPrefixWithoutResp() {
        #expect(completer.complete("show 68a") == .insert("1f0c24d7c8190b3e1a9d2c4f50617"))
    }

    @Test func idPrefixWithResp() {
        #expect(completer.complete("show resp_68a") == .insert("1f0c24d7c8190b3e1a9d2c4f50617"))
    }

    @Test func idCompletionAddsNoSpace() {
        guard case .insert(let text) = completer.complete("show resp_68b") else {
            Issue.record("expected an insertion")
            return
        }
        #expect(text == "9d3175e2a8190a7c4b1e0d9f36248")
        #expect(!text.hasSuffix(" "))
    }

    @Test func ambiguousIDsAreListed() {
        guard case .list(let lines) = completer.complete("show resp_68") else {
            Issue.record("expected a list of candidates")
            return
        }
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix(Self.completedID) == true)
        #expect(lines.first?.contains("completed") == true)
        #expect(lines.first?.contains("Survey heat pump adoption") == true)
        #expect(lines.last?.hasPrefix(Self.activeID) == true)
        #expect(lines.last?.contains("in_progress") == true)
        #expect(lines.last?.contains("Summarise 2024 wind auction results") == true)
        // Age against the session's clock (2026-12-04) for jobs from 2025-07-05.
        #expect(lines.first?.contains("1y") == true)
    }

    @Test func sharedPrefixIsExtended() {
        #expect(completer.complete("show r") == .insert("esp_68"))
    }

    @Test func unknownIDGivesNothing() {
        #expect(completer.complete("show zet") == .none)
    }

    @Test func idOfSecondReference() {
        #expect(completer.complete("cancel 68a1 68b") == .insert("9d3175e2a8190a7c4b1e0d9f36248"))
    }

    @Test func commandName() {
        #expect(completer.complete("sho") == .insert("w "))
    }

    @Test func commandFlag() {
        #expect(completer.complete("list --sta") == .insert("tus "))
    }

    @Test func statusValue() {
        #expect(completer.complete("list --status in_p") == .insert("rogress "))
    }

    @Test func modelValue() {
        #expect(completer.complete("list --model o3") == .insert("-deep-research "))
    }

    @Test func choiceValue() {
        #expect(completer.complete("export j") == .insert("son"))
    }

    @Test func openQuoteGivesNothing() {
        #expect(completer.complete("show \"resp_68a") == .none)
        #expect(completer.complete("search 'heat pu") == .none)
    }

    @Test func textArgumentGivesNothing() {
        #expect(completer.complete("search heat") == .none)
    }

    @Test func pathArgument() throws {
        TestSupport.write("x\n", to: folder.appendingPathComponent("zeta_report.txt").path)
        let line = "export csv --output " + folder.path + "/zet"
        #expect(completer.complete(line) == .insert("a_report.txt "))
    }

    @Test func pathWithSpaceIsEscaped() throws {
        TestSupport.write("x\n", to: folder.appendingPathComponent("my report.txt").path)
        let line = "export csv --output " + folder.path + "/my"
        #expect(completer.complete(line) == .insert(#"\ report.txt "#))
    }

    @Test func noFileFallbackForReference() throws {
        TestSupport.write("x\n", to: folder.appendingPathComponent("resp_68zz.txt").path)
        let line = "show " + folder.path + "/resp_68z"
        #expect(completer.complete(line) == .none)
    }
}
