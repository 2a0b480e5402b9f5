/// `help [COMMAND|TOPIC]`: the command list, one command's usage, or a topic.
public struct HelpCommand: ShellCommand {
    public static let topics: [(name: String, summary: String, text: String)] = [
        ("references", "how to name a job", """
            A job reference (REF) is one of:
              resp_68a1f0c24d7c8190b3e1a9d2c4f50617   a full id
              68a1f0c2, resp_68a1f0c2                  a unique prefix (at least 4 characters after resp_)
              3, #3                                    row 3 of the last listing in this session
                                                       (in one-shot mode, of the default 'list')
              last                                     the newest job
            An ambiguous prefix lists the matching ids. Ids may contain only letters,
            digits, '_' and '-'.
            """),
        ("dates", "dates, times, ages and time zones", """
            --since and --until take a date (2025-07-05), a time (2025-07-05T18:00, or with
            an offset such as +02:00 or Z) or an age (90s, 30m, 2h, 7d, 2w). Dates and times
            without an offset are read in the local time zone (set TZ to change it), and
            --until with a date alone includes that whole day.
            Timestamps in the log may be ISO 8601 with any number of fraction digits, with
            Z, with an offset, or without one (then read as UTC, as Python's naive
            datetime.isoformat() is usually UTC in deepr), or Unix seconds. Tables show
            local time; JSON shows UTC with microseconds.
            """),
        ("formats", "output formats", """
            list --json     a JSON array of objects: id, status, created_at, model, prompt,
                            tags, usage, cost_usd, report_path, line
            list --jsonl    the same objects, one per line
            list --csv      RFC 4180 CSV with a header row and CRLF line ends
            list --tsv      tab-separated; tabs and line breaks in fields become spaces
            export FORMAT   the same formats, optionally to a file with --output
            download --format txt|md|json   the report as text, as Markdown with sources,
                            or the raw API response
            Only the requested data goes to stdout; notes, warnings and progress go to
            stderr. Colour is used only on a terminal; NO_COLOR or --color never turns it
            off, CLICOLOR_FORCE or --color always forces it.
            """),
        ("exit-codes", "exit statuses", """
            0    success (a filter that matches nothing is success)
            1    a command failed at run time (API error, file error, partial refresh)
            2    usage error: unknown command, bad flag, bad job reference
            3    a script stopped at an error (or, with --keep-going, had one)
            4    the API key is missing or was rejected
            5    --exit-status saw a job end failed, cancelled, expired or incomplete
            8    wait --timeout (or watch --timeout) expired
            130  interrupted with Ctrl-C
            """),
        ("environment", "environment variables and .env", """
            OPENAI_API_KEY           the API key (never printed)
            OPENAI_BASE_URL          the API base URL (default https://api.openai.com/v1);
                                     plain http:// only for 127.0.0.1, ::1 and localhost
            OPENAI_ORG_ID            sent as OpenAI-Organization
            OPENAI_PROJECT_ID        sent as OpenAI-Project
            DEEPR_JOB_LOG            the job log (like --log)
            DEEPR_REPORTS_DIR        the reports folder (like --reports)
            DEEPR_MANAGER_HISTFILE   the history file; empty or /dev/null turns history off
            DEEPR_MANAGER_HISTSIZE   the most history entries kept (default 1000)
            DEEPR_MANAGER_NOW        a fixed current time (ISO 8601, naive means UTC) for
                                     prune, relative dates and backup names; for tests
            NO_COLOR, CLICOLOR_FORCE colour off, colour on
            XDG_STATE_HOME, XDG_CONFIG_HOME   where history and prices.json live
            A flag beats the environment, which beats the .env file in the working folder
            (read as KEY=VALUE data, never run), which beats the default.
            """),
        ("files", "files this tool reads and writes", """
            logs/job_log.jsonl           the job log (else ./job_log.jsonl if that exists)
            logs/job_log.jsonl.lock      the lock every rewrite takes (flock)
            logs/job_log.archive.jsonl   jobs moved out by prune
            logs/job_log.jsonl.backup-*  the log as it was before 'clear'
            reports/report_<id>.txt      downloaded reports (.md, .json with --format)
            ~/.local/state/deepr-manager/history      the shell history, mode 0600
            ~/.config/deepr-manager/prices.json       price overrides (see --prices)
            """),
        ("keys", "keys in the interactive shell", """
            TAB        complete a command, option, value or job id; twice lists candidates
            Up, Down   walk the history
            Ctrl-C     drop the line at the prompt; stop a running command
            Ctrl-D     leave the shell on an empty line
            Ctrl-R     search the history backwards
            Key bindings can be changed in ~/.editrc (libedit), under 'deepr-manager:'.
            """),
        ("scripts", "command scripts", """
            deepr-manager -f FILE runs FILE (repeatable); -c 'CMD' runs one line
            (repeatable); commands can also come on standard input. One command per line;
            '#' starts a comment; a trailing backslash continues a line. The first failing
            line stops the script with FILE:LINE: error: … on stderr and exit status 3.
            --keep-going (or 'set errexit off') runs the remaining lines and still exits 3
            if any failed. --echo prints each line before it runs. Bulk cancel and clear
            need --yes in scripts: nothing waits for an answer.
            """),
    ]

    public static let spec = CommandSpec(
        name: "help", aliases: ["?", "man"],
        summary: "list commands, or explain a command or topic",
        positionals: [PositionalSpec("TOPIC", .commandName)],
        details: "Topics: " + HelpCommand.topics.map(\.name).joined(separator: ", "))

    let topic: String?

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        topic = arguments.positionals.first
    }

    public func run(in session: Session) throws -> ExitStatus {
        let out = session.out
        guard let topic else {
            out.line("Commands:")
            let specs = session.table.specs
            let width = specs.reduce(0) { max($0, $1.name.count) }
            for spec in specs {
                out.line("  " + CellWidth.pad(spec.name, to: width) + "  " + spec.summary)
            }
            out.line()
            out.line("Topics (help TOPIC):")
            let topicWidth = HelpCommand.topics.reduce(0) { max($0, $1.name.count) }
            for entry in HelpCommand.topics {
                out.line("  " + CellWidth.pad(entry.name, to: topicWidth) + "  " + entry.summary)
            }
            out.line()
            out.line("Type 'help COMMAND' for a command's options.")
            return .success
        }

        if let entry = HelpCommand.topics.first(where: { $0.name == topic }) {
            out.line(entry.text)
            return .success
        }
        guard let spec = session.table.command(named: topic) else {
            let names = session.table.specs.map(\.name) + HelpCommand.topics.map(\.name)
            let suggestion = Suggestions.phrase(for: topic, in: names)
            throw DeeprError.usage("no help for '\(topic)'" + (suggestion.isEmpty ? "" : "; \(suggestion)"),
                                   hint: "type 'help' to list commands and topics")
        }
        HelpCommand.printCommand(spec, to: out)
        return .success
    }

    static func printCommand(_ spec: CommandSpec, to out: OutputSink) {
        out.line("usage: \(spec.usage)")
        out.line()
        out.line(spec.summary)
        if !spec.aliases.isEmpty {
            out.line("aliases: " + spec.aliases.joined(separator: ", "))
        }
        if !spec.flags.isEmpty {
            out.line()
            out.line("Options:")
            let labels = spec.flags.map { flag -> String in
                var label = (flag.short.map { "-\($0), " } ?? "    ") + "--\(flag.name)"
                if let value = flag.value { label += " \(value.placeholder)" }
                return label
            }
            let width = min(34, labels.reduce(0) { max($0, $1.count) })
            for (flag, label) in zip(spec.flags, labels) {
                if label.count > width {
                    out.line("  \(label)")
                    out.line("  " + String(repeating: " ", count: width) + "  " + flag.help)
                } else {
                    out.line("  " + CellWidth.pad(label, to: width) + "  " + flag.help)
                }
            }
        }
        if !spec.details.isEmpty {
            out.line()
            out.line(spec.details)
        }
        if spec.needsAPI {
            out.line()
            out.line("Needs OPENAI_API_KEY (see 'help environment').")
        }
    }
}
