import CLineEditor
import Foundation

/// The interactive shell: start-up (prune, refresh, summary), then one command per line with
/// history and completion until `exit` or Ctrl-D.
///
/// With libedit when stdin and stdout are terminals; otherwise lines are read plainly, with
/// no prompt and no escape codes, and TAB is ordinary whitespace.
public final class InteractiveShell {
    let session: Session
    let history: HistoryFile?

    public init(session: Session) {
        self.session = session
        if let path = session.settings.historyPath {
            history = HistoryFile(path: path, limit: session.settings.historyLimit)
        } else {
            history = nil
        }
    }

    public func run() -> Int32 {
        session.isInteractive = true
        if let warning = history?.load() { session.warning(warning) }
        session.history = history?.entries ?? []
        dm_install_sigint_handler()

        startUp()

        let useEditor = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
        session.canPrompt = useEditor
        if useEditor {
            return runWithEditor()
        }
        if isatty(STDIN_FILENO) != 0 {
            session.note("stdout is not a terminal, so line editing and the prompt are off; type commands, one per line")
        }
        return runPlain()
    }

    /// manager.py's start-up: prune old completed jobs, refresh active ones, show the summary.
    func startUp() {
        if session.settings.retentionDays > 0, !session.settings.noPrune {
            do {
                let age = Int64(session.settings.retentionDays) * 86_400_000_000
                let result = try Pruner(session: session).prune(olderThan: age, statuses: ["completed"], dryRun: false)
                if !result.jobs.isEmpty {
                    session.note("moved \(result.jobs.count) completed job\(result.jobs.count == 1 ? "" : "s") older than \(session.settings.retentionDays) days to \(LogWriter(path: session.settings.logPath).archivePath)")
                }
            } catch {
                session.error(DeeprError.from(error))
            }
        }

        do {
            let active = try session.store.current().jobs.filter(\.isActive)
            if !active.isEmpty {
                if session.apiKey == nil {
                    session.note("OPENAI_API_KEY is not set, so \(active.count) active job\(active.count == 1 ? " was" : "s were") not refreshed")
                } else {
                    let outcome = try RefreshEngine(session: session).refresh(active, showProgress: true)
                    for line in outcome.changeLines { session.out.line(line) }
                }
            }
        } catch {
            session.error(DeeprError.from(error))
        }
        _ = dm_take_sigint()

        do {
            let list = try ListCommand(CommandParser().parse([], for: ListCommand.spec))
            _ = try list.run(in: session)
        } catch {
            session.error(DeeprError.from(error))
        }
        if !session.store.exists {
            session.note("the job log \(session.settings.logPath) does not exist yet; it is created on the first write")
        }
        session.out.flush()
        session.err.flush()
    }

    private func prompt() -> String {
        let active = (try? session.store.current().jobs.filter(\.isActive).count) ?? 0
        return "deepr (\(active) active)> "
    }

    private func runWithEditor() -> Int32 {
        guard let editor = LineEditor(completer: Completer(session: session), output: session.out) else {
            session.warning("line editing is not available on this terminal")
            return runPlain()
        }
        editor.setHistory(session.history)
        session.confirm = { question in
            guard case .line(let answer) = editor.read(prompt: "\(question) [y/N] ") else { return false }
            return ["y", "yes"].contains(answer.trimmingWhitespace().lowercased())
        }

        while !session.shouldExit {
            session.out.flush()
            session.err.flush()
            switch editor.read(prompt: prompt()) {
            case .interrupted:
                FileHandle.standardOutput.write(Data("\n".utf8))
                continue
            case .endOfInput:
                FileHandle.standardOutput.write(Data("\n".utf8))
                saveHistory()
                return 0
            case .line(let line):
                if record(line) { editor.addHistory(line) }
                runLine(line)
            }
        }
        saveHistory()
        return session.requestedExitCode
    }

    private func runPlain() -> Int32 {
        let reader = LineReader(descriptor: STDIN_FILENO)
        while !session.shouldExit, let line = reader.next() {
            let text = line.hasSuffix("\r") ? String(line.dropLast()) : line
            record(text)
            runLine(text)
        }
        saveHistory()
        return session.requestedExitCode
    }

    /// Adds a line to the history file; returns whether it was recorded.
    @discardableResult
    private func record(_ line: String) -> Bool {
        guard let history, history.add(line) else { return false }
        session.history = history.entries
        saveHistory()
        return true
    }

    private func saveHistory() {
        if let warning = history?.save() { session.warning(warning) }
    }

    private func runLine(_ line: String) {
        _ = dm_take_sigint()
        do {
            let status = try session.execute(line: line)
            if status == .interrupted { session.note("interrupted") }
        } catch {
            session.error(DeeprError.from(error))
        }
        _ = dm_take_sigint()
        session.out.flush()
        session.err.flush()
    }
}
