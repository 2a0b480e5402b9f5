import Foundation

/// `clear`: empties the log after confirmation, keeping a timestamped backup beside it.
public struct ClearCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "clear",
        summary: "empty the job log, keeping a timestamped backup beside it",
        flags: [FlagSpec("yes", short: "y", help: "do not ask for confirmation (needed in scripts)")],
        details: """
            The old content is first copied to job_log.jsonl.backup-YYYYMMDDTHHMMSSZ (UTC)
            in the same folder, with -2, -3, ... added when that name exists, and the
            backup's name is printed. Jobs that other programs append while the log is
            being cleared are kept.
            """)

    let yes: Bool

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        yes = arguments.has("yes")
    }

    public func run(in session: Session) throws -> ExitStatus {
        let logPath = session.settings.logPath
        let writer = LogWriter(path: logPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: writer.directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DeeprError(.runtime, "cannot clear the job log '\(logPath)': the folder '\(writer.directory)' does not exist",
                             hint: "check the path given by --log or DEEPR_JOB_LOG")
        }
        let log = try session.store.current()
        guard session.store.exists, log.lineCount > 0 else {
            session.note("the log \(logPath) is already empty")
            return .success
        }
        if !yes {
            guard session.canPrompt else {
                throw DeeprError.usage("clear needs --yes when not on a terminal", hint: "the old content is kept as a backup either way")
            }
            guard session.askConfirmation("Remove all \(log.jobs.count) jobs from \(logPath)? A backup is kept.") else {
                session.note("the log was not changed")
                return .success
            }
        }

        var backupPath: String?
        var removed = 0
        let result: LogWriter.Result
        do {
            result = try writer.rewrite { current in
                backupPath = try ClearCommand.writeBackup(of: current, logPath: logPath, at: session.clock(), writer: writer)
                var edit = LogEdit()
                for number in 1...max(1, current.lineCount) { edit.replacements[number] = .some(nil) }
                removed = current.jobs.count
                return edit
            }
        } catch {
            // The rewrite throws only when the log was left as it was, so the backup is not needed.
            if let backupPath { unlink(backupPath) }
            throw error
        }
        session.store.invalidate()
        if let warning = result.warning { session.warning(warning) }
        session.out.line("removed \(removed) job\(removed == 1 ? "" : "s"); the old log is kept as \(backupPath ?? "?")")
        return .success
    }

    /// Copies the log as read under the lock to `<log>.backup-YYYYMMDDTHHMMSSZ` (with `-2`,
    /// `-3`, … when that name is taken), syncs it and returns its path. The backup is private
    /// to the user (mode 0600).
    static func writeBackup(of log: JobLog, logPath: String, at time: Timestamp, writer: LogWriter) throws -> String {
        let digits = time.iso8601.filter { $0 != "-" && $0 != ":" }.prefix(15)
        let base = logPath + ".backup-\(digits)Z"
        var candidate = base
        var descriptor: Int32 = -1
        for attempt in 1...1000 {
            candidate = attempt == 1 ? base : base + "-\(attempt)"
            descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            throw LogError.unwritable(path: candidate, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        do {
            try LogWriter.writeAll(descriptor, Array(log.bytes.buffer), path: candidate)
            guard fsync(descriptor) == 0 else {
                throw LogError.unwritable(path: candidate, reason: String(cString: strerror(errno)))
            }
        } catch {
            unlink(candidate)
            throw error
        }
        LogWriter.syncDirectory(writer.directory)
        return candidate
    }
}
