import Foundation
import Glibc
import Testing

/// The shell when standard input or output is not a terminal: no line editor, no prompt,
/// no escape codes, and TAB is plain whitespace.
///
/// The script `B19.script` runs `list`, `show ID`, `list<TAB>--status completed` and `quit` without
/// a final newline.
@Suite(.serialized)
struct ShellRedirectTests {
    static let script = TestSupport.caseFile("B19.script")

    /// Checks the output of the B19 script: all three commands ran and nothing else was written.
    static func checkScriptOutput(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!output.contains("\u{1B}"), "escape codes in output", sourceLocation: sourceLocation)
        #expect(!output.contains("active)>"), "a prompt in output", sourceLocation: sourceLocation)
        #expect(!output.contains("deepr ("), "a prompt in output", sourceLocation: sourceLocation)
        #expect(output.contains("1 active, 1 completed, 2 total"), "list did not run", sourceLocation: sourceLocation)
        #expect(
            output.contains("Survey heat pump adoption in the Nordic countries since 2015. Cite primary sources."),
            "show did not run", sourceLocation: sourceLocation)
        #expect(output.contains("Completed (1)"), "list --status completed did not run", sourceLocation: sourceLocation)
    }

    @Test func scriptFromFileToFile() throws {
        let sandbox = ShellSandbox()
        let outputPath = sandbox.path("out.txt")
        let errorPath = sandbox.path("err.txt")

        let pid = try ChildProcess.spawn(
            executable: TestSupport.binary, arguments: sandbox.baseArguments, environment: sandbox.environment,
            directory: sandbox.folder.path
        ) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, Self.script, O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        let status = try ChildProcess.wait(pid, timeout: 10)

        #expect(status == 0)
        Self.checkScriptOutput(TestSupport.read(outputPath))
        #expect(!TestSupport.read(errorPath).contains("error"))
        #expect(!TestSupport.read(errorPath).contains("\u{1B}"))
    }

    @Test(arguments: [false, true])
    func scriptThroughPipes(noColor: Bool) throws {
        let sandbox = ShellSandbox()
        let environment = noColor ? ["NO_COLOR": "1", "TERM": "xterm"] : ["TERM": "xterm"]

        let result = try TestSupport.run(
            sandbox.baseArguments, input: TestSupport.read(Self.script), environment: environment,
            directory: sandbox.folder, timeout: 10)

        #expect(result.status == 0)
        Self.checkScriptOutput(result.stdout)
        #expect(!result.stderr.contains("error"))
    }

    @Test func unterminatedLastLineRuns() throws {
        let sandbox = ShellSandbox()
        let input = "list\nshow\t" + ShellSandbox.activeID

        let result = try TestSupport.run(sandbox.baseArguments, input: input, directory: sandbox.folder, timeout: 10)

        #expect(result.status == 0)
        #expect(result.stdout.contains("Summarise 2024 wind auction results. Cite primary sources."))
        #expect(!result.stdout.contains("\u{1B}"))
    }

    /// With a terminal on standard input but standard output in a file, the shell prints a
    /// note on the terminal that editing is off, and still runs what is typed.
    @Test func outputRedirectedFromTerminal() throws {
        let sandbox = ShellSandbox()
        let outputPath = sandbox.path("out.txt")

        let shell = try sandbox.startShell(standardOutputPath: outputPath)
        try shell.expect("line editing and the prompt are off", timeout: ShellTerminalTests.startTimeout)
        try shell.send("show\t" + ShellSandbox.completedID + "\r")
        // End of input at the start of a line; the terminal is in canonical mode here.
        try shell.send(PseudoTerminal.Key.controlD)

        #expect(try shell.waitForExit(timeout: 10) == 0)
        let output = TestSupport.read(outputPath)
        #expect(output.contains("Survey heat pump adoption in the Nordic countries since 2015. Cite primary sources."))
        #expect(!output.contains("\u{1B}"))
        #expect(!output.contains("active)>"))
        #expect(!shell.transcript.contains("active)>"))
        #expect(sandbox.historyEntries == ["show\t" + ShellSandbox.completedID])
    }
}
