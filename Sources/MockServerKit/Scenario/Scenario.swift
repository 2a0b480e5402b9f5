/// The contents of a scenario file: settings, per-job behaviour and faults.
///
/// Every field is optional. Values given on the command line take precedence over the
/// scenario's settings, which take precedence over the defaults.
public struct Scenario: Sendable {
    /// The only API key the server accepts, or `nil` to accept any bearer token.
    public var apiKey: String?
    public var queuedSeconds: Double?
    public var runningSeconds: Double?
    public var latencyMilliseconds: Int?
    /// Jobs in file order.
    public var jobs: [ScenarioJob] = []
    /// Faults by path prefix (or `*` for every path), in file order.
    public var pathFaults: [(prefix: String, faults: [Fault])] = []

    public init() {}
}

/// The scenario entry of one response id.
public struct ScenarioJob: Sendable {
    public var id: String
    /// How the job ends when its clock runs out, or how a terminal job is served.
    public var outcome: JobOutcome?
    /// A status forced from the start, with no clock.
    public var status: String?
    /// A body returned verbatim by `GET`.
    public var body: RawResponseBody?
    public var faults: [Fault] = []
    /// The prompt for a job that the log does not list.
    public var prompt: String?
    /// The model for a job that the log does not list.
    public var model: String?
    public var queuedSeconds: Double?
    public var runningSeconds: Double?

    public init(id: String) {
        self.id = id
    }
}

/// A response body given by the scenario, served as it was written.
public struct RawResponseBody: Sendable {
    public var value: JSONValue
    /// The exact bytes of a `body_file`, served unchanged; `nil` for an inline `body`.
    public var fileBytes: [UInt8]?

    public init(value: JSONValue, fileBytes: [UInt8]? = nil) {
        self.value = value
        self.fileBytes = fileBytes
    }
}
