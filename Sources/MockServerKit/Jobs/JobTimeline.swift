/// The state a job is in at one moment, before any cancellation on the mock.
enum JobPhase: Sendable, Equatable {
    case queued
    case inProgress
    case finished(JobOutcome)
    /// A status string with no outcome of its own, such as `expired` from a log or a status a
    /// scenario forces. It is served verbatim with empty output.
    case other(String)
}

/// The schedule of a job's phases over time.
enum JobTimeline: Sendable {
    /// Queued from `start` for `queuedSeconds`, then in progress for `runningSeconds`, then
    /// finished with `outcome`. Times are Unix seconds.
    case clock(start: Double, queuedSeconds: Double, runningSeconds: Double, outcome: JobOutcome)
    /// The same phase at every moment, with the `completed_at` to report if it is `completed`.
    case fixed(JobPhase, completedAt: Int)

    func phase(at now: Double) -> JobPhase {
        switch self {
        case .clock(let start, let queuedSeconds, let runningSeconds, let outcome):
            if now < start + queuedSeconds {
                return .queued
            }
            if now < start + queuedSeconds + runningSeconds {
                return .inProgress
            }
            return .finished(outcome)
        case .fixed(let phase, _):
            return phase
        }
    }

    /// The Unix second at which the job finished or will finish.
    var completedAt: Int {
        switch self {
        case .clock(let start, let queuedSeconds, let runningSeconds, _):
            return Int((start + queuedSeconds + runningSeconds).rounded(.down))
        case .fixed(_, let completedAt):
            return completedAt
        }
    }
}

/// Statuses that a deepr job log records for a finished job.
enum LogStatus {
    static let terminal: Set<String> = ["completed", "failed", "cancelled", "expired", "incomplete"]

    /// Returns the phase of a job whose log or scenario gives a fixed `status`, using `outcome`
    /// when it matches that status. `queued` and `in_progress` stay as they are forever.
    static func fixedPhase(status: String, outcome: JobOutcome?) -> JobPhase {
        if let outcome, outcome.status == status {
            return .finished(outcome)
        }
        switch status {
        case "queued":
            return .queued
        case "in_progress":
            return .inProgress
        case "completed":
            return .finished(.completed)
        case "failed":
            return .finished(.failed)
        case "incomplete":
            return .finished(.incomplete)
        case "cancelled":
            return .finished(.cancelled)
        default:
            return .other(status)
        }
    }
}
