/// One response held by the mock, with what it needs to build its body at any moment.
struct MockJob: Sendable {
    var id: String
    var prompt: String
    /// The model as submitted or logged, for example `o3-deep-research`.
    var model: String
    /// `created_at` in Unix seconds.
    var createdAt: Int
    var timeline: JobTimeline
    /// Set once a cancel request succeeded.
    var cancellation: Cancellation?
    /// A scenario body served in place of a built one.
    var rawBody: RawResponseBody?
    /// Request fields echoed back in every body.
    var echo: RequestEcho

    /// A successful cancel, and whether the job had started running by then.
    struct Cancellation: Sendable {
        var hadStarted: Bool
    }
}

/// Fields of a create request that the API echoes in the response.
struct RequestEcho: Sendable {
    var instructions: JSONValue = .null
    var tools: JSONValue = [["type": "web_search_preview", "search_context_size": "medium", "user_location": nil]]
    var metadata: JSONValue = .object([])
    var maxOutputTokens: JSONValue = .null
    var maxToolCalls: JSONValue = .null
    var reasoning: JSONValue = ["effort": "medium", "summary": "auto"]
    var temperature: JSONValue = 1.0
}
