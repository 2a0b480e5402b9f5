import Foundation

/// The filters shared by `list`, `search`, `export` and `cancel --active`.
public struct JobFilter: Sendable {
    public var statuses: Set<String> = []
    public var activeOnly = false
    public var models: [String] = []
    public var since: Timestamp?
    public var until: Timestamp?
    public var grep: String?
    public var tags: [String] = []

    public static let flags: [FlagSpec] = [
        FlagSpec("status", short: "s", value: .status, repeatable: true,
                 help: "only jobs with these statuses (comma-separated or repeated)"),
        FlagSpec("active", help: "only active jobs (submitted, queued, in_progress, requires_action, unknown)"),
        FlagSpec("model", short: "m", value: .model, repeatable: true,
                 help: "only jobs whose model starts with MODEL (so o3-deep-research matches dated snapshots)"),
        FlagSpec("since", value: .date, help: "only jobs created at or after WHEN: a date, a time, or an age such as 30m, 2h, 7d"),
        FlagSpec("until", value: .date, help: "only jobs created at or before WHEN; a date alone includes that whole day"),
        FlagSpec("grep", short: "g", value: .text, help: "only jobs whose prompts contain TEXT, ignoring case"),
        FlagSpec("tag", short: "t", value: .tag, repeatable: true, help: "only jobs with this tag (repeat to require several)"),
    ]

    public init() {}

    public init(_ arguments: ParsedArguments, now: Timestamp) throws(DeeprError) {
        statuses = Set(arguments.values("status"))
        activeOnly = arguments.has("active")
        models = arguments.values("model")
        tags = arguments.values("tag", splitCommas: false)
        grep = arguments.value("grep")
        if let text = arguments.value("since") {
            since = try DateArgument.parse(text, flag: "since", now: now, endOfDay: false)
        }
        if let text = arguments.value("until") {
            until = try DateArgument.parse(text, flag: "until", now: now, endOfDay: true)
        }
    }

    public var isEmpty: Bool {
        statuses.isEmpty && !activeOnly && models.isEmpty && since == nil && until == nil && grep == nil && tags.isEmpty
    }

    public func matches(_ job: Job) -> Bool {
        if !statuses.isEmpty, !statuses.contains(job.status.rawValue) { return false }
        if activeOnly, !job.isActive { return false }
        if !models.isEmpty {
            guard let model = job.model, models.contains(where: { model.hasPrefix($0) }) else { return false }
        }
        if let since {
            guard let created = job.createdAt, created >= since else { return false }
        }
        if let until {
            guard let created = job.createdAt, created <= until else { return false }
        }
        if !tags.isEmpty, !tags.allSatisfy(job.tags.contains) { return false }
        if let grep, !grep.isEmpty {
            guard job.allPrompts.contains(where: { $0.range(of: grep, options: [.caseInsensitive, .diacriticInsensitive]) != nil }) else {
                return false
            }
        }
        return true
    }
}

/// Dates and ages given to `--since`, `--until` and `prune --older-than`.
///
/// Accepted: an ISO 8601 time (`2025-07-05T18:00`, with or without an offset; without one it
/// is read in the local time zone), a date alone (`2025-07-05`, a calendar day in the local
/// time zone, set by TZ), or an age relative to now (`90s`, `30m`, `2h`, `7d`, `2w`).
public enum DateArgument {
    public static func parse(_ text: String, flag: String, now: Timestamp, endOfDay: Bool) throws(DeeprError) -> Timestamp {
        if let age = parseAge(text) {
            return Timestamp(microseconds: now.microseconds - age)
        }
        if let local = parseLocal(text, endOfDay: endOfDay) {
            return local
        }
        throw .usage("invalid date '\(text)' for --\(flag)",
                     hint: "use a date (2025-07-05), a time (2025-07-05T18:00) or an age (30m, 2h, 7d)")
    }

    /// Parses an age such as `30m` into microseconds.
    public static func parseAge(_ text: String) -> Int64? {
        guard let unit = text.last, let number = Double(text.dropLast()), number >= 0, number.isFinite else {
            return nil
        }
        let seconds: Double
        switch unit {
        case "s": seconds = number
        case "m": seconds = number * 60
        case "h": seconds = number * 3600
        case "d": seconds = number * 86_400
        case "w": seconds = number * 7 * 86_400
        default: return nil
        }
        guard seconds < 1e11 else { return nil }
        return Int64(seconds * 1_000_000)
    }

    /// A date or date-time in the local zone, or with its own offset.
    static func parseLocal(_ text: String, endOfDay: Bool) -> Timestamp? {
        let trimmed = text.trimmingWhitespace()
        // Only calendar forms: a bare number would otherwise read as Unix seconds.
        guard trimmed.count >= 10, trimmed.utf8.count >= 10,
            trimmed.utf8.dropFirst(4).first == UInt8(ascii: "-")
        else { return nil }
        let isDateOnly = trimmed.count == 10
        let hasOffset = trimmed.count > 10 && (trimmed.hasSuffix("Z") || trimmed.hasSuffix("z")
            || trimmed.dropFirst(10).contains("+") || trimmed.dropFirst(16).contains("-"))
        guard let utc = Timestamp.parse(trimmed) else { return nil }
        if hasOffset { return utc }

        // Read the wall-clock fields in the local time zone.
        let seconds = time_t(utc.microseconds / 1_000_000)
        var fields = tm()
        var copy = seconds
        gmtime_r(&copy, &fields)
        fields.tm_isdst = -1
        let local = mktime(&fields)
        var result = Timestamp(microseconds: Int64(local) * 1_000_000 + utc.microseconds % 1_000_000)
        if isDateOnly, endOfDay {
            // The whole day: up to the last microsecond before the next local midnight.
            fields = tm()
            copy = seconds
            gmtime_r(&copy, &fields)
            fields.tm_mday += 1
            fields.tm_isdst = -1
            result = Timestamp(microseconds: Int64(mktime(&fields)) * 1_000_000 - 1)
        }
        return result
    }
}
