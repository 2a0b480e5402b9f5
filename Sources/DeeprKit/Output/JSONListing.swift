import Dispatch
import Foundation

/// Formats jobs as the JSON objects of `list --json`, `--jsonl` and `export`, on two
/// threads for large listings.
///
/// Reference counting is an atomic write to the counted object. Two threads that retain
/// the same tables and arrays for every job contend for those cache lines, and two threads
/// were then barely faster than one. The formatting threads therefore reach jobs only
/// through the raw pointers of `TableViews` and change no shared reference count. The
/// calling thread builds the views and keeps the jobs alive meanwhile.
struct JSONListing: Sendable {
    let prices: PriceTable
    let reports: ReportLocator

    /// Jobs per batch; two batches are formatted at a time.
    static let batchSize = 4096
    /// Jobs whose memory is loaded together before they are formatted.
    static let blockSize = 16

    /// One job of a batch: its table's number in the `TableViews` and its row.
    struct Entry {
        var view: Int
        var row: Int
    }

    /// Writes one object per job: `leading` before the first, `separator` between two and
    /// `terminator` after each. Returns the ids in output order when `collectingIDs` is
    /// set, else an empty array. `denseTables`, when given, are tables whose rows, in
    /// order, are exactly `jobs` (see `JobLog.denseTables`).
    func write(_ jobs: [Job], order: [Int]?, denseTables: [JobTable]?, leading: StaticString, separator: StaticString,
               terminator: StaticString, to sink: OutputSink, collectingIDs: Bool) -> [String]
    {
        let count = order?.count ?? jobs.count
        guard count > 0 else { return [] }
        let views = TableViews(prices: prices)
        var firstRows: [Int]? = nil
        if let denseTables {
            var first = 0
            firstRows = denseTables.map { table in
                defer { first += table.count }
                _ = views.number(of: table)
                return first
            }
        }
        let outputs = [ByteBlock(capacity: 1 << 20, drain: nil), ByteBlock(capacity: 1 << 20, drain: nil)]
        let batches = [EntryBuffer(capacity: JSONListing.batchSize), EntryBuffer(capacity: JSONListing.batchSize)]

        func writeAll(idSlots: UnsafeMutablePointer<String>?, order: UnsafeBufferPointer<Int>?,
                      firstRows: UnsafeBufferPointer<Int>?)
        {
            var position = 0
            while position < count {
                var ranges: [Range<Int>] = []
                for slot in 0..<2 {
                    let end = min(position + JSONListing.batchSize, count)
                    ranges.append(position..<end)
                    batches[slot].count = 0
                    if firstRows == nil {
                        for index in position..<end {
                            let job = jobs[order?[index] ?? index]
                            batches[slot].append(Entry(view: views.number(of: job.table), row: job.index))
                        }
                    }
                    position = end
                }

                let task = BatchTask(listing: self, views: views, batches: batches, outputs: outputs, ranges: ranges,
                                     order: order.map(SendableBuffer.init), firstRows: firstRows.map(SendableBuffer.init),
                                     idSlots: idSlots.map { SendablePointer(pointer: $0) },
                                     leading: leading, separator: separator, terminator: terminator)
                if ranges[1].isEmpty {
                    task.format(slot: 0)
                } else {
                    DispatchQueue.concurrentPerform(iterations: 2) { task.format(slot: $0) }
                }
                for output in outputs {
                    sink.write(bytes: output.bytes)
                    output.removeAll()
                }
            }
        }

        func writeAll(idSlots: UnsafeMutablePointer<String>?) {
            // The pointers stay valid for the whole write, since the arrays are not changed.
            withOptionalBuffer(order) { order in
                withOptionalBuffer(firstRows) { firstRows in
                    writeAll(idSlots: idSlots, order: order, firstRows: firstRows)
                }
            }
        }

        guard collectingIDs else {
            writeAll(idSlots: nil)
            return []
        }
        return [String](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            writeAll(idSlots: buffer.baseAddress)
            initializedCount = count
        }
    }

    /// Appends one job's object; the single-job form of `write`.
    func append(_ job: Job, into output: ByteBlock) {
        let views = TableViews(prices: prices)
        let view = views.number(of: job.table)
        append(Entry(view: view, row: job.index), views: views, into: output)
    }

    /// The work of one round: format batch `slot` into `outputs[slot]`.
    struct BatchTask: @unchecked Sendable {
        let listing: JSONListing
        let views: TableViews
        let batches: [EntryBuffer]
        let outputs: [ByteBlock]
        /// The output positions of each batch.
        let ranges: [Range<Int>]
        let order: SendableBuffer<Int>?
        /// With dense tables, each table's first job index; the batch entries are then
        /// found here instead of by the calling thread.
        let firstRows: SendableBuffer<Int>?
        let idSlots: SendablePointer<String>?
        let leading: StaticString
        let separator: StaticString
        let terminator: StaticString

        func format(slot: Int) {
            let range = ranges[slot]
            if let firstRows {
                resolveEntries(of: slot, firstRows: firstRows.buffer)
            }
            let batch = batches[slot].entries
            let output = outputs[slot]
            var blockStart = 0
            while blockStart < range.count {
                let blockEnd = min(blockStart + JSONListing.blockSize, range.count)
                output.readAheadChecksum &+= loadMemory(of: batch, blockStart..<blockEnd)
                for index in blockStart..<blockEnd {
                    let position = range.lowerBound + index
                    output.append(position == 0 ? leading : separator)
                    listing.append(batch[index], views: views, into: output)
                    output.append(terminator)
                    if let idSlots {
                        (idSlots.pointer + position).initialize(to: views.row(batch[index]).pointee.id)
                    }
                }
                blockStart = blockEnd
            }
        }

        /// Fills batch `slot` from job indices: the last table that starts at or before an
        /// index contains it.
        private func resolveEntries(of slot: Int, firstRows: UnsafeBufferPointer<Int>) {
            let batch = batches[slot]
            for position in ranges[slot] {
                let index = order.map { $0.buffer[position] } ?? position
                var view = firstRows.count - 1
                while firstRows[view] > index { view -= 1 }
                batch.append(Entry(view: view, row: index - firstRows[view]))
            }
        }

        /// Loads each job's row, id and arena bytes before any of them is formatted.
        ///
        /// A sorted listing visits jobs in an order unrelated to where they are stored,
        /// so this memory is usually not in the cache. Loaded one job at a time, the
        /// misses wait on each other; these loads are independent, so the processor
        /// overlaps their misses. Returns a sum of the loaded values, which the caller
        /// stores so that the compiler keeps the loads.
        private func loadMemory(of batch: UnsafeMutablePointer<Entry>, _ range: Range<Int>) -> UInt {
            var loaded: UInt = 0
            for index in range {
                loaded &+= UInt(truncatingIfNeeded: views.row(batch[index]).pointee.arenaStart)
            }
            for index in range {
                let entry = batch[index]
                let row = views.row(entry)
                let arena = views.views[entry.view].arena
                let arenaStart = row.pointee.arenaStart
                if arenaStart < arena.count {
                    loaded &+= UInt(arena[arenaStart])
                }
                loaded &+= UInt(row.pointee.id.utf8.first ?? 0)
            }
            return loaded
        }
    }

    /// Appends the object of `entry`, as `JobRecordWriter`'s documentation describes it.
    /// It reads the job through `views` and changes no shared reference count, except in
    /// the rare cases that need the table itself (tags, a report path, an oversized line,
    /// a usage that may hold a cost).
    func append(_ entry: Entry, views: TableViews, into output: ByteBlock) {
        let view = views.views[entry.view]
        let row = views.row(entry)
        let flags = row.pointee.flags

        output.append(#"{"id":"#)
        if flags.contains(.plainID) {
            output.append(0x22)
            output.append(string: row.pointee.id)
            output.append(0x22)
        } else {
            output.appendJSONString(row.pointee.id)
        }

        output.append(#","status":"#)
        output.append(view.statusLiterals[Int(row.pointee.statusCode)])

        output.append(#","created_at":"#)
        if flags.contains(.hasTimestamp) {
            output.append(0x22)
            output.appendISO8601(Timestamp(microseconds: row.pointee.timestamp))
            output.append(0x22)
        } else {
            output.append("null")
        }

        output.append(#","model":"#)
        let modelCode = row.pointee.modelCode
        if modelCode != JobTable.noModel {
            output.append(view.modelLiterals[Int(modelCode)])
        } else {
            output.append("null")
        }

        let fields = flags.contains(.oversized)
            ? view.table._withUnsafeGuaranteedRef { $0.fields(entry.row) }
            : JobTable.arenaFields(row, arena: view.arena)
        output.append(#","prompt":"#)
        if let prompt = fields.displayedPrompt, !prompt.needsRepair {
            // The literal's bytes are already valid JSON string contents.
            output.append(0x22)
            output.append(UnsafeRawBufferPointer(rebasing: fields.buffer[prompt.contents]))
            output.append(0x22)
        } else if let prompt = fields.displayedPrompt {
            output.appendJSONString(JSONReader.decode(fields.buffer, prompt))
        } else {
            output.append("\"\"")
        }

        let extras = flags.contains(.hasExtras) ? view.table._withUnsafeGuaranteedRef { $0.extras[entry.row] } : nil
        output.append(#","tags":["#)
        for (index, tag) in (extras?.tags ?? []).enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.appendJSONString(tag)
        }
        output.append(UInt8(ascii: "]"))

        output.append(#","usage":"#)
        let usage = fields.usageBytes
        if let usage {
            if usage.contains(UInt8(ascii: "N")) || usage.contains(UInt8(ascii: "I")) {
                // NaN or Infinity inside: rewrite as standard JSON.
                let value = (try? JSONParser.parse(bytes: usage)) ?? .null
                var rewritten: [UInt8] = []
                JSONWriter.write(value, into: &rewritten, style: .compact)
                rewritten.withUnsafeBytes { output.append($0) }
            } else {
                output.append(usage)
            }
        } else {
            output.append("null")
        }

        output.append(#","cost_usd":"#)
        if let cost = cost(of: entry, usage: usage, view: view) {
            output.append(string: String(format: "%.6f", cost))
        } else {
            output.append("null")
        }

        output.append(#","report_path":"#)
        let reportPath = extras?.reportPath
        if reportPath != nil || !reports.isEmpty,
            let path = reports.path(forID: row.pointee.id, reportPath: reportPath)
        {
            output.appendJSONString(path)
        } else {
            output.append("null")
        }

        output.append(#","line":"#)
        output.appendDecimal(view.lineNumberOffset + row.pointee.lineNumber)
        output.append(UInt8(ascii: "}"))
    }

    /// `prices.cost(model:usage:webSearches:)` for a listing, without parsing the usage
    /// when the model has no price or the usage text cannot hold both token counts.
    private func cost(of entry: Entry, usage: UnsafeRawBufferPointer?, view: TableViews.View) -> Double? {
        let row = view.segments.row(entry.row)
        let modelCode = row.pointee.modelCode
        guard let usage, modelCode != JobTable.noModel, view.modelPriced[Int(modelCode)],
            JSONListing.mayHoldInputAndOutputTokens(usage)
        else { return nil }
        let model = view.table._withUnsafeGuaranteedRef { $0.models[Int(modelCode)] }
        return prices.cost(model: model, usage: JobTable.tokenUsage(usage), webSearches: nil)
    }

    /// Returns whether the `usage` text may have an input count (`input_tokens` or
    /// `prompt_tokens`) and an output count (`output_tokens` or `completion_tokens`), the
    /// two that a cost needs. Text with a backslash may spell a key with escapes, so it
    /// always may.
    static func mayHoldInputAndOutputTokens(_ usage: UnsafeRawBufferPointer) -> Bool {
        if usage.contains(UInt8(ascii: "\\")) { return true }
        let hasInput = contains(usage, #""input_tokens""#) || contains(usage, #""prompt_tokens""#)
        return hasInput && (contains(usage, #""output_tokens""#) || contains(usage, #""completion_tokens""#))
    }

    private static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard haystack.count >= count, let base = haystack.baseAddress else { return false }
        for start in 0...(haystack.count - count) where memcmp(base + start, needle.utf8Start, count) == 0 {
            return true
        }
        return false
    }
}

/// The tables of a listing as raw pointers, plus copies of their status and model
/// literals, owned by this object and freed with it. Built on the calling thread; the
/// formatting threads only read it. It keeps its tables alive.
final class TableViews: @unchecked Sendable {
    struct Segments {
        var base: UnsafeMutablePointer<UnsafeMutablePointer<JobTable.Row>>

        @inline(__always)
        func row(_ index: Int) -> UnsafeMutablePointer<JobTable.Row> {
            base[index >> RowSegments.segmentShift] + (index & (RowSegments.segmentSize - 1))
        }
    }

    struct View {
        var table: Unmanaged<JobTable>
        var segments: Segments
        var arena: UnsafeRawBufferPointer
        var lineNumberOffset: Int
        var statusLiterals: UnsafeMutablePointer<UnsafeRawBufferPointer>
        var modelLiterals: UnsafeMutablePointer<UnsafeRawBufferPointer>
        /// Whether each model has a price, so that a cost is possible.
        var modelPriced: UnsafeMutablePointer<Bool>
    }

    private let prices: PriceTable
    private var tables: [JobTable] = []
    private(set) var views: UnsafeMutablePointer<View>
    private var capacity = 4
    /// Every allocation the views point into.
    private var allocations: [UnsafeMutableRawPointer] = []
    private var lastTable: ObjectIdentifier?
    private var lastNumber = 0

    init(prices: PriceTable) {
        self.prices = prices
        views = .allocate(capacity: capacity)
    }

    deinit {
        views.deallocate()
        for allocation in allocations { allocation.deallocate() }
    }

    @inline(__always)
    func row(_ entry: JSONListing.Entry) -> UnsafeMutablePointer<JobTable.Row> {
        views[entry.view].segments.row(entry.row)
    }

    /// Returns the number of `table`'s view, making the view on first use.
    func number(of table: JobTable) -> Int {
        let identity = ObjectIdentifier(table)
        if identity == lastTable { return lastNumber }
        let number = tables.firstIndex { $0 === table } ?? add(table)
        lastTable = identity
        lastNumber = number
        return number
    }

    private func add(_ table: JobTable) -> Int {
        if tables.count == capacity {
            let larger = UnsafeMutablePointer<View>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: views, count: tables.count)
            views.deallocate()
            views = larger
            capacity *= 2
        }

        let segments = copy(table.rows.segments)
        let statusLiterals = copy(table.statusLiterals.map(copy))
        let modelLiterals = copy(table.modelLiterals.map(copy))
        let modelPriced = copy(table.models.map { prices.price(for: $0) != nil })
        (views + tables.count).initialize(to: View(
            table: Unmanaged.passUnretained(table), segments: Segments(base: segments), arena: table.arenaBytes,
            lineNumberOffset: table.lineNumberOffset, statusLiterals: statusLiterals, modelLiterals: modelLiterals,
            modelPriced: modelPriced))
        tables.append(table)
        return tables.count - 1
    }

    private func copy<Element>(_ elements: [Element]) -> UnsafeMutablePointer<Element> {
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: max(elements.count, 1))
        pointer.initialize(from: elements, count: elements.count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    private func copy(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: copy(bytes) as UnsafeMutablePointer<UInt8>, count: bytes.count)
    }
}

/// A batch's entries in memory that the formatting threads read without reference
/// counting.
final class EntryBuffer: @unchecked Sendable {
    let entries: UnsafeMutablePointer<JSONListing.Entry>
    var count = 0

    init(capacity: Int) {
        entries = .allocate(capacity: capacity)
    }

    deinit {
        entries.deallocate()
    }

    func append(_ entry: JSONListing.Entry) {
        entries[count] = entry
        count += 1
    }
}

/// Read-only elements handed to another thread.
struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Element>
}

/// Calls `body` with a buffer of `array`'s elements, or nil when `array` is nil.
private func withOptionalBuffer<Element, Result>(_ array: [Element]?, _ body: (UnsafeBufferPointer<Element>?) -> Result) -> Result {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0) }
}

/// A pointer handed to another thread, which writes only the elements it was given.
struct SendablePointer<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
}
