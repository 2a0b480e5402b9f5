import Foundation
import Synchronization

/// Results that depend only on a log's content, computed on first use and kept as long
/// as the `JobLog` that owns them. A script or shell session that runs many commands on
/// one read of the log computes them once.
final class JobLogCaches: Sendable {
    let newestFirst = Mutex<[Int]?>(nil)
    let prompts = Mutex<PromptText?>(nil)
}

/// The prompts of a log's jobs as case-folded text, for ruling jobs out of `--grep`
/// quickly.
///
/// `JobFilter` matches `--grep` with Foundation's case- and diacritic-insensitive search,
/// which costs microseconds per prompt. This text lets most jobs be ruled out with one
/// byte search, for search text that is printable ASCII:
/// - An ASCII prompt is stored lowercased. For it, Foundation's search finds the text
///   exactly when an ASCII case-insensitive byte search does.
/// - Any other prompt is stored as Foundation folds it with the same options
///   (`folding(options:locale:)`), which folds each character cluster the way the search
///   compares them, so a prompt that the search matches contains the folded text. The
///   converse need not hold, which only means `JobFilter` checks a few more jobs.
/// Jobs that this text does not rule out still go through `JobFilter`.
struct PromptText {
    /// Every job's prompts, lowercased or folded, each followed by a zero byte.
    private var text: [UInt8] = []
    /// The offset of each job's text, plus one more entry for the end.
    private var starts: [Int] = []

    init(_ jobs: [Job]) {
        starts.reserveCapacity(jobs.count + 1)
        for job in jobs {
            starts.append(text.count)
            for prompt in job.allPrompts {
                if prompt.utf8.allSatisfy({ $0 < 0x80 }) {
                    text.append(contentsOf: prompt.utf8.map(PromptText.lowercased))
                } else {
                    text.append(contentsOf: prompt.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).utf8)
                }
                // The search text has no zero byte, so no match spans two prompts.
                text.append(0)
            }
        }
        starts.append(text.count)
    }

    /// Returns, for each job, whether its prompts may contain `needle` ignoring case.
    /// Returns nil when `needle` is empty or not printable ASCII, because this search
    /// does not handle such text.
    func candidates(containing needle: String) -> [Bool]? {
        guard PromptText.canSearch(for: needle) else { return nil }
        let pattern = needle.utf8.map(PromptText.lowercased)

        var result = [Bool](repeating: false, count: starts.count - 1)
        text.withUnsafeBytes { text in
            pattern.withUnsafeBytes { pattern in
                guard let base = text.baseAddress, let patternBase = pattern.baseAddress else { return }
                let first = Int32(pattern[0])
                var position = 0
                while position + pattern.count <= text.count {
                    guard let found = memchr(base + position, first, text.count - position - pattern.count + 1) else {
                        break
                    }
                    let offset = base.distance(to: UnsafeRawPointer(found))
                    guard memcmp(found, patternBase, pattern.count) == 0 else {
                        position = offset + 1
                        continue
                    }
                    // A match: mark its job and continue after that job's text.
                    let job = jobIndex(at: offset)
                    result[job] = true
                    position = starts[job + 1]
                }
            }
        }
        return result
    }

    /// Returns whether `candidates(containing:)` handles `needle`, which must be
    /// non-empty printable ASCII.
    static func canSearch(for needle: String) -> Bool {
        !needle.isEmpty && needle.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    /// Returns the job whose text contains `offset`.
    private func jobIndex(at offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if starts[middle] <= offset {
                low = middle
            } else {
                high = middle
            }
        }
        return low
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }
}
