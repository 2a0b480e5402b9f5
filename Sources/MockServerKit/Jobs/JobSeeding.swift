/// How long new and active jobs stay queued and then running, in seconds.
public struct JobClockSettings: Sendable {
    public var queuedSeconds: Double
    public var runningSeconds: Double

    public init(queuedSeconds: Double, runningSeconds: Double) {
        self.queuedSeconds = queuedSeconds
        self.runningSeconds = runningSeconds
    }
}

/// Builds the server's jobs from the job log and the scenario.
enum JobSeeding {
    static let defaultModel = "o3-deep-research"

    /// Returns one job per logged id, in log order, then one per scenario job the log lacks.
    ///
    /// - A scenario `status` fixes the job's status from the start.
    /// - A log status that is terminal serves the job in that state (or the scenario's
    ///   `outcome`) from the start.
    /// - Any other log status starts the clock at `startTime`: queued, then in progress, then
    ///   the scenario's `outcome` or `completed`. A job logged as `in_progress` skips the
    ///   queued phase.
    static func makeJobs(
        logged: [LoggedJob], scenario: Scenario, clock: JobClockSettings, startTime: Double
    ) -> [MockJob] {
        var entries: [String: ScenarioJob] = [:]
        for entry in scenario.jobs {
            entries[entry.id] = entry
        }

        var jobs: [MockJob] = []
        var seen: Set<String> = []
        for logged in logged {
            let entry = entries[logged.id]
            let createdAt = Int((logged.timestamp ?? startTime).rounded(.down))
            let prompt = logged.prompt.isEmpty ? (entry?.prompt ?? "") : logged.prompt
            let model = logged.model ?? entry?.model ?? defaultModel
            let timeline = timeline(
                logStatus: logged.status, entry: entry, clock: clock, createdAt: createdAt, startTime: startTime)
            jobs.append(
                MockJob(
                    id: logged.id, prompt: prompt, model: model, createdAt: createdAt, timeline: timeline,
                    rawBody: entry?.body, echo: RequestEcho()))
            seen.insert(logged.id)
        }

        for entry in scenario.jobs where !seen.contains(entry.id) {
            let createdAt = Int(startTime.rounded(.down))
            let timeline = timeline(
                logStatus: nil, entry: entry, clock: clock, createdAt: createdAt, startTime: startTime)
            jobs.append(
                MockJob(
                    id: entry.id, prompt: entry.prompt ?? "Mock research prompt for \(entry.id)",
                    model: entry.model ?? defaultModel, createdAt: createdAt, timeline: timeline,
                    rawBody: entry.body, echo: RequestEcho()))
        }
        return jobs
    }

    private static func timeline(
        logStatus: String?, entry: ScenarioJob?, clock: JobClockSettings, createdAt: Int, startTime: Double
    ) -> JobTimeline {
        // A fixed job reports completing 21 minutes after creation, but never after the server started.
        let completedAt = max(createdAt, min(createdAt + 1260, Int(startTime.rounded(.down))))

        if let forced = entry?.status {
            return .fixed(LogStatus.fixedPhase(status: forced, outcome: entry?.outcome), completedAt: completedAt)
        }
        if let logStatus, LogStatus.terminal.contains(logStatus) {
            let phase = entry?.outcome.map(JobPhase.finished) ?? LogStatus.fixedPhase(status: logStatus, outcome: nil)
            return .fixed(phase, completedAt: completedAt)
        }
        // A job the log already records as running starts in progress, so a client's first
        // refresh never sees it move back to queued.
        let queuedSeconds = entry?.queuedSeconds ?? clock.queuedSeconds
        let start = logStatus == "in_progress" ? startTime - queuedSeconds : startTime
        return .clock(
            start: start,
            queuedSeconds: queuedSeconds,
            runningSeconds: entry?.runningSeconds ?? clock.runningSeconds,
            outcome: entry?.outcome ?? .completed)
    }
}
