/// Prints jobs as the shell's tables: numbered rows with a short id, status, creation time,
/// age, model and the prompt's first line.
struct JobTableRenderer {
    let session: Session

    /// Splits jobs into the groups of `list --all`, keeping their order.
    static func group(_ jobs: [Job]) -> [(String, [Job])] {
        let active = jobs.filter(\.isActive)
        let completed = jobs.filter { $0.status.isCompleted }
        let other = jobs.filter { $0.status.isTerminal && !$0.status.isCompleted }
        return [("Active", active), ("Completed", completed), ("Failed, cancelled and other final states", other)]
    }

    /// The id as shown in tables: the first 12 characters after `resp_`, which the
    /// reference rules accept as a prefix.
    static func shortID(_ id: String) -> String {
        if id.hasPrefix("resp_") {
            return String(id.dropFirst(5).prefix(12))
        }
        return String(id.prefix(17))
    }

    /// Prints the groups and returns the row ids in display order.
    func render(groups: [(String, [Job])], showEmptyGroups: Bool) -> [String] {
        var ids: [String] = []
        let now = session.clock()
        var first = true
        for (title, jobs) in groups {
            if jobs.isEmpty, !showEmptyGroups { continue }
            if !first { session.out.line() }
            first = false
            session.out.line(session.style("\(title) (\(jobs.count))", .bold, for: session.out))
            if jobs.isEmpty {
                session.out.line("  (none)")
                continue
            }
            var table = Table(columns: [
                .init("#", alignRight: true), .init("ID"), .init("STATUS"), .init("CREATED"), .init("AGE", alignRight: true),
                .init("MODEL"), .init("PROMPT", flexible: true),
            ])
            for job in jobs {
                ids.append(job.id)
                let prompt = JobTableRenderer.summaryLine(job.prompt)
                table.append([
                    String(ids.count), JobTableRenderer.shortID(job.id), job.status.rawValue,
                    job.createdAt.map { TimeText.local($0) } ?? "?", job.createdAt.map { TimeText.age($0, now: now) } ?? "?",
                    job.model ?? "-", prompt,
                ], style: JobTableRenderer.style(for: job.status))
            }
            session.out.write(table.render(width: session.terminalWidth, session: session, sink: session.out))
        }
        return ids
    }

    /// The prompt's first non-empty line without Markdown heading marks, for one table cell.
    static func summaryLine(_ prompt: String) -> String {
        for line in prompt.split(whereSeparator: \.isNewline) {
            var text = Substring(line)
            while text.first == "#" { text = text.dropFirst() }
            let trimmed = text.trimmingWhitespace()
            if !trimmed.isEmpty { return trimmed }
        }
        return ""
    }

    func printSummary(_ jobs: [Job]) {
        let active = jobs.filter(\.isActive).count
        let completed = jobs.filter { $0.status.isCompleted }.count
        session.out.line()
        session.out.line("\(active) active, \(completed) completed, \(jobs.count) total")
    }

    static func style(for status: JobStatus) -> Session.TextStyle? {
        switch status.rawValue {
        case "completed": return nil
        case "failed", "expired", "not_found": return .red
        case "cancelled", "incomplete": return .yellow
        default: return .cyan
        }
    }
}
