/// `cancel REF…` / `cancel --active [filters]` (alias `cancel-all`): cancels background jobs.
public struct CancelCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "cancel", aliases: ["cancel-all"],
        summary: "cancel jobs through the API and record the outcome",
        positionals: [PositionalSpec("REF", .jobReference, maximum: nil)],
        flags: [
            FlagSpec("dry-run", short: "n", help: "list the jobs that would be cancelled and change nothing"),
            FlagSpec("yes", short: "y", help: "do not ask for confirmation (needed for bulk cancels in scripts)"),
        ] + JobFilter.flags.filter { $0.name != "active" } + [
            FlagSpec("active", help: "cancel every active job that matches the filters"),
        ],
        details: """
            The log records the status the server reports: cancelling a job that already
            finished records its final status (for example completed), not cancelled.
            Cancelling several jobs asks for confirmation on a terminal and needs --yes
            otherwise. 'cancel-all' is 'cancel --active'.
            """,
        needsAPI: true)

    let references: [String]
    let filterArguments: ParsedArguments
    let all: Bool
    let dryRun: Bool
    let yes: Bool

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        references = arguments.positionals
        filterArguments = arguments
        all = arguments.has("active")
        dryRun = arguments.has("dry-run")
        yes = arguments.has("yes")
        _ = try JobFilter(arguments, now: Timestamp.now())
        if references.isEmpty && !all {
            throw .usage("cancel needs job references or --active", hint: "usage: cancel REF… or cancel --active [filters]")
        }
        if !references.isEmpty && all {
            throw .usage("give job references or --active, not both")
        }
    }

    /// `cancel-all …` means `cancel --active …`.
    public static func expandAlias(_ words: [String]) -> [String] {
        guard words.first == "cancel-all" else { return words }
        return ["cancel", "--active"] + words.dropFirst()
    }

    /// Cancels one job; a 400 means it already finished, so the job is read again and its
    /// final status returned.
    static func cancel(_ id: String, client: APIClient) throws(APIError) -> APIResponse {
        do {
            return try client.cancel(id: id)
        } catch {
            guard error.httpStatus == 400 else { throw error }
            return try client.retrieve(id: id)
        }
    }

    public func run(in session: Session) throws -> ExitStatus {
        var targets: [Job]
        if all {
            let filter = try JobFilter(filterArguments, now: session.clock())
            targets = try session.store.current().jobs.filter { $0.isActive && filter.matches($0) }
        } else {
            targets = try references.map { try JobReference.resolve($0, in: session) }
        }
        if targets.isEmpty {
            session.note("no active jobs match; nothing to cancel")
            return .success
        }

        if dryRun {
            for job in targets {
                session.out.line("would cancel \(job.id)  \(job.status.rawValue)  \(TerminalText.sanitize(String(job.prompt.prefix(60))))")
            }
            return .success
        }

        if targets.count > 1 || all, !yes {
            guard session.canPrompt else {
                throw DeeprError.usage("cancelling \(targets.count) job\(targets.count == 1 ? "" : "s") needs --yes when not on a terminal",
                                       hint: "add --dry-run to see them first")
            }
            guard session.askConfirmation("Cancel \(targets.count) job\(targets.count == 1 ? "" : "s")?") else {
                session.note("nothing was cancelled")
                return .success
            }
        }

        let client = try session.apiClient()
        var fields: [String: JSONObject] = [:]
        var failures = 0
        for job in targets {
            if session.interrupted { break }
            do {
                let response = try CancelCommand.cancel(job.id, client: client)
                session.remoteCache[job.id] = response
                if let changes = RemoteFields.fields(for: response, job: job) { fields[job.id] = changes }
                if response.status == "cancelled" {
                    session.out.line("cancelled \(job.id)")
                } else {
                    session.out.line("\(job.id) had already ended: \(response.displayStatus)")
                }
            } catch {
                if error.isAuthentication { throw error }
                if error.isNotFound {
                    if job.isActive { fields[job.id] = JSONObject([("status", .string("not_found"))]) }
                    session.error(DeeprError(.runtime, "\(job.id): the API has no such response (HTTP 404); marked not_found"))
                } else {
                    session.error(DeeprError(.runtime, "could not cancel \(job.id): \(error.summary); its status stays \(job.status.rawValue)"))
                }
                failures += 1
            }
        }
        try session.recordFields(fields)
        if session.interrupted { return .interrupted }
        return failures > 0 ? .runtime : .success
    }
}
