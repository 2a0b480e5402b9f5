import Foundation

/// `export csv|tsv|json|jsonl [--output FILE] [filters]`: the filtered jobs in a machine format.
public struct ExportCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "export",
        summary: "write the filtered jobs as CSV, TSV, JSON or JSON Lines",
        positionals: [PositionalSpec("FORMAT", .choice(["csv", "tsv", "json", "jsonl"]), minimum: 1)],
        flags: [FlagSpec("output", short: "o", value: .path, help: "write to FILE instead of stdout (replaced atomically)")]
            + JobFilter.flags,
        details: """
            Every matching job, newest first. CSV follows RFC 4180: a header row, CRLF
            record ends, and fields with commas, quotes or line breaks quoted, with inner
            quotes doubled. Cells are never altered, so a prompt that starts with '=' stays
            as it is: import the file as text in a spreadsheet. Unknown token counts and
            costs are empty cells.
            """)

    let format: JobRecordWriter.Format
    let output: String?
    let filterArguments: ParsedArguments

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        guard let format = JobRecordWriter.Format(rawValue: arguments.positionals[0]) else {
            throw .usage("unknown export format '\(arguments.positionals[0])'", hint: "formats: csv, tsv, json, jsonl")
        }
        self.format = format
        output = arguments.value("output")
        filterArguments = arguments
        _ = try JobFilter(arguments, now: Timestamp.now())
    }

    public func run(in session: Session) throws -> ExitStatus {
        let filter = try JobFilter(filterArguments, now: session.clock())
        let jobs = JobSort.newestFirst(try session.store.current().jobs.filter(filter.matches))
        let writer = JobRecordWriter(prices: session.prices, reports: ReportLocator(directory: session.settings.reportsDirectory))
        guard let output else {
            writer.write(jobs, format: format, to: session.out)
            return .success
        }
        let sink = OutputSink.capture()
        writer.write(jobs, format: format, to: sink)
        sink.flush()
        try ReportFiles.writeAtomically(sink.capturedText, to: output)
        session.note("wrote \(jobs.count) job\(jobs.count == 1 ? "" : "s") to \(output)")
        return .success
    }
}
