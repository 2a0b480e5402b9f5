import Dispatch

/// A job log read at one moment: its jobs (one per id, the last line winning), the lines
/// that were skipped, and the bytes they came from.
///
/// Reading never fails on content: blank lines are ignored, and lines that are not JSON
/// objects with a non-empty string `response_id` are counted in `skippedLines`. A UTF-8 BOM
/// and CRLF endings are accepted on any line, and a last line without its newline is read
/// like any other.
public struct JobLog: Sendable {
    public let path: String
    public let bytes: LogBytes
    /// Jobs in the order of their defining lines.
    public let jobs: [Job]
    /// 1-based numbers of non-blank lines that are not jobs.
    public let skippedLines: [Int]
    /// How many lines repeat an id seen on an earlier line.
    public let repeatedLines: Int
    /// Total number of lines, counting a last line without a newline.
    public let lineCount: Int
    /// The number of the last line when it is malformed and lacks its newline: most likely
    /// a record whose write was cut short. It is also listed in `skippedLines`.
    public var tornFinalLine: Int? = nil
    /// The tables of the chunks the jobs were read from, in line order.
    var tables: [JobTable] = []
    let caches = JobLogCaches()

    /// The tables when `jobs` contains every row of them in order, which is when no id
    /// repeats. A job's index then gives its table and row without reading `jobs`.
    var denseTables: [JobTable]? {
        repeatedLines == 0 && tables.reduce(0, { $0 + $1.count }) == jobs.count ? tables : nil
    }

    /// Returns the indices of `jobs`, newest first (see `JobSort.byCreation`), computed
    /// once per log.
    func newestFirstOrder() -> [Int] {
        caches.newestFirst.withLock { cached in
            if let cached { return cached }
            let order = JobSort.byCreation(jobs, newestFirst: true)
            cached = order
            return order
        }
    }

    /// Returns, for each job, whether its prompts may contain `text` ignoring case (see
    /// `PromptText`), or nil when that quick test does not apply to `text`.
    func promptCandidates(containing text: String) -> [Bool]? {
        guard PromptText.canSearch(for: text) else { return nil }
        return caches.prompts.withLock { cached in
            if cached == nil { cached = PromptText(jobs) }
            return cached!.candidates(containing: text)
        }
    }

    /// An empty log, for a file that does not exist yet.
    public static func empty(path: String) -> JobLog {
        JobLog(path: path, bytes: LogBytes(), jobs: [], skippedLines: [], repeatedLines: 0, lineCount: 0)
    }

    /// Reads the log at `path`.
    public static func read(path: String) throws(LogError) -> JobLog {
        let bytes = try LogBytes(contentsOf: path)
        return parse(bytes, path: path)
    }

    /// Parses a buffer; uses two threads for large logs.
    public static func parse(_ bytes: LogBytes, path: String) -> JobLog {
        let chunks = splitIntoChunks(bytes.buffer, count: bytes.count > 4 << 20 ? 4 : 1)
        let slots = ChunkSlots(count: chunks.count)
        if chunks.count == 1 {
            slots.storage[0] = scanChunk(bytes, chunks[0])
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
                slots.storage[index] = scanChunk(bytes, chunks[index])
            }
        }
        let builders = slots.results.compactMap { $0 }

        // Line numbers become absolute.
        var skipped: [Int] = []
        var lineOffset = 0
        var tables: [JobTable] = []
        for builder in builders {
            skipped.append(contentsOf: builder.skippedLines.map { $0 + lineOffset })
            tables.append(JobTable(builder, lineNumberOffset: lineOffset))
            lineOffset += builder.lineCount
        }

        // The last line for an id wins, and a repeated id sits where its winning line is,
        // so the jobs are the rows not superseded by a later row, in line order.
        let superseded = supersededRows(tables, idHashes: builders.map(\.idHashes))
        let repeated = superseded.count
        var jobs: [Job] = []
        jobs.reserveCapacity(tables.reduce(0) { $0 + $1.count } - repeated)
        for (tableIndex, table) in tables.enumerated() {
            for row in 0..<table.count where repeated == 0 || !superseded.contains(RowReference(table: tableIndex, row: row)) {
                jobs.append(Job(table: table, index: row))
            }
        }

        var torn: Int? = nil
        if let last = skipped.last, last == lineOffset, bytes.count > 0, bytes.buffer[bytes.count - 1] != 0x0A {
            torn = last
        }
        var log = JobLog(path: path, bytes: bytes, jobs: jobs, skippedLines: skipped, repeatedLines: repeated,
                         lineCount: lineOffset)
        log.tornFinalLine = torn
        log.tables = tables
        return log
    }

    struct RowReference: Hashable {
        var table: Int
        var row: Int
    }

    /// Finds every row whose id appears again on a later row.
    ///
    /// An open-addressing table of row references replaces a `[String: Int]`, which for a
    /// million ids costs more time and memory than the rest of the merge. Each slot stores a
    /// row's global index in its low bits and the top bits of the id's hash above them, so
    /// ids are only compared when those hash bits match.
    static func supersededRows(_ tables: [JobTable], idHashes: [[Int]]) -> Set<RowReference> {
        let total = tables.reduce(0) { $0 + $1.count }
        guard total > 1 else { return [] }
        var firstRows: [Int] = []
        var first = 0
        for table in tables {
            firstRows.append(first)
            first += table.count
        }

        var slotCount = 16
        while slotCount < total + total / 2 { slotCount *= 2 }
        let mask = slotCount - 1
        let indexBits = Int.bitWidth - (total + 1).leadingZeroBitCount
        let indexMask = (1 << indexBits) - 1
        var slots = [Int](repeating: 0, count: slotCount)
        var superseded: Set<RowReference> = []

        func locate(_ globalIndex: Int) -> RowReference {
            var tableIndex = tables.count - 1
            while firstRows[tableIndex] > globalIndex { tableIndex -= 1 }
            return RowReference(table: tableIndex, row: globalIndex - firstRows[tableIndex])
        }

        slots.withUnsafeMutableBufferPointer { slots in
            for (tableIndex, table) in tables.enumerated() {
                let hashes = idHashes[tableIndex]
                for row in 0..<table.count {
                    let hash = hashes[row]
                    let tag = hash & ~indexMask
                    // Stored indices are 1-based, so an empty slot is 0.
                    let entry = tag | (firstRows[tableIndex] + row + 1)
                    var slot = (hash ^ (hash >> 29)) & mask
                    while true {
                        let stored = slots[slot]
                        if stored == 0 {
                            slots[slot] = entry
                            break
                        }
                        if stored & ~indexMask == tag {
                            let earlier = locate((stored & indexMask) - 1)
                            if Job(table: tables[earlier.table], index: earlier.row).id == Job(table: table, index: row).id {
                                superseded.insert(earlier)
                                slots[slot] = entry
                                break
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        return superseded
    }

    /// One result slot per chunk; each worker writes only its own slot.
    final class ChunkSlots: @unchecked Sendable {
        let storage: UnsafeMutableBufferPointer<JobTable.Builder?>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }
        deinit {
            storage.deinitialize()
            storage.deallocate()
        }
        var results: [JobTable.Builder?] { Array(storage) }
    }

    /// Splits at line boundaries into at most `count` chunks of similar size.
    static func splitIntoChunks(_ buffer: UnsafeRawBufferPointer, count: Int) -> [Range<Int>] {
        guard count > 1, buffer.count > 0 else { return [0..<buffer.count] }
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1..<count {
            var cut = buffer.count * part / count
            while cut < buffer.count, buffer[cut - 1] != 0x0A { cut += 1 }
            if cut > start {
                ranges.append(start..<cut)
                start = cut
            }
        }
        ranges.append(start..<buffer.count)
        return ranges
    }

    /// Bytes scanned between calls that drop the scanned pages of a memory-mapped log.
    static let residentWindow = 8 << 20

    static func scanChunk(_ bytes: LogBytes, _ chunk: Range<Int>) -> JobTable.Builder {
        let buffer = bytes.buffer
        var table = JobTable.Builder(bytes: bytes)
        let expectedRows = estimateRowCount(buffer, chunk)
        table.idHashes.reserveCapacity(expectedRows)
        table.arena.reserveCapacity(min(chunk.count / 2, expectedRows * 160) + 1)

        var lineNumber = 0
        var position = chunk.lowerBound
        var droppedUpTo = chunk.lowerBound
        while position < chunk.upperBound {
            if position - droppedUpTo >= residentWindow {
                bytes.dropResidentPages(in: droppedUpTo..<position)
                droppedUpTo = position
            }
            lineNumber += 1
            var end = position
            if let base = buffer.baseAddress,
                let found = memchr(base + position, 0x0A, chunk.upperBound - position)
            {
                end = base.distance(to: UnsafeRawPointer(found))
            } else {
                end = chunk.upperBound
            }
            let next = end + 1
            var lineEnd = end
            if lineEnd > position, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let range = position..<lineEnd
            position = next

            if isBlank(buffer, range) { continue }
            guard let fields = LineScanner.scan(buffer, range), let idScan = fields.id, !idScan.contents.isEmpty else {
                table.skippedLines.append(lineNumber)
                continue
            }
            table.append(fields, idScan: idScan, lineNumber: lineNumber, range: range)
        }
        if chunk.count > residentWindow {
            bytes.dropResidentPages(in: droppedUpTo..<chunk.upperBound)
        }
        table.lineCount = lineNumber
        return table
    }

    /// Estimates the jobs in `chunk` from the lines of 20 bytes or more (the shortest
    /// possible job line) in its first megabyte, with some headroom, so the columns
    /// rarely grow while scanning.
    private static func estimateRowCount(_ buffer: UnsafeRawBufferPointer, _ chunk: Range<Int>) -> Int {
        guard let base = buffer.baseAddress, !chunk.isEmpty else { return 0 }
        let sampleEnd = min(chunk.upperBound, chunk.lowerBound + (1 << 20))
        var longLines = 0
        var position = chunk.lowerBound
        while position < sampleEnd {
            let found = memchr(base + position, 0x0A, sampleEnd - position)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? sampleEnd
            if end - position >= 20 { longLines += 1 }
            position = end + 1
        }
        let sampled = sampleEnd - chunk.lowerBound
        return (longLines + 1) * chunk.count / sampled * 21 / 20 + 16
    }

    private static func isBlank(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        if range.count >= 3, buffer[index] == 0xEF, buffer[index + 1] == 0xBB, buffer[index + 2] == 0xBF { index += 3 }
        while index < range.upperBound {
            let byte = buffer[index]
            if byte != 0x20, byte != 0x09, byte != 0x0D { return false }
            index += 1
        }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#endif
