import Foundation
import Synchronization
import CLineEditor

/// `refresh [REF…]`: re-reads job statuses from the API and records changes in the log.
public struct RefreshCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "refresh", aliases: ["update"],
        summary: "fetch the status of every active job (or the given ones) and record changes",
        positionals: [PositionalSpec("REF", .jobReference, maximum: nil)],
        flags: [FlagSpec("quiet", short: "q", help: "print nothing but errors")],
        details: """
            Requests run concurrently (--concurrency, default 8). A job that ended gets its
            status, model, usage and completion time recorded on its log line. Network and
            gateway errors (timeouts, 5xx, HTML pages) leave the recorded status as it was
            and make the command exit with status 1. A 404 marks an active job not_found,
            keeping its line. A final status never moves back to an active one.
            """,
        needsAPI: true)

    let references: [String]
    let quiet: Bool

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        references = arguments.positionals
        quiet = arguments.has("quiet")
    }

    public func run(in session: Session) throws -> ExitStatus {
        let log = try session.store.current()
        var targets: [Job]
        if references.isEmpty {
            targets = log.jobs.filter(\.isActive)
        } else {
            targets = try references.map { try JobReference.resolve($0, in: session) }
        }
        if targets.isEmpty {
            if !quiet { session.note("no active jobs to refresh") }
            return .success
        }
        let outcome = try RefreshEngine(session: session).refresh(targets, showProgress: !quiet)
        if !quiet {
            for line in outcome.changeLines { session.out.line(line) }
        }
        if outcome.interrupted { return .interrupted }
        return outcome.failures > 0 ? .runtime : .success
    }
}

/// Fetches responses for many jobs with a bounded pool and records what changed. Shared by
/// `refresh`, `watch` and interactive start-up.
struct RefreshEngine {
    let session: Session

    struct Outcome {
        var changeLines: [String] = []
        var failures = 0
        var interrupted = false
        var responses: [String: APIResponse] = [:]
        var changedIDs: [String] = []
    }

    func refresh(_ jobs: [Job], showProgress: Bool) throws -> Outcome {
        let client = try session.apiClient()
        let results = Mutex<[Int: Result<APIResponse, APIError>]>([:])
        let done = Atomic<Int>(0)
        let total = jobs.count
        let progress = showProgress && session.err.isTerminal
        let errSink = session.err

        let shared = SharedJobs(jobs)
        WorkerPool.run(count: total, concurrency: session.settings.concurrency) { index in
            if dm_sigint_pending() != 0 { return }
            let job = shared.jobs[index]
            let result: Result<APIResponse, APIError>
            do throws(APIError) {
                result = .success(try client.retrieve(id: job.id))
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[index] = result }
            let finished = done.add(1, ordering: .relaxed).newValue
            if progress {
                errSink.write("\rrefreshing: \(finished)/\(total)")
                errSink.flush()
            }
        }
        if progress {
            session.err.write("\r\u{1B}[K")
            session.err.flush()
        }

        var outcome = Outcome()
        if session.interrupted {
            outcome.interrupted = true
            session.warning("refresh interrupted; the log was not changed")
            return outcome
        }

        var fields: [String: JSONObject] = [:]
        let collected = results.withLock { $0 }
        for (index, job) in jobs.enumerated() {
            guard let result = collected[index] else { continue }
            switch result {
            case .success(let response):
                session.remoteCache[job.id] = response
                outcome.responses[job.id] = response
                if let changes = RemoteFields.fields(for: response, job: job) {
                    fields[job.id] = changes
                    if changes["status"] != nil {
                        outcome.changedIDs.append(job.id)
                        outcome.changeLines.append("\(job.id)  \(job.status.rawValue) → \(response.displayStatus)")
                    }
                }
                if job.status.isTerminal, response.jobStatus.isActive {
                    session.warning("\(job.id): the API reports \(response.status), but the log's final status \(job.status.rawValue) is kept")
                }
            case .failure(let error):
                if error.isAuthentication { throw error }
                if error.isNotFound {
                    if job.isActive {
                        fields[job.id] = JSONObject([("status", .string(JobStatus.notFound.rawValue))])
                        outcome.changedIDs.append(job.id)
                        outcome.changeLines.append("\(job.id)  \(job.status.rawValue) → not_found (the API has no such response; the line is kept)")
                    } else {
                        session.warning("\(job.id): the API has no such response any more (HTTP 404); its status stays \(job.status.rawValue)")
                    }
                } else {
                    outcome.failures += 1
                    session.error(DeeprError(.runtime, "could not refresh \(job.id): \(error.summary); its status stays \(job.status.rawValue)"))
                }
            }
        }
        try session.recordFields(fields)
        return outcome
    }
}

/// Jobs shared read-only with worker threads.
final class SharedJobs: @unchecked Sendable {
    let jobs: [Job]
    init(_ jobs: [Job]) { self.jobs = jobs }
}
