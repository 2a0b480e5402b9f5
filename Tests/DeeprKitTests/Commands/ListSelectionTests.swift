import Foundation
import Testing

@testable import DeeprKit

/// Listing order and selection, checked against a plain comparison sort of the rule:
/// by creation time, then line number, in the same direction, with jobs without a
/// readable timestamp last.
@Suite struct ListSelectionTests {
    /// Returns a log with tied, missing, negative and unreadable timestamps and repeated ids.
    func randomLog(using generator: inout some RandomNumberGenerator) -> JobLog {
        let statuses = ["completed", "queued", "failed", "in_progress"]
        var lines: [String] = []
        for _ in 0..<Int.random(in: 0..<300, using: &generator) {
            let id = "resp_sel\(Int.random(in: 0..<200, using: &generator))"
            let status = statuses.randomElement(using: &generator)!
            let timestamp: String
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: timestamp = ""
            case 1: timestamp = #", "timestamp": "someday""#
            case 2: timestamp = #", "timestamp": -\#(Int.random(in: 0..<5, using: &generator))"#
            default: timestamp = #", "timestamp": \#(1_751_000_000 + Int.random(in: 0..<20, using: &generator))"#
            }
            lines.append(#"{"response_id": "\#(id)", "status": "\#(status)"\#(timestamp), "prompt": "p"}"#)
        }
        return JobLog.parse(LogBytes(copying: Array(lines.joined(separator: "\n").utf8)), path: "selection.jsonl")
    }

    func expectedOrder(_ jobs: [Job], newestFirst: Bool) -> [Int] {
        Array(jobs.indices).sorted { left, right in
            let (a, b) = (jobs[left], jobs[right])
            switch (a.createdAt, b.createdAt) {
            case let (x?, y?) where x != y: return newestFirst ? x > y : x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return newestFirst ? a.lineNumber > b.lineNumber : a.lineNumber < b.lineNumber
            }
        }
    }

    @Test func creationOrderMatchesComparisonSort() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let jobs = randomLog(using: &generator).jobs
            #expect(JobSort.byCreation(jobs, newestFirst: true) == expectedOrder(jobs, newestFirst: true))
            #expect(JobSort.byCreation(jobs, newestFirst: false) == expectedOrder(jobs, newestFirst: false))
            // Jobs out of line order take the comparison path.
            let shuffled = jobs.shuffled(using: &generator)
            #expect(JobSort.byCreation(shuffled, newestFirst: true) == expectedOrder(shuffled, newestFirst: true))
        }
    }

    @Test func selectionMatchesFilterThenSort() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let log = randomLog(using: &generator)
            let limit = [0, 1, 3, 1000].randomElement(using: &generator)!
            var filter = JobFilter()
            filter.statuses = Bool.random(using: &generator) ? ["completed"] : ["queued", "failed"]
            for (sortText, newestFirst) in [("-created", true), ("created", false)] {
                let sort = try JobSort(sortText)
                let order = ListCommand.selection(of: log, matching: filter, completedOnly: false, sort: sort, limit: limit,
                                                  prices: .builtIn)
                let matching = log.jobs.filter(filter.matches)
                var expected = expectedOrder(matching, newestFirst: newestFirst).map { matching[$0].lineNumber }
                if limit > 0 { expected = Array(expected.prefix(limit)) }
                #expect(order.map { log.jobs[$0].lineNumber } == expected)
            }
            let compact = ListCommand.selection(of: log, matching: nil, completedOnly: true, sort: try JobSort("-created"),
                                                limit: 5, prices: .builtIn)
            #expect(compact.map { log.jobs[$0].id } == ListCommand.defaultSelection(log.jobs).map(\.id))
        }
    }
}
