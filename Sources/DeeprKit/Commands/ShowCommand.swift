import Foundation

/// `show REF` / `details REF`: everything known about one job, from the log and, unless
/// `--local`, from the API.
public struct ShowCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "show", aliases: ["details", "info"],
        summary: "show one job: log fields plus the API's response (status, tokens, cost, errors)",
        positionals: [PositionalSpec("REF", .jobReference, minimum: 1)],
        flags: [
            FlagSpec("local", short: "l", help: "use only the job log; do not contact the API"),
            FlagSpec("fresh", help: "fetch the response again even if this session already has it"),
            FlagSpec("json", help: "print the job, its whole log line and the API response as JSON"),
        ],
        details: """
            Without --local, the response is fetched from the API once per session (again
            with --fresh) and merged with the log's fields. Without an API key, show uses
            the log alone and says so on stderr.
            """)

    let reference: String
    let localOnly: Bool
    let fresh: Bool
    let json: Bool

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        reference = arguments.positionals[0]
        localOnly = arguments.has("local")
        fresh = arguments.has("fresh")
        json = arguments.has("json")
    }

    public func run(in session: Session) throws -> ExitStatus {
        let job = try JobReference.resolve(reference, in: session)
        var remote: APIResponse?
        var remoteProblem: String?

        if !localOnly {
            if session.apiKey == nil {
                session.note("OPENAI_API_KEY is not set, so this shows the log's data only (use --local to skip this note)")
            } else {
                do {
                    remote = try session.fetchResponse(id: job.id, fresh: fresh)
                } catch {
                    let presented = DeeprError.from(error)
                    if presented.status == .auth { throw presented }
                    remoteProblem = presented.message
                    session.warning("could not fetch the response: \(presented.message); showing the log's data")
                }
            }
        }

        if json {
            printJSON(job, remote: remote, session: session)
        } else {
            JobDetailsRenderer(session: session).render(job, remote: remote, remoteProblem: remoteProblem)
        }
        session.lastListing = [job.id]
        return .success
    }

    private func printJSON(_ job: Job, remote: APIResponse?, session: Session) {
        let writer = JobRecordWriter(prices: session.prices, reports: ReportLocator(directory: session.settings.reportsDirectory))
        var bytes: [UInt8] = []
        writer.appendJSON(job, into: &bytes)
        guard var object = (try? JSONParser.parse(bytes: bytes))?.objectValue else { return }
        object["log_record"] = .object(job.record)
        object["remote"] = remote.map { .object($0.raw) } ?? .null
        if let remote {
            object["report_text_length"] = .number(String(remote.reportText.count))
            object["web_searches"] = .number(String(remote.webSearchCount))
            if let cost = session.prices.cost(model: remote.model ?? job.model, usage: remote.usage, webSearches: remote.webSearchCount) {
                object["cost_usd"] = .number(String(format: "%.6f", cost))
            }
        }
        session.out.line(JSONWriter.string(.object(object), style: .pretty))
    }
}
