import Foundation

/// Writes jobs in the machine formats of `list` and `export`: JSON, JSON Lines, CSV and TSV.
///
/// A JSON job object has `id`, `status`, `created_at` (ISO 8601 UTC with the log's
/// microseconds, or null), `model`, `prompt` (the displayed prompt, whole), `tags`, `usage`
/// (the log's object, or null), `cost_usd` (or null when unknown or unpriced),
/// `report_path` (or null) and `line` (the job's line number in the log).
public struct JobRecordWriter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case json, jsonl, csv, tsv
    }

    let prices: PriceTable
    let reports: ReportLocator

    public init(prices: PriceTable, reports: ReportLocator) {
        self.prices = prices
        self.reports = reports
    }

    public static let csvColumns = ["id", "status", "created_at", "model", "prompt", "tags", "input_tokens",
                                    "output_tokens", "total_tokens", "cost_usd", "report_path"]

    public func write(_ jobs: [Job], format: Format, to sink: OutputSink) {
        _ = write(jobs, order: nil, format: format, to: sink, collectingIDs: false)
    }

    /// Writes `log.jobs` in `order` (indices into it) in `format` and returns their ids in
    /// that order.
    func write(_ log: JobLog, order: [Int], format: Format, to sink: OutputSink) -> [String] {
        write(log.jobs, order: order, denseTables: log.denseTables, format: format, to: sink, collectingIDs: true)
    }

    /// Writes `jobs[order[0]], jobs[order[1]], …` (or `jobs` in order when `order` is
    /// nil) in `format`. Returns their ids in the same order when `collectingIDs` is set,
    /// gathered while writing, else an empty array.
    func write(_ jobs: [Job], order: [Int]?, denseTables: [JobTable]? = nil, format: Format, to sink: OutputSink,
               collectingIDs: Bool) -> [String]
    {
        let listing = JSONListing(prices: prices, reports: reports)
        switch format {
        case .json:
            let count = order?.count ?? jobs.count
            sink.write(bytes: Array("[".utf8))
            let ids = listing.write(jobs, order: order, denseTables: denseTables, leading: "\n", separator: ",\n",
                                    terminator: "", to: sink, collectingIDs: collectingIDs)
            sink.write(bytes: Array((count == 0 ? "]\n" : "\n]\n").utf8))
            return ids
        case .jsonl:
            return listing.write(jobs, order: order, denseTables: denseTables, leading: "", separator: "",
                                 terminator: "\n", to: sink, collectingIDs: collectingIDs)
        case .csv, .tsv:
            let output = ByteBlock(capacity: 1 << 18) { sink.write(bytes: $0) }
            let separator = format == .csv ? "," : "\t"
            output.append(string: JobRecordWriter.csvColumns.joined(separator: separator) + (format == .csv ? "\r\n" : "\n"))
            var ids: [String] = []
            for position in 0..<(order?.count ?? jobs.count) {
                let job = jobs[order?[position] ?? position]
                let cells = csvCells(job)
                let line: String
                if format == .csv {
                    line = cells.map(CSV.quote).joined(separator: ",") + "\r\n"
                } else {
                    line = cells.map(CSV.tsvCell).joined(separator: "\t") + "\n"
                }
                output.append(string: line)
                if collectingIDs { ids.append(job.id) }
            }
            output.flush()
            return ids
        }
    }

    func csvCells(_ job: Job) -> [String] {
        let usage = job.usage
        let cost = prices.cost(model: job.model, usage: usage, webSearches: nil)
        return [
            job.id, job.status.rawValue, job.createdAt?.iso8601 ?? "", job.model ?? "", job.prompt,
            job.tags.joined(separator: ";"),
            usage?.inputTokens.map(String.init) ?? "", usage?.outputTokens.map(String.init) ?? "",
            usage?.totalTokens.map(String.init) ?? "", cost.map { String(format: "%.4f", $0) } ?? "",
            reports.path(for: job) ?? "",
        ]
    }

    /// Appends one job object, as `list --json` writes it.
    func appendJSON(_ job: Job, into bytes: inout [UInt8]) {
        let output = ByteBlock(capacity: 4096, drain: nil)
        JSONListing(prices: prices, reports: reports).append(job, into: output)
        bytes.append(contentsOf: output.bytes)
    }
}

/// Finds downloaded reports: the log's `report_path`, else `report_<id>.txt` (or `.md`) in
/// the reports folder. The folder is listed once, when the locator is made, not probed per
/// job.
public final class ReportLocator: Sendable {
    let directory: String
    private let names: Set<String>

    public init(directory: String) {
        self.directory = directory
        names = Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
    }

    /// Whether the reports folder has no files (or does not exist).
    var isEmpty: Bool { names.isEmpty }

    public func path(for job: Job) -> String? {
        path(forID: job.id, reportPath: job.reportPath)
    }

    func path(forID id: String, reportPath: String?) -> String? {
        if let reportPath { return reportPath }
        if names.isEmpty { return nil }
        for suffix in ["txt", "md"] {
            let name = "report_\(id).\(suffix)"
            if names.contains(name) { return (directory as NSString).appendingPathComponent(name) }
        }
        return nil
    }
}

/// RFC 4180 quoting.
public enum CSV {
    /// Quotes a field when it contains a comma, quote, CR or LF, doubling inner quotes.
    /// Fields are not otherwise changed, so a prompt starting with `=` round-trips as text;
    /// spreadsheet users should import the file as text (see `help formats`).
    public static func quote(_ field: String) -> String {
        var needsQuotes = false
        for byte in field.utf8 where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// TSV has no quoting: tabs and line breaks inside a field become spaces.
    public static func tsvCell(_ field: String) -> String {
        var result = ""
        for scalar in field.unicodeScalars {
            if scalar == "\t" || scalar == "\n" || scalar == "\r" {
                result.unicodeScalars.append(" ")
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
