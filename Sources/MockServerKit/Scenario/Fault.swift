/// One injected fault from a scenario file.
///
/// A fault first waits `latencyMilliseconds`, then takes its `action`. A fault without an
/// action only adds latency, and the request goes on to the next fault or a normal answer.
public struct Fault: Sendable {
    public var latencyMilliseconds = 0
    public var action: FaultAction?
    /// The method the fault is limited to, upper-cased, or `nil` for every method.
    public var method: String?
    /// How many matching requests the fault applies to, or `nil` for all of them.
    public var times: Int?

    public init(latencyMilliseconds: Int = 0, action: FaultAction? = nil, method: String? = nil, times: Int? = nil) {
        self.latencyMilliseconds = latencyMilliseconds
        self.action = action
        self.method = method
        self.times = times
    }
}

/// What a fault does in place of the normal answer.
public enum FaultAction: Sendable {
    /// Answers `status` with the given header fields and body.
    case respond(status: Int, headers: [(name: String, value: String)], body: FaultBody, contentType: String?)
    /// Reads the request, then sends nothing for `seconds` and closes the connection.
    case stall(seconds: Double)
    /// Closes the connection without an answer.
    case drop
}

/// The body of a fault's answer.
public enum FaultBody: Sendable {
    /// No body was given: the server sends an OpenAI-style error body for the status.
    case standard
    /// Sent as these exact characters, for example an HTML gateway page.
    case text(String)
    /// Sent as JSON.
    case json(JSONValue)
}
