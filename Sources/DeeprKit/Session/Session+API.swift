import Foundation
import CLineEditor

extension Session {
    /// The API client, built on first use. Throws the exit-status-4 error when no key is set.
    public func apiClient() throws -> APIClient {
        if let client = cachedClient { return client }
        guard let key = apiKey else {
            throw DeeprError(.auth, "OPENAI_API_KEY is not set; this command needs the OpenAI API",
                             hint: "export OPENAI_API_KEY=sk-… or put OPENAI_API_KEY=sk-… in \(settings.envFile)")
        }
        let transport = transportFactory(settings.concurrency)
        let client = try APIClient(
            baseURL: settings.baseURL, apiKey: key, organization: environment["OPENAI_ORG_ID"],
            project: environment["OPENAI_PROJECT_ID"], timeout: settings.timeoutSeconds, transport: transport,
            notice: { [weak self] message in self?.note(message); self?.err.flush() })
        cachedClient = client
        return client
    }

    /// The remote response for a job, from this session's cache unless `fresh`.
    public func fetchResponse(id: String, fresh: Bool = false) throws -> APIResponse {
        if !fresh, let cached = remoteCache[id] { return cached }
        let response = try apiClient().retrieve(id: id)
        remoteCache[id] = response
        return response
    }

    /// Whether Ctrl-C was pressed while a command runs.
    public var interrupted: Bool { dm_sigint_pending() != 0 }

    /// Records field changes on the jobs' log lines through the locked writer.
    @discardableResult
    public func recordFields(_ fields: [String: JSONObject]) throws -> LogWriter.Result? {
        guard !fields.isEmpty else { return nil }
        let result = try LogWriter(path: settings.logPath).rewrite { log in
            LogWriter.updates(fields, in: log)
        }
        store.invalidate()
        if let warning = result.warning { self.warning(warning) }
        return result
    }

    /// Asks a yes/no question on the terminal; false when no terminal is attached.
    public func askConfirmation(_ question: String) -> Bool {
        guard canPrompt else { return false }
        return confirm(question)
    }

    /// Applies the colour setting to both sinks: `always`, `never`, or `auto` (a terminal,
    /// `NO_COLOR` unset or empty, or `CLICOLOR_FORCE` set).
    public func applyColorMode() {
        out.stylesEnabled = colorEnabled(for: STDOUT_FILENO)
        err.stylesEnabled = colorEnabled(for: STDERR_FILENO)
    }

    func colorEnabled(for descriptor: Int32) -> Bool {
        switch settings.color {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if let force = environment["CLICOLOR_FORCE"], !force.isEmpty, force != "0" { return true }
            if environment["TERM"] == "dumb" { return false }
            return isatty(descriptor) != 0 && outputIsTerminal(descriptor)
        }
    }

    private func outputIsTerminal(_ descriptor: Int32) -> Bool {
        descriptor == STDOUT_FILENO ? out.isTerminal : err.isTerminal
    }
}

/// Fields recorded on a job's log line when the API reports a change.
enum RemoteFields {
    /// The status, and for a job that ended its model, usage and completion time; never
    /// moves a terminal status back to active.
    static func fields(for response: APIResponse, job: Job) -> JSONObject? {
        var fields = JSONObject()
        let newStatus = response.jobStatus
        if job.status.isTerminal, newStatus.isActive { return nil }
        if newStatus.rawValue != job.status.rawValue {
            fields["status"] = .string(newStatus.rawValue)
        }
        if newStatus.isTerminal {
            if let model = response.model, job.model != model {
                fields["model"] = .string(model)
            }
            if let usage = response.raw["usage"], usage.objectValue != nil {
                fields["usage"] = usage
            }
            if let completed = response.completedAt {
                fields["completed_at"] = .string(completed.iso8601)
            }
            if let reason = response.incompleteReason {
                fields["incomplete_reason"] = .string(reason)
            }
            if let error = response.error {
                fields["error"] = .string([error.code, error.message].compactMap { $0 }.joined(separator: ": "))
            }
            if response.status == "completed", response.reportText.isEmpty {
                fields["report_note"] = .string(response.refusals.isEmpty ? "no report text" : "refused")
            }
        }
        // Only write when something differs from the line.
        let record = job.record
        let differing = fields.entries.filter { record[$0.key] != $0.value }
        return differing.isEmpty ? nil : JSONObject(differing)
    }
}
