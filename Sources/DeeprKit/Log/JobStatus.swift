/// A job's status as recorded in the log or reported by the API.
///
/// Known values fall in two groups. Active: `submitted`, `queued`, `in_progress`,
/// `requires_action`. Terminal: `completed`, `failed`, `cancelled`, `expired`, `incomplete`.
/// Any other string is kept verbatim and treated as active, so a status that a newer API
/// introduces keeps being refreshed and is never pruned. `not_found` is this tool's own
/// marker for a job the API answered 404 for; it counts as terminal.
public struct JobStatus: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public static let activeValues: Set<String> = ["submitted", "queued", "in_progress", "requires_action"]
    public static let terminalValues: Set<String> = ["completed", "failed", "cancelled", "expired", "incomplete", "not_found"]

    /// The statuses that completion offers and `help` lists, in display order.
    public static let knownValues: [String] = [
        "submitted", "queued", "in_progress", "requires_action",
        "completed", "failed", "cancelled", "expired", "incomplete", "not_found",
    ]

    public static let completed = JobStatus("completed")
    public static let cancelled = JobStatus("cancelled")
    public static let notFound = JobStatus("not_found")

    public var isTerminal: Bool { JobStatus.terminalValues.contains(rawValue) }
    public var isActive: Bool { !isTerminal }
    public var isCompleted: Bool { rawValue == "completed" }
    public var isKnown: Bool { JobStatus.activeValues.contains(rawValue) || isTerminal }
    public var description: String { rawValue }
}
