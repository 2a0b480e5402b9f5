import Foundation
import Testing

@testable import DeeprKit

/// Bad input found by trying the tool as a new user: each gets a clear error, never a crash.
@Suite struct InputGuardTests {
    func workspace() -> Workspace {
        Workspace(text: """
            {"response_id": "resp_6905eab6f8a7b190d4c5b6a7f8e9d0c1", "status": "completed", "timestamp": "2026-12-01T10:00:00Z", "prompt": "# Research request\\n\\nSolar"}
            {"response_id": "resp_68a1f0c24d7c8190b3e1a9d2c4f50617", "status": "completed", "timestamp": "2026-11-01T10:00:00Z", "prompt": "Heat"}

            """)
    }

    @Test func digitPrefixBeyondRowsIsAnID() throws {
        let workspace = workspace()
        let result = try TestSupport.run(["show", "6905", "--local"], directory: workspace.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("resp_6905eab6f8a7b190d4c5b6a7f8e9d0c1"))
        let row = try TestSupport.run(["show", "#6905", "--local"], directory: workspace.folder)
        #expect(row.status == 2)
        #expect(row.stderr.contains("add resp_"))
    }

    @Test(arguments: ["2026-11-31", "2026-02-30", "20261130", "1700000000"])
    func impossibleDatesAreRejected(_ date: String) throws {
        let result = try TestSupport.run(["list", "--since", date], directory: workspace().folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid date '\(date)'"))
    }

    @Test func errorsStripControlSequences() throws {
        let result = try TestSupport.run([], input: "list\u{1B}[31mRED\n", directory: workspace().folder)
        #expect(result.status == 3)
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(result.stderr.contains("unknown command"))
    }

    @Test func sourceOfFolderSaysSo() throws {
        let workspace = workspace()
        let result = try TestSupport.run(["-c", "source /tmp"], directory: workspace.folder)
        #expect(result.status == 3)
        #expect(result.stderr.contains("it is a directory"))
        let device = try TestSupport.run(["-f", "/dev/zero"], directory: workspace.folder)
        #expect(device.status == 3)
        #expect(device.stderr.contains("not a regular file"))
    }

    @Test func unreadableEnvFileIsReported() throws {
        let workspace = workspace()
        let missing = try TestSupport.run(["--env-file", "no-such.env", "list"], directory: workspace.folder)
        #expect(missing.status == 0)
        #expect(missing.stderr.contains("the env file 'no-such.env' does not exist"))
        try FileManager.default.createDirectory(at: workspace.folder.appendingPathComponent(".env"), withIntermediateDirectories: true)
        let folder = try TestSupport.run(["list"], directory: workspace.folder)
        #expect(folder.stderr.contains("it is a directory"))
    }

    @Test func binaryEnvFileWarningsAreCapped() throws {
        let workspace = workspace()
        let noise = (0..<500).map { "garbage line \($0) without equals" }.joined(separator: "\n")
        TestSupport.write(noise, to: workspace.folder.appendingPathComponent(".env").path)
        let result = try TestSupport.run(["list"], directory: workspace.folder)
        #expect(result.stderr.components(separatedBy: "\n").filter { $0.contains(".env:") }.count <= 11)
        #expect(result.stderr.contains("490 more lines were ignored"))
    }

    @Test func longUnknownCommandFailsFast() throws {
        let started = Date()
        let result = try TestSupport.run([], input: String(repeating: "x", count: 1_000_000) + "\n", directory: workspace().folder)
        #expect(result.status == 3)
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test func outputFolderParentMustExist() throws {
        let result = try TestSupport.run(["export", "csv", "--output", "/nonexistent-deepr-test/x.csv"], directory: workspace().folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-deepr-test"))
    }

    @Test func tablePromptSkipsHeadingMarks() {
        #expect(JobTableRenderer.summaryLine("# Research request\n\n- Scope") == "Research request")
        #expect(JobTableRenderer.summaryLine("\n\n  plain  \nsecond") == "plain")
    }
}

/// Logs that are not regular files are refused instead of read forever.
@Suite struct SpecialLogFileTests {
    @Test(arguments: ["/dev/zero", "/dev/urandom"])
    func deviceLogIsRefused(_ path: String) throws {
        let result = try TestSupport.run(["--log", path, "list", "--all"], directory: TestSupport.temporaryFolder("dev"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file"))
    }

    @Test func fifoLogIsRefused() throws {
        let folder = TestSupport.temporaryFolder("fifo")
        let path = folder.appendingPathComponent("job_log.jsonl").path
        #expect(mkfifo(path, 0o600) == 0)
        let result = try TestSupport.run(["--log", path, "list"], directory: folder, timeout: 20)
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file"))
    }
}
