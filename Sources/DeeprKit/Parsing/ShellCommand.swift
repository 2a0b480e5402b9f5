/// A command the shell can run: parsed from `ParsedArguments` into typed options, then run
/// against a session. Parsing does no I/O; `run` does all of it.
public protocol ShellCommand: Sendable {
    static var spec: CommandSpec { get }
    init(_ arguments: ParsedArguments) throws(DeeprError)
    /// Runs the command. Throws a `DeeprError` (or a convertible error) on failure;
    /// returns a non-zero status for partial failures that already printed their reasons.
    func run(in session: Session) throws -> ExitStatus
}

/// The command table: every command's spec and type, in help order.
public struct CommandTable: Sendable {
    public let commands: [any ShellCommand.Type]

    public init(commands: [any ShellCommand.Type]) {
        self.commands = commands
    }

    public static let standard = CommandTable(commands: [
        ListCommand.self, SearchCommand.self, ShowCommand.self, RefreshCommand.self, DownloadCommand.self,
        CancelCommand.self, WatchCommand.self, WaitCommand.self, PruneCommand.self, ClearCommand.self,
        ExportCommand.self, SourceCommand.self, SetCommand.self, HistoryCommand.self, HelpCommand.self,
        ExitCommand.self,
    ])

    public var specs: [CommandSpec] { commands.map { $0.spec } }

    /// Command names and aliases.
    public var allNames: [String] { specs.flatMap { [$0.name] + $0.aliases } }

    public func type(named name: String) -> (any ShellCommand.Type)? {
        commands.first { $0.spec.name == name || $0.spec.aliases.contains(name) }
    }

    public func command(named name: String) -> CommandSpec? {
        type(named: name)?.spec
    }

    /// Parses a tokenized line into a typed command.
    public func makeCommand(_ tokens: [Token]) throws(DeeprError) -> any ShellCommand {
        var tokens = tokens
        if tokens.first?.text == "cancel-all" {
            tokens = [Token(text: "cancel", column: 0), Token(text: "--active", column: 0)] + tokens.dropFirst()
        }
        let parsed = try CommandParser(table: self).parse(tokens)
        guard let type = type(named: parsed.spec.name) else {
            throw DeeprError.usage("unknown command '\(parsed.spec.name)'")
        }
        return try type.init(parsed)
    }
}
