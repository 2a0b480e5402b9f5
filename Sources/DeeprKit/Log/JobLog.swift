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
        let results = slots.results

        // Merge: line numbers become absolute, and the last line for an id wins.
        var jobs: [Job] = []
        jobs.reserveCapacity(results.reduce(0) { $0 + ($1?.jobs.count ?? 0) })
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(jobs.capacity)
        var skipped: [Int] = []
        var repeated = 0
        var lineOffset = 0
        for result in results {
            guard let result else { continue }
            for var job in result.jobs {
                job.lineNumber += lineOffset
                if let existing = indexByID[job.id] {
                    repeated += 1
                    jobs[existing] = job
                } else {
                    indexByID[job.id] = jobs.count
                    jobs.append(job)
                }
            }
            skipped.append(contentsOf: result.skipped.map { $0 + lineOffset })
            lineOffset += result.lineCount
        }
        var torn: Int? = nil
        if let last = skipped.last, last == lineOffset, bytes.count > 0, bytes.buffer[bytes.count - 1] != 0x0A {
            torn = last
        }
        if repeated > 0 {
            // Keep line order: a repeated id sits where its winning line is.
            jobs.sort { $0.lineNumber < $1.lineNumber }
        }
        var log = JobLog(path: path, bytes: bytes, jobs: jobs, skippedLines: skipped, repeatedLines: repeated,
                         lineCount: lineOffset)
        log.tornFinalLine = torn
        return log
    }

    /// One result slot per chunk; each worker writes only its own slot.
    final class ChunkSlots: @unchecked Sendable {
        let storage: UnsafeMutableBufferPointer<ChunkResult?>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }
        deinit {
            storage.deinitialize()
            storage.deallocate()
        }
        var results: [ChunkResult?] { Array(storage) }
    }

    struct ChunkResult {
        var jobs: [Job]
        var skipped: [Int]
        var lineCount: Int
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

    static func scanChunk(_ bytes: LogBytes, _ chunk: Range<Int>) -> ChunkResult {
        let buffer = bytes.buffer
        var jobs: [Job] = []
        var skipped: [Int] = []
        var lineNumber = 0
        var modelCache: [String] = []
        var position = chunk.lowerBound
        jobs.reserveCapacity(chunk.count / 300)

        while position < chunk.upperBound {
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
                skipped.append(lineNumber)
                continue
            }

            let id = JSONReader.decode(buffer, idScan)
            let status = fields.status.map { JSONReader.decode(buffer, $0) } ?? "unknown"
            var model: String?
            if let modelScan = fields.model {
                model = internModel(buffer, modelScan, cache: &modelCache)
            }
            let job = Job(
                id: id, status: JobStatus(status), createdAt: fields.timestamp, model: model, tags: fields.tags,
                reportPath: fields.reportPath.map { JSONReader.decode(buffer, $0) },
                lineNumber: lineNumber, lineRange: range, bytes: bytes,
                refinedPrompt: fields.refinedPrompt.map(LogString.init), plainPrompt: fields.prompt.map(LogString.init),
                originalPrompt: fields.originalPrompt.map(LogString.init), usageRange: fields.usage)
            jobs.append(job)
        }
        return ChunkResult(jobs: jobs, skipped: skipped, lineCount: lineNumber)
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

    /// Reuses one String per distinct model name, since a log holds only a handful.
    private static func internModel(_ buffer: UnsafeRawBufferPointer, _ scan: JSONReader.StringScan,
                                    cache: inout [String]) -> String
    {
        let contents = UnsafeRawBufferPointer(rebasing: buffer[scan.contents])
        if !scan.hasEscapes {
            for cached in cache where cached.utf8.count == contents.count {
                if cached.utf8.elementsEqual(contents) { return cached }
            }
        }
        let model = JSONReader.decode(buffer, scan)
        if cache.count < 64 { cache.append(model) }
        return model
    }
}

#if canImport(Glibc)
import Glibc
#endif
