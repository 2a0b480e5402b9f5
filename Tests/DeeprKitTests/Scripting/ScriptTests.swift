import Foundation
import Testing

@testable import DeeprKit

/// Script mode through the real executable: exit statuses, locations and stdin.
@Suite struct ScriptTests {
    func workspace(_ caseLog: String = "B18.jsonl") -> URL {
        let folder = TestSupport.temporaryFolder("script")
        try! FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        TestSupport.copy(TestSupport.caseFile(caseLog), into: folder.appendingPathComponent("logs"), as: "job_log.jsonl")
        return folder
    }

    @Test func unknownCommandStopsAtItsLine() throws {
        let folder = workspace()
        TestSupport.write("list\nfrobnicate --all\nlist --all\n", to: folder.appendingPathComponent("script").path)
        let result = try TestSupport.run(["-f", "script"], directory: folder)
        #expect(result.status == 3)
        #expect(result.stderr.contains("script:2: error: unknown command 'frobnicate'"))
        #expect(!result.stdout.contains("Active ("))
    }

    @Test func keepGoingRunsEveryLine() throws {
        let folder = workspace()
        TestSupport.write("list\nfrobnicate --all\nlist --all\n", to: folder.appendingPathComponent("script").path)
        let result = try TestSupport.run(["--keep-going", "-f", "script"], directory: folder)
        #expect(result.status != 0)
        #expect(result.stderr.contains("script:2:"))
        #expect(result.stdout.contains("Active (1)"))
    }

    @Test func setErrexitOffKeepsGoing() throws {
        let folder = workspace()
        TestSupport.write("set errexit off\nfrobnicate\nlist --all\n", to: folder.appendingPathComponent("script").path)
        let result = try TestSupport.run(["-f", "script"], directory: folder)
        #expect(result.status == 3)
        #expect(result.stdout.contains("Active (1)"))
    }

    // B21: stop at line 2, never send the cancel on line 4.
    @Test func caseB21StopsBeforeCancel() throws {
        let folder = workspace()
        let script = TestSupport.copy(TestSupport.caseFile("B21.script"), into: folder)
        let before = TestSupport.readBytes(folder.appendingPathComponent("logs/job_log.jsonl").path)
        // refresh has nothing to do for the one active job without a key? It needs the API, so
        // use a log whose jobs are all finished: line 1 then succeeds offline.
        let log = folder.appendingPathComponent("logs/job_log.jsonl").path
        TestSupport.write(TestSupport.read(log).replacingOccurrences(of: "in_progress", with: "completed"), to: log)
        let result = try TestSupport.run(["-f", script], directory: folder)
        #expect(result.status == 3)
        #expect(result.stderr.contains("B21.script:2: error: no such job"))
        #expect(!result.stderr.contains("B21.script:3"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("jobs.csv").path))
        _ = before
    }

    // B19: stdin not a terminal: no prompt, no escapes, TAB is whitespace, last line runs.
    @Test func caseB19PipedScriptIsClean() throws {
        let folder = workspace()
        let script = TestSupport.read(TestSupport.caseFile("B19.script"))
        let result = try TestSupport.run([], input: script, directory: folder)
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(!result.stdout.contains("deepr ("))
        #expect(result.stdout.contains("ID           resp_68a1f0c24d7c8190b3e1a9d2c4f50617"))
        #expect(result.stdout.components(separatedBy: "Completed (1)").count == 2)
    }

    @Test func noColorWhenForcedOffButColorWhenForcedOn() throws {
        let folder = workspace()
        let plain = try TestSupport.run(["--color", "always", "list", "--all"], environment: ["NO_COLOR": "1"], directory: folder)
        #expect(plain.stdout.contains("\u{1B}["))
        let auto = try TestSupport.run(["list", "--all"], environment: ["CLICOLOR_FORCE": "1", "NO_COLOR": "1"], directory: folder)
        #expect(!auto.stdout.contains("\u{1B}["))
    }

    @Test func commandLinesRunInOrder() throws {
        let folder = workspace()
        let result = try TestSupport.run(["-c", "list --all --json", "-c", "show 1 --local --json"], directory: folder)
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"log_record\""))
    }

    @Test func continuationAndCommentsAndEcho() throws {
        let folder = workspace()
        TestSupport.write("# comment\n\nlist \\\n  --all \\\n  --json\n   # indented comment\nexit 7", to: folder.appendingPathComponent("s").path)
        let result = try TestSupport.run(["--echo", "-f", "s"], directory: folder)
        #expect(result.status == 7)
        #expect(result.stdout.hasPrefix("> list   --all   --json\n["))
    }

    @Test func sourceNestsAndReportsInnerLocation() throws {
        let folder = workspace()
        TestSupport.write("list\nsource inner\nlist --all\n", to: folder.appendingPathComponent("outer").path)
        TestSupport.write("list\n\nshow nosuchjob\n", to: folder.appendingPathComponent("inner").path)
        let result = try TestSupport.run(["-f", "outer"], directory: folder)
        #expect(result.status == 3)
        #expect(result.stderr.contains("inner:3: error: no such job"))
        #expect(!result.stdout.contains("Active ("))
    }

    @Test func sourceLoopIsStopped() throws {
        let folder = workspace()
        TestSupport.write("source self\n", to: folder.appendingPathComponent("self").path)
        let result = try TestSupport.run(["-f", "self"], directory: folder)
        #expect(result.status == 3)
        #expect(result.stderr.contains("nests more than 16"))
    }

    @Test func oneShotStatuses() throws {
        let folder = workspace()
        #expect(try TestSupport.run(["list"], directory: folder).status == 0)
        #expect(try TestSupport.run(["list", "--bogus"], directory: folder).status == 2)
        #expect(try TestSupport.run(["show", "zzzz9999"], directory: folder).status == 2)
        #expect(try TestSupport.run(["--bogus"], directory: folder).status == 2)
        #expect(try TestSupport.run(["list", "--grep", "nothing matches this"], directory: folder).status == 0)
    }

    @Test func apiCommandsWithoutKeyExitFour() throws {
        let folder = workspace()
        for arguments in [["refresh"], ["download", "68a1f0c2"], ["cancel", "68b9d317"], ["--download", "68a1f0c2"]] {
            let result = try TestSupport.run(arguments, directory: folder)
            #expect(result.status == 4, "\(arguments)")
            #expect(result.stderr.contains("OPENAI_API_KEY"), "\(arguments)")
        }
    }

    @Test func managerFlagsWork() throws {
        let folder = workspace()
        let list = try TestSupport.run(["--list", "--all"], directory: folder)
        #expect(list.status == 0)
        #expect(list.stdout.contains("Active (1)"))
        let details = try TestSupport.run(["--details", "68a1f0c2"], directory: folder)
        #expect(details.status == 0)
        #expect(details.stdout.contains("resp_68a1f0c24d7c8190b3e1a9d2c4f50617"))
        #expect(details.stderr.contains("OPENAI_API_KEY is not set"))
    }

    @Test func missingLogIsEmptyWithNote() throws {
        let folder = TestSupport.temporaryFolder("empty")
        let result = try TestSupport.run(["list"], directory: folder)
        #expect(result.status == 0)
        #expect(result.stdout.contains("0 active, 0 completed, 0 total"))
        #expect(result.stderr.contains("does not exist yet"))
    }

    @Test func closedStdoutDoesNotCrash() throws {
        let folder = TestSupport.temporaryFolder("pipe")
        try GeneratedLog.write(jobs: 20000, seed: 3, to: folder.appendingPathComponent("job_log.jsonl").path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\"\(TestSupport.binary)\" --log job_log.jsonl list --all --jsonl | head -1 >/dev/null; echo ${PIPESTATUS:-0}"]
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
