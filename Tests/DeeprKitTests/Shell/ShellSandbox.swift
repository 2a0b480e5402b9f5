import Foundation

/// A temporary working folder for one shell test: a copy of a job log, a history file
/// path, and an environment that keeps the shell away from the user's real files.
///
/// The environment is built from nothing, so OPENAI_API_KEY, NO_COLOR and the user's
/// locale never leak in from the test process.
struct ShellSandbox {
    static let completedID = "resp_68a1f0c24d7c8190b3e1a9d2c4f50617"
    static let activeID = "resp_68b9d3175e2a8190a7c4b1e0d9f36248"

    let folder: URL
    let logPath: String
    let historyPath: String
    var environment: [String: String]

    /// Copies `logFixture` (a case file) into a new folder as `job_log.jsonl`.
    init(logFixture: String = "B18.jsonl") {
        folder = TestSupport.temporaryFolder("shell")
        logPath = TestSupport.copy(TestSupport.caseFile(logFixture), into: folder, as: "job_log.jsonl")
        historyPath = folder.appendingPathComponent("history").path
        environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "HOME": folder.path,
            "XDG_STATE_HOME": folder.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
            "DEEPR_MANAGER_HISTFILE": historyPath,
        ]
    }

    /// The arguments every shell in these tests gets: no pruning, and the sandbox's log.
    var baseArguments: [String] { ["--no-prune", "--log", logPath] }

    /// Starts the interactive shell on a new pseudo-terminal of 120 by 40 cells.
    func startShell(_ extraArguments: [String] = [], standardOutputPath: String? = nil) throws -> PseudoTerminal {
        try PseudoTerminal(
            executable: TestSupport.binary, arguments: baseArguments + extraArguments, environment: environment,
            directory: folder.path, standardOutputPath: standardOutputPath)
    }

    /// The history file's entries, one per line; empty when the file does not exist.
    var historyEntries: [String] {
        let text = TestSupport.read(historyPath)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }
}

extension PseudoTerminal {
    /// Polls the screen model until the cursor's line equals `expected` or `timeout`
    /// passes, and returns the last line seen, for the caller to compare.
    func waitForCursorLine(_ expected: String, timeout: Double = 3) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var line = cursorLine
        while line != expected, Date() < deadline {
            collect(for: 0.05)
            line = cursorLine
        }
        return line
    }
}
