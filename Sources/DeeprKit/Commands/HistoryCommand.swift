/// `history [N]`: the interactive history, oldest first, numbered.
public struct HistoryCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "history",
        summary: "show the command history (the last N entries with N)",
        positionals: [PositionalSpec("N", .integer)],
        details: """
            History is kept in $XDG_STATE_HOME/deepr-manager/history (default
            ~/.local/state/deepr-manager/history), one command per line, mode 0600, at
            most 1000 entries (DEEPR_MANAGER_HISTSIZE changes the limit). Lines typed with a leading space are not recorded, and a line equal
            to the one before it is recorded once. Set DEEPR_MANAGER_HISTFILE to another
            file, or to an empty value or /dev/null to turn history off.
            """)

    let count: Int?

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        if let text = arguments.positionals.first {
            guard let value = Int(text), value >= 0 else {
                throw .usage("invalid count '\(text)': expected a whole number")
            }
            count = value
        } else {
            count = nil
        }
    }

    public func run(in session: Session) throws -> ExitStatus {
        let entries = session.history
        let start = count.map { max(0, entries.count - $0) } ?? 0
        let width = String(entries.count).count
        for index in start..<entries.count {
            let number = String(index + 1)
            let padded = String(repeating: " ", count: max(0, width - number.count)) + number
            session.out.line("\(padded)  \(TerminalText.sanitize(entries[index]))")
        }
        return .success
    }
}
