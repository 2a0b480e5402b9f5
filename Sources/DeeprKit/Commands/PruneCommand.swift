import Foundation

/// `prune`: moves old jobs in final states from the log to the archive beside it.
public struct PruneCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "prune",
        summary: "move old finished jobs from the log to job_log.archive.jsonl",
        flags: [
            FlagSpec("older-than", value: .duration, help: "only jobs created longer ago than AGE (default: the retention, 7d)"),
            FlagSpec("status", short: "s", value: .status, repeatable: true,
                     help: "only jobs with these final statuses (default: completed)"),
            FlagSpec("dry-run", short: "n", help: "list what would move and change nothing"),
        ],
        details: """
            Every line of a pruned job is appended to the archive (and flushed to disk)
            before it leaves the log. Active jobs, jobs with a status this tool does not
            know, and jobs without a readable timestamp are never pruned. Interactive
            start-up runs 'prune' for completed jobs older than --retention days (default
            7) unless --no-prune or --retention 0.
            """)

    let olderThan: String?
    let statuses: [String]
    let dryRun: Bool

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        olderThan = arguments.value("older-than")
        if let olderThan, DateArgument.parseAge(olderThan) == nil {
            throw .usage("invalid age '\(olderThan)' for --older-than", hint: "use an age such as 12h, 7d or 2w")
        }
        statuses = arguments.values("status")
        for status in statuses where !JobStatus(status).isTerminal {
            throw .usage("cannot prune status '\(status)': only final statuses can be pruned",
                         hint: "final statuses: completed, failed, cancelled, expired, incomplete, not_found")
        }
        dryRun = arguments.has("dry-run")
    }

    public func run(in session: Session) throws -> ExitStatus {
        let age = olderThan.flatMap(DateArgument.parseAge) ?? Int64(session.settings.retentionDays) * 86_400_000_000
        let result = try Pruner(session: session).prune(olderThan: age, statuses: Set(statuses.isEmpty ? ["completed"] : statuses),
                                                        dryRun: dryRun)
        if dryRun {
            for job in result.jobs {
                session.out.line("would move \(job.id)  \(job.status.rawValue)  \(job.createdAt.map { TimeText.local($0) } ?? "?")")
            }
            session.note("\(result.jobs.count) job\(result.jobs.count == 1 ? "" : "s") would move to \(LogWriter(path: session.settings.logPath).archivePath)")
        } else {
            session.out.line("moved \(result.jobs.count) job\(result.jobs.count == 1 ? "" : "s") (\(result.lines) line\(result.lines == 1 ? "" : "s")) to \(LogWriter(path: session.settings.logPath).archivePath)")
        }
        return .success
    }
}

/// Selects and moves prunable jobs; shared by `prune` and interactive start-up.
struct Pruner {
    let session: Session

    struct Result {
        var jobs: [Job] = []
        var lines = 0
    }

    func prune(olderThan age: Int64, statuses: Set<String>, dryRun: Bool) throws -> Result {
        let cutoff = Timestamp(microseconds: session.clock().microseconds - age)

        func select(_ log: JobLog) -> [Job] {
            log.jobs.filter { job in
                guard job.status.isTerminal, statuses.contains(job.status.rawValue), let created = job.createdAt else {
                    return false
                }
                return created < cutoff
            }
        }

        if dryRun {
            return Result(jobs: select(try session.store.current()), lines: 0)
        }
        guard session.store.exists else { return Result() }

        var result = Result()
        let outcome = try LogWriter(path: session.settings.logPath).rewrite { log in
            let chosen = select(log)
            result.jobs = chosen
            let ids = Set(chosen.map(\.id))
            var edit = LogEdit()
            guard !ids.isEmpty else { return edit }
            // Every line of a pruned job moves, repeated lines included, in log order. Only a
            // log with repeated ids needs the slower scan of every line.
            if log.repeatedLines == 0 {
                for job in chosen {
                    edit.archive.append(job.lineBytes)
                    edit.replacements[job.lineNumber] = .some(nil)
                }
            } else {
                for line in LogLines(log.bytes) {
                    guard let id = line.jobID, ids.contains(id) else { continue }
                    edit.archive.append(line.bytes)
                    edit.replacements[line.number] = .some(nil)
                }
            }
            result.lines = edit.archive.count
            return edit
        }
        session.store.invalidate()
        if let warning = outcome.warning { session.warning(warning) }
        return result
    }
}

/// The lines of a log buffer with their numbers, bytes (without line ending) and job id.
struct LogLines: Sequence, IteratorProtocol {
    struct Line {
        var number: Int
        var bytes: [UInt8]
        var jobID: String?
    }

    let source: LogBytes
    var position = 0
    var number = 0

    init(_ source: LogBytes) {
        self.source = source
    }

    mutating func next() -> Line? {
        let buffer = source.buffer
        guard position < buffer.count else { return nil }
        number += 1
        var end = position
        while end < buffer.count, buffer[end] != 0x0A { end += 1 }
        var contentEnd = end
        if contentEnd > position, buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        let range = position..<contentEnd
        position = end + 1
        var id: String?
        if let fields = LineScanner.scan(buffer, range), let scan = fields.id, !scan.contents.isEmpty {
            id = JSONReader.decode(buffer, scan)
        }
        return Line(number: number, bytes: Array(UnsafeRawBufferPointer(rebasing: buffer[range])), jobID: id)
    }
}
