/// The final state of a mock job, as named in a scenario's `outcome`.
enum JobOutcome: String, CaseIterable, Sendable {
    /// A report in two messages with citations.
    case completed
    /// Completed, but the output holds only reasoning and a web search: no message.
    case completedEmpty = "completed_empty"
    /// Completed, with one `output_text` part whose `text` is `null` and one normal part.
    case completedNullText = "completed_null_text"
    /// Completed, with a message whose only content part is a refusal.
    case refusal
    /// Failed with `error.code` `server_error`.
    case failed
    /// Incomplete for `max_output_tokens`, with a truncated message.
    case incomplete
    /// Incomplete for `max_output_tokens`, with reasoning items only.
    case incompleteNoMessage = "incomplete_no_message"
    /// Cancelled, with the partial output kept.
    case cancelled
    /// The status `paused_for_review`, which no API version defines, with empty output.
    case unknownStatus = "unknown_status"

    /// The `status` field of a response with this outcome.
    var status: String {
        switch self {
        case .completed, .completedEmpty, .completedNullText, .refusal:
            return "completed"
        case .failed:
            return "failed"
        case .incomplete, .incompleteNoMessage:
            return "incomplete"
        case .cancelled:
            return "cancelled"
        case .unknownStatus:
            return "paused_for_review"
        }
    }
}
