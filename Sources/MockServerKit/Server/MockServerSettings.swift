/// The resolved settings of one server run.
public struct MockServerSettings: Sendable {
    public var address: LoopbackAddress = .ipv4
    /// The port to bind; 0 lets the kernel pick a free one.
    public var port = 0
    public var clock = JobClockSettings(queuedSeconds: 2, runningSeconds: 20)
    /// Delay added before every API response, in milliseconds.
    public var latencyMilliseconds = 0
    /// The only API key accepted, or `nil` to accept any bearer token.
    public var apiKey: String?
    /// A file that receives every request record as one JSON line.
    public var requestLogPath: String?
    public var limits = HTTPLimits()
    /// Connections served at once; a connection past this gets 503 and is closed.
    public var maximumConnections = 1000

    public init() {}

    /// Combines the command line and the scenario: a command-line value wins over the
    /// scenario's, which wins over the default.
    public init(options: MockServerOptions, scenario: Scenario) {
        address = options.address
        port = options.port
        clock = JobClockSettings(
            queuedSeconds: options.queuedSeconds ?? scenario.queuedSeconds ?? 2,
            runningSeconds: options.runningSeconds ?? scenario.runningSeconds ?? 20)
        latencyMilliseconds = options.latencyMilliseconds ?? scenario.latencyMilliseconds ?? 0
        apiKey = options.apiKey ?? scenario.apiKey
        requestLogPath = options.requestLogPath
    }
}
