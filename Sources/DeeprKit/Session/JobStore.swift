#if canImport(Glibc)
import Glibc
#endif

/// The session's cached view of the job log.
///
/// `current()` re-reads the file only when its size, modification time or inode changed
/// since the last read, so another process's appends show up before the next command, and
/// reports skipped lines once per read through `onLoad`.
public final class JobStore: @unchecked Sendable {
    public let path: String
    private var cached: JobLog?
    private var identity: FileIdentity?
    private var sortedIDs: [String]?
    /// Called after each read with the new log; the session prints the skipped-line warning.
    public var onLoad: ((JobLog) -> Void)?

    public init(path: String) {
        self.path = path
    }

    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    /// Whether the log file exists.
    public var exists: Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private func currentIdentity() -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                            modifiedSeconds: info.st_mtim.tv_sec, modifiedNanoseconds: info.st_mtim.tv_nsec)
    }

    /// The log as it is on disk now, re-read if it changed.
    public func current() throws(LogError) -> JobLog {
        let now = currentIdentity()
        if let cached, now == identity {
            return cached
        }

        let log: JobLog
        if now == nil {
            log = JobLog.empty(path: path)
        } else {
            log = try JobLog.read(path: path)
        }
        cached = log
        identity = now
        sortedIDs = nil
        onLoad?(log)
        return log
    }

    /// Forgets the cached read, so the next `current()` reads the file again.
    public func invalidate() {
        cached = nil
        identity = nil
        sortedIDs = nil
    }

    /// Ids sorted for prefix search (built once per read).
    public func idsSorted() throws(LogError) -> [String] {
        let log = try current()
        if let sortedIDs { return sortedIDs }
        let sorted = JobStore.sorted(log.jobs.map(\.id))
        sortedIDs = sorted
        return sorted
    }

    /// `ids.sorted()`, faster when every id is ASCII: `String`'s `<` then orders by bytes,
    /// so most comparisons can use the first 16 bytes loaded as two integers.
    static func sorted(_ ids: [String]) -> [String] {
        struct Key {
            var head: UInt64
            var tail: UInt64
            var index: Int
        }
        var keys: [Key] = []
        keys.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            var id = id
            let key = id.withUTF8 { utf8 -> Key? in
                var head: UInt64 = 0
                var tail: UInt64 = 0
                for (offset, byte) in utf8.enumerated() {
                    guard byte < 0x80 else { return nil }
                    // Big-endian packing, padded with zeros, keeps byte order.
                    if offset < 8 {
                        head |= UInt64(byte) << (56 - 8 * offset)
                    } else if offset < 16 {
                        tail |= UInt64(byte) << (56 - 8 * (offset - 8))
                    }
                }
                return Key(head: head, tail: tail, index: index)
            }
            guard let key else { return ids.sorted() }
            keys.append(key)
        }
        keys.sort { left, right in
            if left.head != right.head { return left.head < right.head }
            if left.tail != right.tail { return left.tail < right.tail }
            return ids[left.index] < ids[right.index]
        }
        return keys.map { ids[$0.index] }
    }

    /// Ids that start with `prefix`, found by binary search in the sorted ids.
    public func ids(withPrefix prefix: String, limit: Int = Int.max) throws(LogError) -> [String] {
        let sorted = try idsSorted()
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < prefix {
                low = middle + 1
            } else {
                high = middle
            }
        }
        var matches: [String] = []
        var index = low
        while index < sorted.count, sorted[index].hasPrefix(prefix), matches.count < limit {
            matches.append(sorted[index])
            index += 1
        }
        return matches
    }
}
