import Foundation

/// `watch [REF…]`: polls until the jobs reach a final state, printing each change.
public struct WatchCommand: ShellCommand {
    static let flags: [FlagSpec] = [
        FlagSpec("interval", short: "i", value: .number, help: "seconds between polls (default 10, at least 1)"),
        FlagSpec("timeout", value: .number, help: "give up after SECONDS with exit status 8 (default: no limit)"),
        FlagSpec("download", short: "d", help: "download each report as its job completes"),
        FlagSpec("exit-status", help: "exit 5 if any job ended failed, cancelled, expired or incomplete"),
    ]

    public static let spec = CommandSpec(
        name: "watch",
        summary: "poll jobs until they finish, printing each status change",
        positionals: [PositionalSpec("REF", .jobReference, maximum: nil)],
        flags: WatchCommand.flags,
        details: """
            Without references, watches every active job. Each change is recorded in the
            log and printed as one line. Ctrl-C stops watching; the jobs keep running.
            """,
        needsAPI: true)

    let poller: JobPoller

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        poller = try JobPoller(arguments, verbose: true)
    }

    public func run(in session: Session) throws -> ExitStatus {
        try poller.run(in: session)
    }
}

/// `wait [REF…]`: like `watch`, but prints only the final states.
public struct WaitCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "wait",
        summary: "wait until jobs finish; exit 8 on --timeout, 5 with --exit-status on failure",
        positionals: [PositionalSpec("REF", .jobReference, maximum: nil)],
        flags: WatchCommand.flags,
        details: "Prints one line per job when it ends. Useful in scripts: wait last --timeout 3600 --exit-status",
        needsAPI: true)

    let poller: JobPoller

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        poller = try JobPoller(arguments, verbose: false)
    }

    public func run(in session: Session) throws -> ExitStatus {
        try poller.run(in: session)
    }
}

/// The polling loop behind `watch` and `wait`.
struct JobPoller: Sendable {
    let references: [String]
    let interval: Double
    let timeout: Double?
    let download: Bool
    let exitStatus: Bool
    let verbose: Bool

    init(_ arguments: ParsedArguments, verbose: Bool) throws(DeeprError) {
        references = arguments.positionals
        interval = max(1, try arguments.number("interval") ?? 10)
        timeout = try arguments.number("timeout")
        download = arguments.has("download")
        exitStatus = arguments.has("exit-status")
        self.verbose = verbose
    }

    func run(in session: Session) throws -> ExitStatus {
        var ids: [String]
        if references.isEmpty {
            ids = try session.store.current().jobs.filter(\.isActive).map(\.id)
        } else {
            ids = try references.map { try JobReference.resolve($0, in: session).id }
        }
        if ids.isEmpty {
            session.note("no active jobs to watch")
            return .success
        }

        let started = Date()
        var pending = Set(ids)
        var endedBadly = false
        while true {
            let log = try session.store.current()
            let jobs = pending.compactMap { session.job(withID: $0, in: log) }
            for job in jobs where job.status.isTerminal {
                pending.remove(job.id)
                endedBadly = endedBadly || JobPoller.isBad(job.status.rawValue)
                session.out.line("\(job.id)  \(job.status.rawValue)")
            }
            let active = jobs.filter(\.isActive)
            if active.isEmpty { break }

            let outcome = try RefreshEngine(session: session).refresh(active, showProgress: false)
            if outcome.interrupted { return .interrupted }
            for id in outcome.changedIDs {
                guard let response = outcome.responses[id] else { continue }
                if verbose || response.jobStatus.isTerminal {
                    session.out.line("\(TimeText.local(session.clock(), seconds: true))  \(id)  \(response.displayStatus)")
                }
                if response.jobStatus.isTerminal {
                    pending.remove(id)
                    endedBadly = endedBadly || JobPoller.isBad(response.status)
                    if download, response.status == "completed" {
                        do {
                            _ = try DownloadCommand(CommandParser().parse([id, "--no-preview"], for: DownloadCommand.spec)).run(in: session)
                        } catch {
                            session.error(DeeprError.from(error))
                        }
                    }
                }
            }
            session.out.flush()
            if pending.isEmpty { break }

            if let timeout, Date().timeIntervalSince(started) >= timeout {
                session.error(DeeprError(.timeout, "timed out after \(TimeText.duration(seconds: timeout)) with \(pending.count) job\(pending.count == 1 ? "" : "s") still active"))
                return .timeout
            }
            var slept = 0.0
            let step = 0.1
            var limit = interval
            if let timeout { limit = min(limit, max(0, timeout - Date().timeIntervalSince(started))) }
            while slept < limit {
                if session.interrupted { return .interrupted }
                Thread.sleep(forTimeInterval: step)
                slept += step
            }
        }
        return exitStatus && endedBadly ? .jobEndedBadly : .success
    }

    static func isBad(_ status: String) -> Bool {
        ["failed", "cancelled", "expired", "incomplete", "not_found"].contains(status)
    }
}
