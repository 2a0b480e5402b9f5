import CLineEditor
import Foundation

/// The entry point behind the `deepr-manager` executable.
public enum DeeprManager {
    /// Runs the tool with the process's arguments (without the program name) and returns
    /// the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        setUpLocale()
        signal(SIGPIPE, SIG_IGN)

        let out = OutputSink(descriptor: STDOUT_FILENO)
        let err = OutputSink(descriptor: STDERR_FILENO)
        err.flushesEachLine = true
        defer {
            out.flush()
            err.flush()
        }

        let invocation: Invocation
        do {
            invocation = try Invocation.parse(arguments, stdinIsTerminal: isatty(STDIN_FILENO) != 0)
        } catch {
            err.line("error: \(error.message)")
            if let hint = error.hint { err.line("hint: \(hint)") }
            return ExitStatus.usage.rawValue
        }

        switch invocation.mode {
        case .version:
            out.line("deepr-manager \(Version.current)")
            return 0
        case .help:
            out.write(usageText())
            return 0
        default:
            break
        }

        var environment = Environment.process()
        let envWarnings = environment.loadDotEnv(path: invocation.envFile ?? ".env", required: invocation.envFile != nil)
        let settings = invocation.settings(environment: environment)
        let session = Session(settings: settings, environment: environment, out: out, err: err,
                              terminalWidth: terminalWidth())
        session.applyColorMode()
        for warning in envWarnings { session.warning(warning) }
        if let fixedNow = environment["DEEPR_MANAGER_NOW"], !fixedNow.isEmpty {
            // A fixed clock makes prune, relative dates and backup names reproducible.
            guard let instant = Timestamp.parse(fixedNow) else {
                session.error(.usage("invalid DEEPR_MANAGER_NOW '\(fixedNow)'",
                                     hint: "use an ISO 8601 time such as 2025-07-20T00:00:00Z, or unset it"))
                return ExitStatus.usage.rawValue
            }
            session.clock = { instant }
        }

        do {
            if let path = settings.pricesPath {
                session.prices = try PriceTable.builtIn.merging(file: path)
            } else if let path = defaultPricesPath(environment), FileManager.default.fileExists(atPath: path) {
                session.prices = try PriceTable.builtIn.merging(file: path)
            }
        } catch {
            session.error(DeeprError.from(error))
            return DeeprError.from(error).status.rawValue
        }

        if !session.store.exists, case .oneShot = invocation.mode, !settings.quiet {
            session.note("the job log \(settings.logPath) does not exist yet; it is created on the first write")
        }

        switch invocation.mode {
        case .interactive:
            return InteractiveShell(session: session).run()
        case .oneShot(let words):
            do {
                let status = try session.execute(words: CancelCommand.expandAlias(words))
                // Exiting here skips freeing a large log's tables, which takes a noticeable
                // share of a one-shot listing's time; the output is flushed first.
                out.flush()
                err.flush()
                exit(session.shouldExit ? session.requestedExitCode : status.rawValue)
            } catch {
                let presented = DeeprError.from(error)
                session.error(presented)
                return presented.status.rawValue
            }
        case .batch(let items):
            for item in items {
                let status: ExitStatus
                switch item {
                case .command(let text):
                    status = ScriptRunner(session: session, name: "-c").run(text: text)
                case .file(let path):
                    status = runFile(path, session: session)
                }
                if session.shouldExit { return status == .success ? session.requestedExitCode : status.rawValue }
                if status != .success { return status.rawValue }
            }
            return 0
        case .standardInput:
            let reader = LineReader(descriptor: STDIN_FILENO)
            let status = ScriptRunner(session: session, name: "<stdin>").run { reader.next() }
            if session.shouldExit, status == .success { return session.requestedExitCode }
            return status.rawValue
        case .help, .version:
            return 0
        }
    }

    /// Takes the locale from the environment so libedit edits UTF-8 text as characters.
    ///
    /// In the "C" or "POSIX" locale (LANG unset, as in many containers) libedit cannot
    /// convert non-ASCII characters and drops them, so LC_CTYPE then moves to C.UTF-8, as
    /// Python 3.7 does (PEP 538). The line editor's C shim decodes terminal input as UTF-8
    /// in any case. NOTE: other non-UTF-8 locales, such as ISO 8859-1, are left as they are.
    static func setUpLocale() {
        setlocale(LC_ALL, "")
        guard let current = setlocale(LC_CTYPE, nil) else { return }
        let name = String(cString: current)
        if name == "C" || name == "POSIX" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    static func runFile(_ path: String, session: Session) -> ExitStatus {
        if path == "-" {
            let reader = LineReader(descriptor: STDIN_FILENO)
            return ScriptRunner(session: session, name: "<stdin>").run { reader.next() }
        }
        guard ScriptFiles.isRegularFile(path), let data = FileManager.default.contents(atPath: path) else {
            let reason = ScriptFiles.unreadableReason(path)
            session.error(DeeprError(.script, "cannot read script '\(path)': \(reason)"))
            return .script
        }
        return ScriptRunner(session: session, name: path).run(text: String(decoding: data, as: UTF8.self))
    }

    static func defaultPricesPath(_ environment: Environment) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/deepr-manager/prices.json"
        }
        guard let home = environment["HOME"] else { return nil }
        return home + "/.config/deepr-manager/prices.json"
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(columns), value > 0 {
            return value
        }
        return 100
    }

    static func usageText() -> String {
        var text = """
            deepr-manager \(Version.current): manage OpenAI deep-research background jobs

            usage: deepr-manager [options]                  interactive shell (or commands from stdin)
                   deepr-manager [options] COMMAND [ARGS]   run one command
                   deepr-manager [options] -f FILE -c CMD   run scripts and command lines in order

            Options (before the command):
              --log PATH            the job log (default: $DEEPR_JOB_LOG, ./logs/job_log.jsonl, ./job_log.jsonl)
              --reports DIR         where reports are saved (default: $DEEPR_REPORTS_DIR, ./reports)
              --env-file PATH       read variables from this file instead of ./.env
              --base-url URL        the API base URL (default: $OPENAI_BASE_URL, https://api.openai.com/v1)
              --retention DAYS      prune completed jobs older than DAYS at interactive start-up (default 7, 0 turns it off)
              --no-prune            do not prune at start-up
              --color MODE          auto, always or never (NO_COLOR and CLICOLOR_FORCE are honoured in auto)
              --keep-going          in scripts, run every line even after one fails (exit status still 3)
              --echo                in scripts, print each line before running it
              --history FILE        the history file (default: $DEEPR_MANAGER_HISTFILE, $XDG_STATE_HOME/deepr-manager/history);
                                    $DEEPR_MANAGER_HISTSIZE sets the maximum number of entries (default 1000)
              --concurrency N       API requests in flight during refresh (default 8)
              --prices FILE         price overrides as JSON (see 'help show')
              --timeout SECONDS     time limit for one API request (default 60)
              -q, --quiet           fewer notes on stderr
              -v, --verbose         more detail, such as every skipped line number
              -f, --file FILE       run a script (repeatable; - reads stdin)
              -c, --command CMD     run one command line (repeatable)
              -i, --interactive     start the shell even when stdin is not a terminal
              --version, --help

            manager.py options: --list [--all], --details ID, --download ID, --cancel ID, --cancel-all, --clear, --interactive

            Commands:

            """
        let specs = CommandTable.standard.specs
        let width = specs.reduce(0) { max($0, $1.name.count) }
        for spec in specs {
            text += "  " + CellWidth.pad(spec.name, to: width) + "  " + spec.summary + "\n"
        }
        text += "\nType 'deepr-manager help COMMAND' for a command's options, 'deepr-manager help' for topics.\n"
        return text
    }
}
