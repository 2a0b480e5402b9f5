/// `exit [STATUS]` / `quit`: ends the shell or the script, saving history.
public struct ExitCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "exit", aliases: ["quit", "q"],
        summary: "leave the shell (Ctrl-D on an empty line does the same)",
        positionals: [PositionalSpec("STATUS", .integer)],
        details: "With STATUS (0 to 255), the process exits with it; otherwise with 0.")

    let status: Int32

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        if let text = arguments.positionals.first {
            guard let value = Int32(text), (0...255).contains(value) else {
                throw .usage("invalid exit status '\(text)': expected a number from 0 to 255")
            }
            status = value
        } else {
            status = 0
        }
    }

    public func run(in session: Session) throws -> ExitStatus {
        session.shouldExit = true
        session.requestedExitCode = status
        return .success
    }
}
