import Foundation

/// The command line of the `deepr-manager` process: global options, then a mode.
///
/// Global options come before the command. manager.py's flags (`--list [--all]`,
/// `--details ID`, `--download ID`, `--cancel ID`, `--cancel-all`, `--clear`,
/// `--interactive`) are translated into the equivalent commands.
public struct Invocation: Sendable {
    public enum Mode: Sendable, Equatable {
        case interactive
        case oneShot([String])
        /// `-f FILE` and `-c CMD` in the order given.
        case batch([BatchItem])
        /// Commands from standard input, which is not a terminal.
        case standardInput
        case help
        case version
    }

    public enum BatchItem: Sendable, Equatable {
        case file(String)
        case command(String)
    }

    public var mode: Mode = .interactive
    public var log: String?
    public var reports: String?
    public var envFile: String?
    public var baseURL: String?
    public var retention: Int?
    public var noPrune = false
    public var color: ColorMode?
    public var keepGoing = false
    public var echo = false
    public var history: String?
    public var concurrency: Int?
    public var prices: String?
    public var timeout: Double?
    public var quiet = false
    public var verbose = false
    public var forceInteractive = false

    static let valueOptions = ["--log", "--reports", "--env-file", "--base-url", "--retention", "--color", "--history",
                               "--concurrency", "--prices", "--timeout", "-f", "--file", "-c", "--command"]
    static let flagOptions = ["--no-prune", "--keep-going", "--echo", "--quiet", "-q", "--verbose", "-v", "--version",
                              "--help", "-h", "--interactive", "-i"]
    static let legacyOptions = ["--list", "--all", "--details", "--download", "--cancel", "--cancel-all", "--clear"]

    public static func parse(_ arguments: [String], stdinIsTerminal: Bool) throws(DeeprError) -> Invocation {
        var invocation = Invocation()
        var batch: [BatchItem] = []
        var legacy: [String]? = nil
        var index = 0

        func value(_ option: String) throws(DeeprError) -> String {
            guard index < arguments.count else {
                throw .usage("\(option) needs a value", hint: "see 'deepr-manager --help'")
            }
            let text = arguments[index]
            index += 1
            return text
        }

        while index < arguments.count {
            let word = arguments[index]
            index += 1
            var option = word
            var inline: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                option = String(word[..<equals])
                inline = String(word[word.index(after: equals)...])
                guard valueOptions.contains(option) else {
                    throw .usage("\(option) takes no value, but '\(inline!)' was given")
                }
            }
            func take() throws(DeeprError) -> String {
                if let inline { return inline }
                return try value(option)
            }

            switch option {
            case "--log": invocation.log = try take()
            case "--reports": invocation.reports = try take()
            case "--env-file": invocation.envFile = try take()
            case "--base-url": invocation.baseURL = try take()
            case "--retention":
                let text = try take()
                guard let days = Int(text), days >= 0 else {
                    throw .usage("invalid value '\(text)' for --retention: expected a whole number of days (0 turns pruning off)")
                }
                invocation.retention = days
            case "--color", "--colour":
                let text = try take()
                guard let mode = ColorMode(rawValue: text) else {
                    throw .usage("invalid value '\(text)' for --color: expected auto, always or never")
                }
                invocation.color = mode
            case "--history": invocation.history = try take()
            case "--concurrency":
                let text = try take()
                guard let count = Int(text), (1...64).contains(count) else {
                    throw .usage("invalid value '\(text)' for --concurrency: expected a number from 1 to 64")
                }
                invocation.concurrency = count
            case "--prices": invocation.prices = try take()
            case "--timeout":
                let text = try take()
                guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                    throw .usage("invalid value '\(text)' for --timeout: expected seconds greater than 0")
                }
                invocation.timeout = seconds
            case "-f", "--file": batch.append(.file(try take()))
            case "-c", "--command": batch.append(.command(try take()))
            case "--no-prune": invocation.noPrune = true
            case "--keep-going": invocation.keepGoing = true
            case "--echo": invocation.echo = true
            case "--quiet", "-q": invocation.quiet = true
            case "--verbose", "-v": invocation.verbose = true
            case "--version": return Invocation(mode: .version)
            case "--help", "-h": return Invocation(mode: .help)
            case "--interactive", "-i": invocation.forceInteractive = true
            case "--list":
                legacy = ["list"] + (legacy?.contains("--all") == true ? ["--all"] : [])
            case "--all":
                if legacy == nil { legacy = ["list", "--all"] } else if !legacy!.contains("--all") { legacy!.append("--all") }
            case "--details": legacy = ["show", try take()]
            case "--download": legacy = ["download", try take()]
            case "--cancel": legacy = ["cancel", try take()]
            case "--cancel-all": legacy = ["cancel", "--active"]
            case "--clear": legacy = ["clear"]
            default:
                if word.hasPrefix("-"), word != "-" {
                    let known = valueOptions + flagOptions + legacyOptions
                    let suggestion = Suggestions.phrase(for: String(word.drop { $0 == "-" }), in: known.map { String($0.drop { $0 == "-" }) }, prefix: "--")
                    throw .usage("unknown option '\(word)'" + (suggestion.isEmpty ? "" : "; \(suggestion)"),
                                 hint: "global options go before the command; see 'deepr-manager --help'")
                }
                // The command and its arguments: everything from here on.
                let command = Array(arguments[(index - 1)...])
                if legacy != nil || !batch.isEmpty {
                    throw .usage("give a command, -f/-c scripts, or a manager.py option, not several")
                }
                invocation.mode = .oneShot(command)
                return invocation
            }
        }

        if let legacy {
            guard batch.isEmpty else { throw .usage("give -f/-c scripts or a manager.py option, not both") }
            invocation.mode = .oneShot(legacy)
        } else if !batch.isEmpty {
            invocation.mode = .batch(batch)
        } else if invocation.forceInteractive || stdinIsTerminal {
            invocation.mode = .interactive
        } else {
            invocation.mode = .standardInput
        }
        return invocation
    }

    /// Combines flags, the environment (with `.env` already merged) and defaults.
    public func settings(environment: Environment) -> Settings {
        var settings = Settings()
        settings.logPath = log ?? Invocation.nonEmpty(environment["DEEPR_JOB_LOG"]) ?? Invocation.defaultLogPath()
        settings.reportsDirectory = reports ?? Invocation.nonEmpty(environment["DEEPR_REPORTS_DIR"]) ?? "reports"
        settings.envFile = envFile ?? ".env"
        settings.baseURL = baseURL ?? Invocation.nonEmpty(environment["OPENAI_BASE_URL"]) ?? "https://api.openai.com/v1"
        settings.retentionDays = retention ?? 7
        settings.noPrune = noPrune
        settings.color = color ?? .auto
        settings.keepGoing = keepGoing
        settings.echo = echo
        settings.historyPath = history ?? HistoryFile.defaultPath(environment: environment)
        if settings.historyPath == "" || settings.historyPath == "/dev/null" { settings.historyPath = nil }
        settings.historyLimit = Invocation.historyLimit(environment["DEEPR_MANAGER_HISTSIZE"]) ?? settings.historyLimit
        settings.concurrency = concurrency ?? 8
        settings.pricesPath = prices
        settings.timeoutSeconds = timeout ?? 60
        settings.quiet = quiet
        settings.verbose = verbose
        return settings
    }

    /// Parses `DEEPR_MANAGER_HISTSIZE`, the maximum number of history entries. Returns nil,
    /// so the default of 1000 applies, unless the value is a whole number of at least 1.
    static func historyLimit(_ value: String?) -> Int? {
        guard let value, let limit = Int(value.trimmingWhitespace()), limit >= 1 else { return nil }
        return limit
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// deepr's layouts: `./logs/job_log.jsonl`, else `./job_log.jsonl`, else the first.
    static func defaultLogPath() -> String {
        for candidate in ["logs/job_log.jsonl", "job_log.jsonl"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return "logs/job_log.jsonl"
    }
}
