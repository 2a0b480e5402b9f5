/// `set OPTION VALUE`: changes a session setting, for scripts and the shell.
public struct SetCommand: ShellCommand {
    public static let options = ["errexit", "echo", "color"]

    public static let spec = CommandSpec(
        name: "set",
        summary: "change a session setting: errexit on|off, echo on|off, color auto|always|never",
        positionals: [PositionalSpec("OPTION", .choice(SetCommand.options), minimum: 1),
                      PositionalSpec("VALUE", .choice(["on", "off", "auto", "always", "never"]), minimum: 1)],
        details: """
            errexit off   keep running a script after a failing line (like --keep-going)
            errexit on    stop a script at the first failing line (the default)
            echo on       print each script line before it runs (like --echo)
            color MODE    auto (only on a terminal), always or never
            """)

    let option: String
    let value: String

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        option = arguments.positionals[0]
        value = arguments.positionals[1]
        guard SetCommand.options.contains(option) else {
            let suggestion = Suggestions.phrase(for: option, in: SetCommand.options)
            throw .usage("unknown setting '\(option)'" + (suggestion.isEmpty ? "" : "; \(suggestion)"),
                         hint: "settings: \(SetCommand.options.joined(separator: ", "))")
        }
    }

    public func run(in session: Session) throws -> ExitStatus {
        switch option {
        case "errexit":
            session.settings.keepGoing = try !SetCommand.flag(value)
        case "echo":
            session.settings.echo = try SetCommand.flag(value)
        default:
            guard let mode = ColorMode(rawValue: value) else {
                throw DeeprError.usage("invalid color mode '\(value)': expected auto, always or never")
            }
            session.settings.color = mode
            session.applyColorMode()
        }
        return .success
    }

    static func flag(_ value: String) throws(DeeprError) -> Bool {
        switch value {
        case "on": return true
        case "off": return false
        default: throw .usage("invalid value '\(value)': expected on or off")
        }
    }
}
