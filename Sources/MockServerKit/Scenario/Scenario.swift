/// The contents of a scenario file: settings, per-job behaviour and faults.
///
/// Every key is optional, and keys starting with `_` are comments:
///
/// ```json
/// {"api_key": "sk-...", "queued_seconds": 2, "running_seconds": 20, "latency_ms": 0,
///  "jobs": {"resp_1": {"outcome": "failed", "status": "completed", "body": {},
///                      "body_file": "body.json", "prompt": "...", "model": "...",
///                      "queued_seconds": 1, "running_seconds": 5, "faults": []}},
///  "paths": {"/v1/responses/resp_1": [], "*": []}}
/// ```
///
/// A fault is `{"times": N, "method": "GET", "latency_ms": N}` plus at most one action:
/// `"status"` (with optional `"body"`, `"content_type"` and `"headers"`), `"stall_seconds"`
/// or `"drop": true`. Values given on the command line take precedence over the scenario's
/// settings, which take precedence over the defaults.
public struct Scenario: Sendable {
    /// The only API key the server accepts, or `nil` to accept any bearer token.
    var apiKey: String?
    var queuedSeconds: Double?
    var runningSeconds: Double?
    var latencyMilliseconds: Int?
    /// Jobs in file order.
    var jobs: [ScenarioJob] = []
    /// Faults by path prefix (or `*` for every path), in file order.
    var pathFaults: [(prefix: String, faults: [Fault])] = []

    public init() {}
}

/// The scenario entry of one response id.
struct ScenarioJob: Sendable {
    var id: String
    /// The final state when the job's clock runs out, or the state of a terminal job.
    var outcome: JobOutcome?
    /// A status forced from the start, with no clock.
    var status: String?
    /// A body returned verbatim by `GET`.
    var body: RawResponseBody?
    var faults: [Fault] = []
    /// The prompt for a job that the log does not list.
    var prompt: String?
    /// The model for a job that the log does not list.
    var model: String?
    var queuedSeconds: Double?
    var runningSeconds: Double?

    init(id: String) {
        self.id = id
    }
}

/// A response body given by the scenario, served as it was written.
struct RawResponseBody: Sendable {
    var value: JSONValue
    /// The exact bytes of a `body_file`, served unchanged; `nil` for an inline `body`.
    var fileBytes: [UInt8]?

    init(value: JSONValue, fileBytes: [UInt8]? = nil) {
        self.value = value
        self.fileBytes = fileBytes
    }
}
