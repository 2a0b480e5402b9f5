import Foundation

/// The human form of `show`: one field per line, then the full prompts.
struct JobDetailsRenderer {
    let session: Session

    func render(_ job: Job, remote: APIResponse?, remoteProblem: String?) {
        let now = session.clock()
        var rows: [(String, String)] = []
        let record = job.record

        rows.append(("ID", job.id))
        var status = job.status.rawValue
        if let remote {
            status = remote.displayStatus
            if remote.status != job.status.rawValue {
                status += "  (log says \(job.status.rawValue); run 'refresh' to record it)"
            }
        }
        rows.append(("Status", status))

        if let created = job.createdAt {
            rows.append(("Created", "\(TimeText.local(created, seconds: true)) (\(TimeText.age(created, now: now)) ago)"))
        } else if let text = record["timestamp"] {
            rows.append(("Created", "unreadable timestamp \(JSONWriter.string(text))"))
        }
        if let remote {
            rows.append(("API created", "\(TimeText.local(remote.createdAt, seconds: true))"))
            if let completed = remote.completedAt {
                let took = TimeText.duration(seconds: completed.seconds - remote.createdAt.seconds)
                rows.append(("Completed", "\(TimeText.local(completed, seconds: true)) (took \(took))"))
            }
        }

        rows.append(("Model", remote?.model ?? job.model ?? "-"))
        if let temperature = remote?.temperature ?? record["temperature"]?.doubleValue {
            rows.append(("Temperature", String(temperature)))
        }

        let usage = remote?.usage ?? job.usage
        rows.append(("Tokens", JobDetailsRenderer.tokens(usage)))
        let searches = remote?.webSearchCount
        let model = remote?.model ?? job.model
        if session.prices.price(for: model) == nil {
            rows.append(("Cost", model == nil ? "unknown (no model recorded)" : "unpriced model \(model!)"))
        } else if let cost = session.prices.cost(model: model, usage: usage, webSearches: searches) {
            let searchNote = searches.map { ", including \($0) web search\($0 == 1 ? "" : "es")" } ?? ""
            rows.append(("Cost", "\(PriceTable.format(cost)) (estimate\(searchNote))"))
        } else if usage == nil {
            rows.append(("Cost", "unknown (no token usage recorded)"))
        } else {
            rows.append(("Cost", "unknown (no input/output token split)"))
        }
        if let searches { rows.append(("Web searches", String(searches))) }

        if let remote {
            if let error = remote.error {
                rows.append(("Error", [error.code, error.message].compactMap { $0 }.joined(separator: ": ")))
            }
            if let reason = remote.incompleteReason {
                rows.append(("Incomplete", reason))
            }
            for refusal in remote.refusals {
                rows.append(("Refusal", refusal))
            }
            if remote.status == "completed", remote.reportText.isEmpty, remote.refusals.isEmpty {
                rows.append(("Report text", "none: the response holds no report text"))
            }
        } else if let remoteProblem {
            rows.append(("API", "unavailable: \(remoteProblem)"))
        }

        if !job.tags.isEmpty { rows.append(("Tags", job.tags.joined(separator: ", "))) }
        if let path = ReportLocator(directory: session.settings.reportsDirectory).path(for: job) {
            rows.append(("Report file", path))
        }
        rows.append(("Log line", "\(job.lineNumber) of \(session.store.path)"))

        let known: Set<String> = ["response_id", "status", "timestamp", "prompt", "refined_prompt", "original_prompt",
                                  "model", "temperature", "usage", "tags", "report_path"]
        for (key, value) in record.entries where !known.contains(key) {
            rows.append((key, value.stringValue ?? JSONWriter.string(value)))
        }

        let width = rows.reduce(0) { max($0, CellWidth.of($1.0)) }
        for (label, value) in rows {
            let name = session.style(CellWidth.pad(label, to: width), .bold, for: session.out)
            session.out.line("\(name)  \(TerminalText.sanitize(value))")
        }

        for (label, key) in [("Refined prompt", "refined_prompt"), ("Prompt", "prompt"), ("Original prompt", "original_prompt")] {
            guard let text = record[key]?.stringValue, !text.isEmpty else { continue }
            session.out.line()
            session.out.line(session.style(label + ":", .bold, for: session.out))
            for line in TerminalText.sanitize(text, .multiLine).split(separator: "\n", omittingEmptySubsequences: false) {
                session.out.line("  " + line)
            }
        }
    }

    static func tokens(_ usage: TokenUsage?) -> String {
        guard let usage else { return "unknown" }
        func number(_ value: Int64?) -> String {
            guard let value else { return "-" }
            return NumberText.grouped(value)
        }
        return "input \(number(usage.inputTokens)) (cached \(number(usage.cachedTokens))), "
            + "output \(number(usage.outputTokens)) (reasoning \(number(usage.reasoningTokens))), "
            + "total \(number(usage.totalTokens))"
    }
}

/// Numbers for people: `48,213`.
enum NumberText {
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }
}
