/// `search TEXT…`: every job whose prompts contain the text, ignoring case. A shorthand for
/// `list --all --limit 0 --grep TEXT`.
public struct SearchCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "search", aliases: ["find"],
        summary: "list every job whose prompts contain TEXT, ignoring case",
        positionals: [PositionalSpec("TEXT", .text, minimum: 1, maximum: nil)],
        flags: ListCommand.outputFlags,
        details: """
            The words are joined with single spaces and matched against the refined,
            plain and original prompts. Same as: list --all --grep "TEXT".
            """)

    let list: ListCommand

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        var listArguments = try CommandParser().parse([], for: ListCommand.spec)
        listArguments.flags = [("all", nil), ("grep", arguments.positionals.joined(separator: " "))]
            + arguments.flags
        list = try ListCommand(listArguments)
    }

    public func run(in session: Session) throws -> ExitStatus {
        try list.run(in: session)
    }
}
