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

        let effectiveLimit = limit ?? (compact ? 5 : 0)
        let order = ListCommand.selection(of: log, matching: compact ? nil : filter, completedOnly: compact, sort: sort,
                                          limit: effectiveLimit, prices: session.prices)

        if let format {
            let writer = JobRecordWriter(prices: session.prices, reports: ReportLocator(directory: session.settings.reportsDirectory))
            session.lastListing = writer.write(log, order: order, format: format, to: session.out)
            return .success
        }

        let rows = order.map { log.jobs[$0] }
        let renderer = JobTableRenderer(session: session)
        if compact {
            session.lastListing = renderer.render(groups: [("Recent completed jobs", rows)], showEmptyGroups: true)
            renderer.printSummary(log.jobs)
        } else {
            let groups = JobTableRenderer.group(rows)
            session.lastListing = renderer.render(groups: groups, showEmptyGroups: false)
            if rows.isEmpty {
                session.note("no jobs match")
            }
        }
        return .success
    }
}

extension ListCommand {
    /// Returns the indices of the jobs of `log` that a listing shows, in its order: the
    /// jobs that `filter` matches (or the completed ones), sorted by `sort`, at most
    /// `limit` of them when `limit` is positive.
    ///
    /// Sorted newest first, the default, the selection walks the log's cached creation
    /// order and stops at the limit, so `list` in a script or shell costs little more
    /// than the rows it shows. Any other order filters, then sorts.
    static func selection(of log: JobLog, matching filter: JobFilter?, completedOnly: Bool, sort: JobSort, limit: Int,
                          prices: PriceTable) -> [Int]
    {
        let jobs = log.jobs
        let matches = matcher(for: log, filter: filter, completedOnly: completedOnly)

        if sort.key == .created, sort.descending {
            let newest = log.newestFirstOrder()
            if matches == nil, limit <= 0 { return newest }
            var order: [Int] = []
            for index in newest where matches?(index) ?? true {
                order.append(index)
                if limit > 0, order.count == limit { break }
            }
            return order
        }

        let indices = matches.map { matches in jobs.indices.filter(matches) } ?? Array(jobs.indices)
        let selected = indices.map { jobs[$0] }
        var order = sort.order(selected, prices: prices).map { indices[$0] }
        if limit > 0, order.count > limit {
            order.removeSubrange(limit...)
        }
        return order
    }

    /// Returns a test of whether the job at an index is selected, or nil when every job
    /// is.
    private static func matcher(for log: JobLog, filter: JobFilter?, completedOnly: Bool) -> ((Int) -> Bool)? {
        let jobs = log.jobs
        if completedOnly {
            return { jobs[$0].status.isCompleted }
        }
        guard let filter, !filter.isEmpty else { return nil }
        // A job whose prompts surely lack the --grep text cannot match, and the filter
        // still decides every other job. NOTE: this relies on `JobFilter` matching --grep
        // with Foundation's case- and diacritic-insensitive search; PromptSearchTests
        // compares the two.
        if let grep = filter.grep, let candidates = log.promptCandidates(containing: grep) {
            return { candidates[$0] && filter.matches(jobs[$0]) }
        }
        return { filter.matches(jobs[$0]) }
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
        byCreation(jobs, newestFirst: true).map { jobs[$0] }
    }

    public func apply(_ jobs: [Job], prices: PriceTable) -> [Job] {
        order(jobs, prices: prices).map { jobs[$0] }
    }

    /// The indices of `jobs` in the order `apply` returns them.
    func order(_ jobs: [Job], prices: PriceTable) -> [Int] {
        switch key {
        case .created:
            return JobSort.byCreation(jobs, newestFirst: descending)
        case .status:
            let ranks = JobSort.ranks(jobs.map(\.status.rawValue))
            return stable(jobs) { ranks[$0] < ranks[$1] }
        case .model:
            let ranks = JobSort.ranks(jobs.map { $0.model ?? "" })
            return stable(jobs) { ranks[$0] < ranks[$1] }
        case .cost:
            let costs = jobs.map { prices.cost(model: $0.model, usage: $0.usage, webSearches: nil) ?? -1 }
            return stable(jobs) { costs[$0] < costs[$1] }
        }
    }

    /// Returns the indices of `jobs` by creation time (newest or oldest first), then by
    /// line number in the same direction. Jobs without a readable timestamp come last,
    /// ordered by line number in that direction too.
    static func byCreation(_ jobs: [Job], newestFirst: Bool) -> [Int] {
        // Flipping the sign bit maps Int64 order onto UInt64 order; inverting every bit
        // reverses it.
        func timeKey(_ created: Timestamp) -> UInt64 {
            let key = UInt64(bitPattern: created.microseconds) ^ (1 << 63)
            return newestFirst ? ~key : key
        }

        var inLineOrder = true
        var previousLine = Int.min
        for job in jobs {
            let lineNumber = job.lineNumber
            if previousLine >= lineNumber {
                inLineOrder = false
                break
            }
            previousLine = lineNumber
        }
        guard inLineOrder, jobs.count < Int(UInt32.max) else {
            return byCreationComparing(jobs, newestFirst: newestFirst, timeKey: timeKey)
        }

        // The jobs are in line order, so visiting them forwards (oldest first) or
        // backwards (newest first) puts equal times in the right line order, and a
        // stable sort on the time alone finishes the job.
        var timed: [RadixEntry] = []
        var untimed: [Int] = []
        timed.reserveCapacity(jobs.count)
        for step in 0..<jobs.count {
            let index = newestFirst ? jobs.count - 1 - step : step
            if let created = jobs[index].createdAt {
                timed.append(RadixEntry(key: timeKey(created), index: UInt32(index)))
            } else {
                untimed.append(index)
            }
        }
        radixSort(&timed)
        var order: [Int] = []
        order.reserveCapacity(jobs.count)
        for entry in timed { order.append(Int(entry.index)) }
        order.append(contentsOf: untimed)
        return order
    }

    /// `byCreation` for jobs that are not in line order, with a comparison sort.
    private static func byCreationComparing(_ jobs: [Job], newestFirst: Bool, timeKey: (Timestamp) -> UInt64) -> [Int] {
        struct Key {
            /// `UInt64.max` for jobs without a timestamp, which also set `untimed`.
            var time: UInt64
            var untimed: Bool
            var lineNumber: Int
            var index: Int
        }
        var keys: [Key] = []
        keys.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() {
            let created = job.createdAt
            keys.append(Key(time: created.map(timeKey) ?? UInt64.max, untimed: created == nil,
                            lineNumber: job.lineNumber, index: index))
        }
        keys.sort { left, right in
            if left.time != right.time { return left.time < right.time }
            if left.untimed != right.untimed { return !left.untimed }
            return newestFirst ? left.lineNumber > right.lineNumber : left.lineNumber < right.lineNumber
        }
        return keys.map(\.index)
    }

    struct RadixEntry {
        var key: UInt64
        var index: UInt32
    }

    /// Sorts by `key`, keeping the order of equal keys: a least-significant-digit radix
    /// sort with 11-bit digits, which skips the digits that all keys share (for example
    /// the high bits of timestamps from the same few months).
    static func radixSort(_ entries: inout [RadixEntry]) {
        let digitBits = 11
        let bucketCount = 1 << digitBits
        let digitCount = (64 + digitBits - 1) / digitBits
        guard entries.count > 1 else { return }

        var counts = [Int](repeating: 0, count: digitCount * bucketCount)
        for entry in entries {
            for digit in 0..<digitCount {
                counts[digit * bucketCount + Int((entry.key >> UInt64(digit * digitBits)) & UInt64(bucketCount - 1))] += 1
            }
        }

        var scratch = entries
        for digit in 0..<digitCount {
            let base = digit * bucketCount
            // A digit with a single bucket in use leaves the order unchanged.
            if counts[base..<(base + bucketCount)].contains(entries.count) { continue }
            var offsets = [Int](repeating: 0, count: bucketCount)
            var total = 0
            for bucket in 0..<bucketCount {
                offsets[bucket] = total
                total += counts[base + bucket]
            }
            let shift = UInt64(digit * digitBits)
            entries.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    for entry in source {
                        let bucket = Int((entry.key >> shift) & UInt64(bucketCount - 1))
                        target[offsets[bucket]] = entry
                        offsets[bucket] += 1
                    }
                }
            }
            swap(&entries, &scratch)
        }
    }

    /// Ranks of `values` by `String`'s `<`, computed once per distinct value.
    private static func ranks(_ values: [String]) -> [Int] {
        let distinct = Array(Set(values)).sorted()
        let rankOf = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        return values.map { rankOf[$0]! }
    }

    /// Indices sorted by `less` on job indices (reversed when descending), newest first
    /// among equals.
    private func stable(_ jobs: [Job], _ less: (Int, Int) -> Bool) -> [Int] {
        let base = JobSort.byCreation(jobs, newestFirst: true)
        var positions = [Int](repeating: 0, count: jobs.count)
        for (position, index) in base.enumerated() {
            positions[index] = position
        }
        return base.sorted { left, right in
            if less(left, right) { return !descending }
            if less(right, left) { return descending }
            return positions[left] < positions[right]
        }
    }
}
