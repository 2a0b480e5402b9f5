/// When to write colour and other text styles.
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never
}

/// The session's configuration after flags, the environment, `.env` and defaults were
/// combined (in that order of precedence).
public struct Settings: Sendable {
    public var logPath: String
    public var reportsDirectory: String
    public var envFile: String
    public var baseURL: String
    public var retentionDays: Int
    public var noPrune: Bool
    public var color: ColorMode
    public var keepGoing: Bool
    public var echo: Bool
    /// nil turns history off.
    public var historyPath: String?
    public var historyLimit: Int
    public var concurrency: Int
    public var pricesPath: String?
    public var timeoutSeconds: Double
    public var quiet: Bool
    public var verbose: Bool
    /// Printed before each line that --echo shows.
    public var echoPrefix = "> "

    public init(logPath: String = "logs/job_log.jsonl", reportsDirectory: String = "reports",
                envFile: String = ".env", baseURL: String = "https://api.openai.com/v1", retentionDays: Int = 7,
                noPrune: Bool = false, color: ColorMode = .auto, keepGoing: Bool = false, echo: Bool = false,
                historyPath: String? = nil, historyLimit: Int = 1000, concurrency: Int = 8,
                pricesPath: String? = nil, timeoutSeconds: Double = 60, quiet: Bool = false, verbose: Bool = false)
    {
        self.logPath = logPath
        self.reportsDirectory = reportsDirectory
        self.envFile = envFile
        self.baseURL = baseURL
        self.retentionDays = retentionDays
        self.noPrune = noPrune
        self.color = color
        self.keepGoing = keepGoing
        self.echo = echo
        self.historyPath = historyPath
        self.historyLimit = historyLimit
        self.concurrency = concurrency
        self.pricesPath = pricesPath
        self.timeoutSeconds = timeoutSeconds
        self.quiet = quiet
        self.verbose = verbose
    }
}
