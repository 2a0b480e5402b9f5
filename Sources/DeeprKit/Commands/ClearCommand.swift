import Foundation

/// `clear`: empties the log after confirmation, keeping a timestamped backup beside it.
public struct ClearCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "clear",
        summary: "empty the job log, keeping a timestamped backup beside it",
        flags: [FlagSpec("yes", short: "y", help: "do not ask for confirmation (needed in scripts)")],
        details: """
            The old content is first copied to job_log.jsonl.backup-YYYYMMDDTHHMMSSZ in the
            same folder, and the backup's name is printed. Jobs that other programs append
            while the log is being cleared are kept.
            """)

    let yes: Bool

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        yes = arguments.has("yes")
    }

    public func run(in session: Session) throws -> ExitStatus {
        let log = try session.store.current()
        guard session.store.exists, log.lineCount > 0 else {
            session.note("the log \(session.settings.logPath) is already empty")
            return .success
        }
        if !yes {
            guard session.canPrompt else {
                throw DeeprError.usage("clear needs --yes when not on a terminal", hint: "the old content is kept as a backup either way")
            }
            guard session.askConfirmation("Remove all \(log.jobs.count) jobs from \(session.settings.logPath)? A backup is kept.") else {
                session.note("the log was not changed")
                return .success
            }
        }

        let stamp = Timestamp.now().iso8601.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .prefix(15)
        let backupPath = session.settings.logPath + ".backup-\(stamp)Z"
        var removed = 0
        try LogWriter(path: session.settings.logPath).rewrite { current in
            let data = Data(UnsafeRawBufferPointer(current.bytes.buffer))
            let descriptor = open(backupPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw LogError.unwritable(path: backupPath, reason: String(cString: strerror(errno)))
            }
            defer { close(descriptor) }
            try LogWriter.writeAll(descriptor, [UInt8](data), path: backupPath)
            guard fsync(descriptor) == 0 else { throw LogError.unwritable(path: backupPath, reason: String(cString: strerror(errno))) }

            var edit = LogEdit()
            for number in 1...max(1, current.lineCount) { edit.replacements[number] = .some(nil) }
            removed = current.jobs.count
            return edit
        }
        session.store.invalidate()
        session.out.line("removed \(removed) job\(removed == 1 ? "" : "s"); the old log is kept as \(backupPath)")
        return .success
    }
}
