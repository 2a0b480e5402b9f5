/// `list`: the compact summary by default, every job grouped with `--all`, filters and
/// machine formats.
public struct ListCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "list", aliases: ["ls"],
        summary: "list jobs: the five newest completed by default, --all for every job",
        flags: [FlagSpec("all", short: "a", help: "every job, grouped as active, completed and other final states")]
            + JobFilter.flags + ListCommand.outputFlags,
        details: """
            Without options, shows the five newest completed jobs and a summary line, like
            manager.py. With --all or any filter, shows every matching job, grouped as
            active, completed and other final states (failed, cancelled, expired,
            incomplete, not_found). Row numbers can be used as job references: 'show 2'.
            Machine formats (--json, --jsonl, --csv, --tsv) print the same selection,
            ungrouped, newest first, to stdout.

            Examples:
              list --all --status failed,cancelled
              list --since 7d --grep "heat pump" --json
              list --all --limit 0 --sort model
            """)

    static let outputFlags: [FlagSpec] = [
        FlagSpec("limit", short: "n", value: .integer, help: "show at most N jobs (0 means all; default 5 without --all, else all)"),
        FlagSpec("sort", value: .choice(["created", "-created", "status", "-status", "model", "-model", "cost", "-cost"]),
                 help: "sort by created (default, newest first), status, model or cost; a leading - reverses"),
        FlagSpec("json", help: "print a JSON array of job objects"),
        FlagSpec("jsonl", help: "print one JSON object per line"),
        FlagSpec("csv", help: "print RFC 4180 CSV with a header row"),
        FlagSpec("tsv", help: "print tab-separated values with a header row"),
    ]

    public var showAll: Bool
    public var filterArguments: ParsedArguments
    public var limit: Int?
    public var sort: JobSort
    public var format: JobRecordWriter.Format?

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        showAll = arguments.has("all")
        filterArguments = arguments
        limit = try arguments.integer("limit")
        sort = try JobSort(arguments.value("sort") ?? "-created")
        format = try ListCommand.format(arguments)
        _ = try JobFilter(arguments, now: Timestamp.now())
    }

    static func format(_ arguments: ParsedArguments) throws(DeeprError) -> JobRecordWriter.Format? {
        let chosen = JobRecordWriter.Format.allCases.filter { arguments.has($0.rawValue) }
        guard chosen.count <= 1 else {
            throw .usage("choose one output format, not " + chosen.map { "--\($0.rawValue)" }.joined(separator: " and "))
        }
        return chosen.first
    }

    /// The default listing: the five newest completed jobs.
    public static func defaultSelection(_ jobs: [Job]) -> [Job] {
        let completed = jobs.filter { $0.status.isCompleted }
        return Array(JobSort.newestFirst(completed).prefix(5))
    }

    public func run(in session: Session) throws -> ExitStatus {
        let log = try session.store.current()
        let filter = try JobFilter(filterArguments, now: session.clock())
        let compact = !showAll && filter.isEmpty

        var selected: [Job]
        if compact {
            selected = log.jobs.filter { $0.status.isCompleted }
        } else {
            selected = filter.isEmpty ? log.jobs : log.jobs.filter(filter.matches)
        }
        selected = sort.apply(selected, prices: session.prices)
        let effectiveLimit = limit ?? (compact ? 5 : 0)
        if effectiveLimit > 0, selected.count > effectiveLimit {
            selected = Array(selected.prefix(effectiveLimit))
        }

        if let format {
            let writer = JobRecordWriter(prices: session.prices, reports: ReportLocator(directory: session.settings.reportsDirectory))
            writer.write(selected, format: format, to: session.out)
            session.lastListing = selected.map(\.id)
            return .success
        }

        let renderer = JobTableRenderer(session: session)
        if compact {
            session.lastListing = renderer.render(groups: [("Recent completed jobs", selected)], showEmptyGroups: true)
            renderer.printSummary(log.jobs)
        } else {
            let groups = JobTableRenderer.group(selected)
            session.lastListing = renderer.render(groups: groups, showEmptyGroups: false)
            if selected.isEmpty {
                session.note("no jobs match")
            }
        }
        return .success
    }
}

/// How listings are ordered.
public struct JobSort: Sendable {
    public enum Key: String, Sendable {
        case created, status, model, cost
    }

    public var key: Key
    public var descending: Bool

    public init(_ text: String) throws(DeeprError) {
        descending = text.hasPrefix("-")
        guard let key = Key(rawValue: descending ? String(text.dropFirst()) : text) else {
            throw .usage("invalid sort key '\(text)': expected created, status, model or cost, optionally with a leading -")
        }
        self.key = key
    }

    /// Newest first; jobs without a readable timestamp last.
    public static func newestFirst(_ jobs: [Job]) -> [Job] {
        jobs.sorted { left, right in
            switch (left.createdAt, right.createdAt) {
            case let (l?, r?): return l != r ? l > r : left.lineNumber > right.lineNumber
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return left.lineNumber > right.lineNumber
            }
        }
    }

    public func apply(_ jobs: [Job], prices: PriceTable) -> [Job] {
        switch key {
        case .created:
            let newest = JobSort.newestFirst(jobs)
            return descending ? newest : oldestFirst(jobs)
        case .status:
            return stable(jobs) { $0.status.rawValue < $1.status.rawValue }
        case .model:
            return stable(jobs) { ($0.model ?? "") < ($1.model ?? "") }
        case .cost:
            let costs = Dictionary(jobs.map { ($0.id, prices.cost(model: $0.model, usage: $0.usage, webSearches: nil) ?? -1) },
                                   uniquingKeysWith: { $1 })
            return stable(jobs) { costs[$0.id]! < costs[$1.id]! }
        }
    }

    private func oldestFirst(_ jobs: [Job]) -> [Job] {
        jobs.sorted { left, right in
            switch (left.createdAt, right.createdAt) {
            case let (l?, r?): return l != r ? l < r : left.lineNumber < right.lineNumber
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return left.lineNumber < right.lineNumber
            }
        }
    }

    /// Sorts by `less` (reversed when descending), newest first among equals.
    private func stable(_ jobs: [Job], _ less: (Job, Job) -> Bool) -> [Job] {
        let base = JobSort.newestFirst(jobs)
        let order = Dictionary(uniqueKeysWithValues: base.enumerated().map { ($1.lineNumber, $0) })
        return base.sorted { left, right in
            if less(left, right) { return !descending }
            if less(right, left) { return descending }
            return order[left.lineNumber]! < order[right.lineNumber]!
        }
    }
}
