import Foundation
import CLineEditor

/// The state every command runs against: settings, the job store, output sinks, the last
/// listing (for `N` references), history and the clock.
public final class Session: @unchecked Sendable {
    public var settings: Settings
    public let environment: Environment
    public let out: OutputSink
    public let err: OutputSink
    public let store: JobStore
    public let table: CommandTable
    /// The current time; tests replace it.
    public var clock: @Sendable () -> Timestamp
    /// Ids of the rows of the last listing, for `N` and `#N` references.
    public var lastListing: [String]?
    /// Entries of the interactive history, oldest first, for the `history` command.
    public var history: [String] = []
    public var isInteractive = false
    /// Whether stdin and stdout are both terminals (confirmation prompts are possible).
    public var canPrompt = false
    public var shouldExit = false
    public var exitStatus: ExitStatus = .success
    public var terminalWidth: Int
    /// Script nesting depth, for `source`.
    var scriptDepth = 0
    private var lastSkippedReport: [Int]?
    private var indexedLog: (lineCount: Int, bytes: ObjectIdentifier, index: [String: Int])?
    /// Answers to confirmation prompts; replaced by the interactive shell.
    public var confirm: (String) -> Bool = { _ in false }
    /// Remote responses fetched this session, by id.
    public var remoteCache: [String: APIResponse] = [:]
    public var prices: PriceTable = .builtIn
    /// The exit code `exit N` asked for.
    public var requestedExitCode: Int32 = 0
    /// Printed before each echoed script line.
    var cachedClient: APIClient?
    /// Builds the HTTP transport; tests may replace it.
    public var transportFactory: (Int) -> any HTTPTransport = { connections in
        URLSessionTransport(maximumConnections: connections, isCancelled: { dm_sigint_pending() != 0 })
    }

    public init(settings: Settings, environment: Environment, out: OutputSink, err: OutputSink,
                table: CommandTable = .standard, terminalWidth: Int = 100)
    {
        self.settings = settings
        self.environment = environment
        self.out = out
        self.err = err
        self.table = table
        self.terminalWidth = terminalWidth
        self.store = JobStore(path: settings.logPath)
        self.clock = { Timestamp.now() }
        store.onLoad = { [weak self] log in self?.reportSkippedLines(log) }
    }

    // MARK: Diagnostics

    public func warning(_ message: String) {
        err.line(style("warning:", .yellow) + " " + message)
    }

    public func note(_ message: String) {
        if settings.quiet { return }
        err.line(style("note:", .dim) + " " + message)
    }

    public func error(_ error: DeeprError, location: String? = nil) {
        let prefix = location.map { "\($0): " } ?? ""
        // Messages quote user input and server text, so control sequences are removed.
        err.line(prefix + style("error:", .red) + " " + TerminalText.sanitize(error.message, .multiLine))
        if let hint = error.hint {
            err.line(prefix + style("hint:", .dim) + " " + TerminalText.sanitize(hint, .multiLine))
        }
    }

    /// Reports skipped lines after a read, unless the same lines were reported already:
    /// the log is read again after every rewrite, and the warning should not repeat.
    private func reportSkippedLines(_ log: JobLog) {
        if lastSkippedReport == log.skippedLines { return }
        lastSkippedReport = log.skippedLines
        var skipped = log.skippedLines
        if let torn = log.tornFinalLine {
            skipped.removeAll { $0 == torn }
            warning("line \(torn) of \(log.path) is an incomplete final record (no newline at the end, not valid JSON); it is kept as it is, and the next append starts on a new line")
        }
        guard !skipped.isEmpty else { return }
        let shownCount = settings.verbose ? skipped.count : min(skipped.count, 20)
        var numbers = skipped.prefix(shownCount).map(String.init).joined(separator: ", ")
        if shownCount < skipped.count { numbers += ", … (--verbose lists all)" }
        let noun = skipped.count == 1 ? "line" : "lines"
        warning("skipped \(skipped.count) malformed \(noun) (\(numbers)) in \(log.path)")
    }

    // MARK: Styles

    public enum TextStyle: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36"
    }

    public func style(_ text: String, _ textStyle: TextStyle, for sink: OutputSink? = nil) -> String {
        let target = sink ?? err
        guard target.stylesEnabled, !text.isEmpty else { return text }
        return "\u{1B}[\(textStyle.rawValue)m\(text)\u{1B}[0m"
    }

    // MARK: Jobs

    /// Finds a job by its exact id, through an index built once per read of the log.
    public func job(withID id: String, in log: JobLog) -> Job? {
        let identity = ObjectIdentifier(log.bytes)
        if indexedLog == nil || indexedLog!.bytes != identity || indexedLog!.lineCount != log.lineCount {
            var index: [String: Int] = [:]
            index.reserveCapacity(log.jobs.count)
            for (position, job) in log.jobs.enumerated() {
                index[job.id] = position
            }
            indexedLog = (log.lineCount, identity, index)
        }
        guard let position = indexedLog!.index[id] else { return nil }
        return log.jobs[position]
    }

    /// The row ids that `N` references use: the last listing, or the default listing when
    /// nothing was listed yet.
    public func listingForReferences() throws -> [String] {
        if let lastListing { return lastListing }
        let log = try store.current()
        let rows = ListCommand.defaultSelection(log.jobs)
        lastListing = rows.map(\.id)
        return lastListing!
    }

    /// The API key, from the environment or `.env`; nil when unset or empty.
    public var apiKey: String? {
        guard let key = environment["OPENAI_API_KEY"], !key.trimmingWhitespace().isEmpty else { return nil }
        return key.trimmingWhitespace()
    }

    // MARK: Running lines

    /// Parses and runs one line. Errors are thrown to the caller, which decides how to show
    /// them (interactive, script with location, one-shot).
    public func execute(line: String) throws -> ExitStatus {
        out.flush()
        let tokens = try Tokenizer.split(line)
        guard !tokens.isEmpty else { return .success }
        let command = try table.makeCommand(tokens)
        defer { out.flush() }
        return try command.run(in: self)
    }

    /// Runs one already-split command line (one-shot mode), keeping the words as given.
    public func execute(words: [String]) throws -> ExitStatus {
        let tokens = words.enumerated().map { Token(text: $1, column: $0, wasQuoted: true) }
        let command = try table.makeCommand(tokens)
        defer { out.flush() }
        return try command.run(in: self)
    }
}
