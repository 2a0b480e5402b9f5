/// One injected fault from a scenario file.
///
/// A fault first waits `latencyMilliseconds`, then takes its `action`. A fault without an
/// action only adds latency, and the request goes on to the next fault or the normal response.
struct Fault: Sendable {
    var latencyMilliseconds = 0
    var action: FaultAction?
    /// The method the fault is limited to, upper-cased, or `nil` for every method.
    var method: String?
    /// How many matching requests the fault applies to, or `nil` for all of them.
    var times: Int?

    init(latencyMilliseconds: Int = 0, action: FaultAction? = nil, method: String? = nil, times: Int? = nil) {
        self.latencyMilliseconds = latencyMilliseconds
        self.action = action
        self.method = method
        self.times = times
    }
}

/// The action a fault takes in place of the normal response.
enum FaultAction: Sendable {
    /// Responds with `status` and the given header fields and body.
    case respond(status: Int, headers: [(name: String, value: String)], body: FaultBody, contentType: String?)
    /// Reads the request, then sends nothing for `seconds` and closes the connection.
    case stall(seconds: Double)
    /// Closes the connection without a response.
    case drop
}

/// The body of a fault response.
enum FaultBody: Sendable {
    /// No body was given: the server sends an OpenAI-style error body for the status.
    case standard
    /// Sent as these exact characters, for example an HTML gateway page.
    case text(String)
    /// Sent as JSON.
    case json(JSONValue)
}
