import Foundation

/// Writes jobs in the machine formats of `list` and `export`: JSON, JSON Lines, CSV and TSV.
///
/// A JSON job object has `id`, `status`, `created_at` (ISO 8601 UTC with the log's
/// microseconds, or null), `model`, `prompt` (the displayed prompt, whole), `tags`, `usage`
/// (the log's object, or null), `cost_usd` (or null when unknown or unpriced),
/// `report_path` (or null) and `line` (the job's line number in the log).
public struct JobRecordWriter {
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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 17)

        func drain(_ force: Bool = false) {
            if force || bytes.count >= 1 << 16 {
                sink.write(bytes: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }

        switch format {
        case .json:
            bytes.append(UInt8(ascii: "["))
            for (index, job) in jobs.enumerated() {
                bytes.append(contentsOf: index == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                appendJSON(job, into: &bytes)
                drain()
            }
            bytes.append(contentsOf: jobs.isEmpty ? [UInt8(ascii: "]"), 0x0A] : [0x0A, UInt8(ascii: "]"), 0x0A])
        case .jsonl:
            for job in jobs {
                appendJSON(job, into: &bytes)
                bytes.append(0x0A)
                drain()
            }
        case .csv, .tsv:
            let separator = format == .csv ? "," : "\t"
            bytes.append(contentsOf: (JobRecordWriter.csvColumns.joined(separator: separator) + (format == .csv ? "\r\n" : "\n")).utf8)
            for job in jobs {
                let cells = csvCells(job)
                let line: String
                if format == .csv {
                    line = cells.map(CSV.quote).joined(separator: ",") + "\r\n"
                } else {
                    line = cells.map(CSV.tsvCell).joined(separator: "\t") + "\n"
                }
                bytes.append(contentsOf: line.utf8)
                drain()
            }
        }
        drain(true)
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

    /// Appends one job object; copies the log's string bytes when they are already valid
    /// JSON, which keeps large exports fast.
    func appendJSON(_ job: Job, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.writeString(job.id, into: &bytes, asciiOnly: false)
        bytes.append(contentsOf: #","status":"#.utf8)
        JSONWriter.writeString(job.status.rawValue, into: &bytes, asciiOnly: false)
        bytes.append(contentsOf: #","created_at":"#.utf8)
        if let created = job.createdAt {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: created.iso8601.utf8)
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        bytes.append(contentsOf: #","model":"#.utf8)
        if let model = job.model {
            JSONWriter.writeString(model, into: &bytes, asciiOnly: false)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }

        bytes.append(contentsOf: #","prompt":"#.utf8)
        if let field = job.displayedPromptField, !field.scan.needsRepair {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: job.bytes.buffer[field.scan.contents]))
            bytes.append(UInt8(ascii: "\""))
        } else {
            JSONWriter.writeString(job.prompt, into: &bytes, asciiOnly: false)
        }

        bytes.append(contentsOf: #","tags":["#.utf8)
        for (index, tag) in job.tags.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(tag, into: &bytes, asciiOnly: false)
        }
        bytes.append(UInt8(ascii: "]"))

        bytes.append(contentsOf: #","usage":"#.utf8)
        var usage: TokenUsage?
        if let raw = job.usageJSONBytes {
            if raw.contains(UInt8(ascii: "N")) || raw.contains(UInt8(ascii: "I")) {
                // NaN or Infinity inside: rewrite as standard JSON.
                let value = (try? JSONParser.parse(bytes: raw)) ?? .null
                JSONWriter.write(value, into: &bytes, style: .compact)
            } else {
                bytes.append(contentsOf: raw)
            }
            usage = job.usage
        } else {
            bytes.append(contentsOf: "null".utf8)
        }

        bytes.append(contentsOf: #","cost_usd":"#.utf8)
        if let cost = prices.cost(model: job.model, usage: usage, webSearches: nil) {
            bytes.append(contentsOf: String(format: "%.6f", cost).utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }

        bytes.append(contentsOf: #","report_path":"#.utf8)
        if let path = reports.path(for: job) {
            JSONWriter.writeString(path, into: &bytes, asciiOnly: false)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        bytes.append(contentsOf: #","line":"#.utf8)
        bytes.append(contentsOf: String(job.lineNumber).utf8)
        bytes.append(UInt8(ascii: "}"))
    }
}

/// Finds downloaded reports: the log's `report_path`, else `report_<id>.txt` (or `.md`) in
/// the reports folder. The folder is listed once, not probed per job.
public final class ReportLocator: @unchecked Sendable {
    let directory: String
    private lazy var names: Set<String> = {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
    }()

    public init(directory: String) {
        self.directory = directory
    }

    public func path(for job: Job) -> String? {
        if let path = job.reportPath { return path }
        for suffix in ["txt", "md"] {
            let name = "report_\(job.id).\(suffix)"
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
