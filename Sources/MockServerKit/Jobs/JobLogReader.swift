import Foundation

/// A job as a deepr job log records it.
public struct LoggedJob: Sendable {
    public var id: String
    /// The `status` string, or `nil` when the line has none.
    public var status: String?
    public var prompt: String
    public var model: String?
    /// The line's `timestamp` in Unix seconds, or `nil` when it is missing or unreadable.
    public var timestamp: Double?

    public init(id: String, status: String?, prompt: String, model: String? = nil, timestamp: Double? = nil) {
        self.id = id
        self.status = status
        self.prompt = prompt
        self.model = model
        self.timestamp = timestamp
    }
}

/// A job log that cannot be read at all. Bad lines inside a readable log are skipped instead.
public struct JobLogError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Reads the jobs of a deepr job log (JSON Lines).
///
/// A line is a job when it is a JSON object with a non-empty string `response_id`. Every other
/// line, including blank, torn and non-UTF-8 lines, is skipped without a message, because the
/// mock only needs the jobs. When an id appears on several lines, the last line wins and the
/// job keeps the position of its first line.
public enum JobLogReader {
    public static func read(path: String) throws(JobLogError) -> [LoggedJob] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobLogError(description: "cannot read job log '\(path)'")
        }

        var order: [String] = []
        var jobs: [String: LoggedJob] = [:]
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            guard let job = parseLine(Data(line)) else {
                continue
            }
            if jobs[job.id] == nil {
                order.append(job.id)
            }
            jobs[job.id] = job
        }
        return order.compactMap { jobs[$0] }
    }

    /// Returns the job on one line, or `nil` when the line is not a job.
    static func parseLine(_ line: Data) -> LoggedJob? {
        var bytes = line
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes = bytes.dropFirst(3)
        }
        if bytes.last == 0x0D {
            bytes = bytes.dropLast()
        }

        // NOTE: JSONSerialization is used here, unlike elsewhere in the mock, because it comes
        // optimised with the toolchain and keeps seeding from a large log fast in debug builds.
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let id = object["response_id"] as? String, !id.isEmpty
        else {
            return nil
        }

        let prompt =
            ["refined_prompt", "prompt", "original_prompt"]
            .lazy
            .compactMap { object[$0] as? String }
            .first(where: { !$0.isEmpty }) ?? ""
        return LoggedJob(
            id: id,
            status: object["status"] as? String,
            prompt: prompt,
            model: (object["model"] as? String).flatMap { $0.isEmpty ? nil : $0 },
            timestamp: object["timestamp"].flatMap(TimestampParser.unixSeconds))
    }
}
