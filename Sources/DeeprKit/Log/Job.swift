#if canImport(Glibc)
import Glibc
#endif

/// One job as the log shows it: the fields a listing needs, read once, plus the position
/// of its line so that `show`, exports and rewrites can reach every other field and the
/// original bytes.
///
/// A job is a row of a `JobTable`, which stores the jobs of one chunk of the log in 64-byte
/// rows, so a job costs its row, its id string and the bytes of its prompts and usage.
public struct Job: Sendable {
    let table: JobTable
    let index: Int

    private var row: UnsafeMutablePointer<JobTable.Row> { table.rows.pointer(index) }

    public var id: String { row.pointee.id }

    public var status: JobStatus { table.statuses[Int(row.pointee.statusCode)] }

    /// The log's `timestamp`, or nil when it is missing or unreadable (such jobs sort last).
    public var createdAt: Timestamp? {
        let row = self.row
        return row.pointee.flags.contains(.hasTimestamp) ? Timestamp(microseconds: row.pointee.timestamp) : nil
    }

    public var model: String? {
        let code = row.pointee.modelCode
        return code == JobTable.noModel ? nil : table.models[Int(code)]
    }

    public var tags: [String] {
        row.pointee.flags.contains(.hasExtras) ? table.extras[index]?.tags ?? [] : []
    }

    public var reportPath: String? {
        row.pointee.flags.contains(.hasExtras) ? table.extras[index]?.reportPath : nil
    }

    /// 1-based number of the line that defines this job (the last one for a repeated id).
    public var lineNumber: Int { table.lineNumberOffset + row.pointee.lineNumber }

    /// The byte range of that line in the log, without its line ending.
    public var lineRange: Range<Int> {
        let row = self.row
        let start = row.pointee.lineStart
        if row.pointee.flags.contains(.oversized), let length = table.extras[index]?.lineLength {
            return start..<(start + length)
        }
        return start..<(start + Int(row.pointee.lineLength))
    }

    var bytes: LogBytes { table.bytes }

    /// The displayed prompt: `refined_prompt`, else `prompt`, else `original_prompt`.
    public var prompt: String {
        guard let field = displayedPrompt else { return "" }
        return JSONReader.decode(field.buffer, field.scan)
    }

    /// The literal of the displayed prompt: the first non-empty of `refined_prompt`,
    /// `prompt` and `original_prompt`, else the first of them that is present.
    var displayedPrompt: (buffer: UnsafeRawBufferPointer, scan: JSONReader.StringScan)? {
        let fields = table.fields(index)
        return fields.displayedPrompt.map { (fields.buffer, $0) }
    }

    /// Every prompt field the line has, for `--grep`.
    public var allPrompts: [String] {
        let fields = table.fields(index)
        return [fields.refinedPrompt, fields.plainPrompt, fields.originalPrompt].compactMap { scan in
            scan.map { JSONReader.decode(fields.buffer, $0) }
        }
    }

    /// The whole line parsed, with unknown fields in their order.
    public var record: JSONObject {
        let raw = UnsafeRawBufferPointer(rebasing: bytes.buffer[lineRange])
        return (try? JSONParser.parse(bytes: raw))?.objectValue ?? JSONObject()
    }

    /// The line's original bytes.
    public var lineBytes: [UInt8] { bytes.bytes(lineRange) }

    /// The `usage` object, or nil when it is null or absent.
    public var usage: TokenUsage? {
        guard let raw = usageJSONBytes else { return nil }
        return JobTable.tokenUsage(raw)
    }

    /// The `usage` value's JSON text as written in the log, or nil. The bytes stay valid
    /// while this job (or any job of its log) is alive.
    var usageJSONBytes: UnsafeRawBufferPointer? {
        table.fields(index).usageBytes
    }

    /// `status.isActive`, from a flag computed once per distinct status.
    public var isActive: Bool { table.statusIsActive[Int(row.pointee.statusCode)] }
}

/// The jobs read from one chunk of a log: one fixed-size row per job, plus an arena with
/// the bytes of the string fields that listings print (the three prompt fields and the
/// `usage` object).
///
/// A listing visits jobs in sorted order, which is random with respect to the log, so
/// everything it reads for a job sits in one 64-byte row, the row's id string and one
/// stretch of the arena. Copying those fields also lets the log's mapped pages be dropped
/// after the scan. Other fields are read from the log's line when asked for
/// (`Job.record`).
///
/// A `Builder` fills a table on one thread. The table itself is immutable, which also
/// spares reads the dynamic exclusivity check of a class's `var` properties. It is
/// `@unchecked Sendable` because of the pointers into `rows` and `arena`, which nothing
/// writes once the table exists.
final class JobTable: @unchecked Sendable {
    struct Flags: OptionSet {
        let rawValue: UInt16

        static let hasTimestamp = Flags(rawValue: 1 << 0)
        static let hasUsage = Flags(rawValue: 1 << 1)
        /// The row has tags, a report path or an oversized line, kept in `extras`.
        static let hasExtras = Flags(rawValue: 1 << 2)
        /// The line is longer than `UInt32.max` bytes: its fields are not in the arena and
        /// are read by scanning the line again.
        static let oversized = Flags(rawValue: 1 << 3)
        /// The id literal has no escapes, so the id has no quote, backslash or control
        /// character and is its own JSON string contents.
        static let plainID = Flags(rawValue: 1 << 13)

        /// Presence, escapes and repair of prompt field `index` (0 refined, 1 plain,
        /// 2 original).
        static func present(_ index: Int) -> Flags { Flags(rawValue: 1 << (4 + 3 * index)) }
        static func escaped(_ index: Int) -> Flags { Flags(rawValue: 1 << (5 + 3 * index)) }
        static func needsRepair(_ index: Int) -> Flags { Flags(rawValue: 1 << (6 + 3 * index)) }
    }

    /// One job; 64 bytes, so that with `RowSegments`' alignment a row is one cache line.
    struct Row {
        var id: String
        var timestamp: Int64
        var lineStart: Int
        /// The arena offset of the row's fields: each present prompt field (refined,
        /// plain, original), then the usage text, each as a 32-bit length and its bytes.
        var arenaStart: Int
        /// The line number within the chunk; `lineNumberOffset` makes it absolute.
        var lineNumber: Int
        var lineLength: UInt32
        var statusCode: UInt32
        /// Index into `models`, or `noModel`.
        var modelCode: UInt32
        var flags: Flags
    }

    struct Extras {
        var tags: [String] = []
        var reportPath: String?
        /// The line length of an oversized row.
        var lineLength: Int?
    }

    /// The string fields of one row and the buffer their positions refer to.
    struct RowFields {
        var buffer: UnsafeRawBufferPointer
        var refinedPrompt: JSONReader.StringScan?
        var plainPrompt: JSONReader.StringScan?
        var originalPrompt: JSONReader.StringScan?
        var usage: Range<Int>?

        /// The first non-empty prompt field, else the first present one.
        var displayedPrompt: JSONReader.StringScan? {
            if let refinedPrompt, !refinedPrompt.contents.isEmpty { return refinedPrompt }
            if let plainPrompt, !plainPrompt.contents.isEmpty { return plainPrompt }
            if let originalPrompt, !originalPrompt.contents.isEmpty { return originalPrompt }
            return refinedPrompt ?? plainPrompt ?? originalPrompt
        }

        var usageBytes: UnsafeRawBufferPointer? {
            usage.map { UnsafeRawBufferPointer(rebasing: buffer[$0]) }
        }
    }

    static let noModel = UInt32.max

    let bytes: LogBytes
    /// Added to a row's `lineNumber` (which counts from the chunk's start) to get its line
    /// number in the log.
    let lineNumberOffset: Int
    let rows: RowSegments
    let statuses: [JobStatus]
    /// `statuses[i].isActive`.
    let statusIsActive: [Bool]
    let models: [String]
    /// `statuses` and `models` as JSON string literals, for machine output.
    let statusLiterals: [[UInt8]]
    let modelLiterals: [[UInt8]]
    /// Rows with the `hasExtras` flag.
    let extras: [Int: Extras]
    /// The arena's bytes, freed with the table.
    let arenaBytes: UnsafeRawBufferPointer

    init(_ builder: Builder, lineNumberOffset: Int) {
        bytes = builder.bytes
        self.lineNumberOffset = lineNumberOffset
        rows = builder.rows
        statuses = builder.statuses.values.map(JobStatus.init)
        statusIsActive = statuses.map(\.isActive)
        models = builder.models.values
        statusLiterals = statuses.map { JobTable.jsonLiteral($0.rawValue) }
        modelLiterals = models.map(JobTable.jsonLiteral)
        extras = builder.extras
        arenaBytes = builder.arena.buffer
    }

    deinit {
        rows.release()
        free(UnsafeMutableRawPointer(mutating: arenaBytes.baseAddress))
    }

    var count: Int { rows.count }

    /// Returns the string fields of `index`: from the arena, or from the log for an
    /// oversized row.
    func fields(_ index: Int) -> RowFields {
        let row = rows.pointer(index)
        let flags = row.pointee.flags
        if flags.contains(.oversized) {
            let buffer = bytes.buffer
            let start = row.pointee.lineStart
            let length = extras[index]?.lineLength ?? 0
            let scanned = LineScanner.scan(buffer, start..<(start + length))
            return RowFields(buffer: buffer, refinedPrompt: scanned?.refinedPrompt, plainPrompt: scanned?.prompt,
                             originalPrompt: scanned?.originalPrompt, usage: scanned?.usage)
        }

        return JobTable.arenaFields(row, arena: arenaBytes)
    }

    /// Returns the string fields of a row that is not oversized, read from `arena`.
    static func arenaFields(_ row: UnsafeMutablePointer<Row>, arena: UnsafeRawBufferPointer) -> RowFields {
        let flags = row.pointee.flags
        var position = row.pointee.arenaStart
        var result = RowFields(buffer: arena)
        func next() -> Range<Int> {
            let length = Int(arena.loadUnaligned(fromByteOffset: position, as: UInt32.self))
            let contents = (position + 4)..<(position + 4 + length)
            position = contents.upperBound
            return contents
        }
        func nextPrompt(_ field: Int) -> JSONReader.StringScan? {
            guard flags.contains(.present(field)) else { return nil }
            return JSONReader.StringScan(contents: next(), hasEscapes: flags.contains(.escaped(field)),
                                         needsRepair: flags.contains(.needsRepair(field)))
        }
        result.refinedPrompt = nextPrompt(0)
        result.plainPrompt = nextPrompt(1)
        result.originalPrompt = nextPrompt(2)
        if flags.contains(.hasUsage) {
            result.usage = next()
        }
        return result
    }

    private static func jsonLiteral(_ text: String) -> [UInt8] {
        var literal: [UInt8] = []
        JSONWriter.writeString(text, into: &literal, asciiOnly: false)
        return literal
    }

    /// Parses a `usage` text; nil when it is not a JSON object.
    static func tokenUsage(_ raw: UnsafeRawBufferPointer) -> TokenUsage? {
        guard let value = try? JSONParser.parse(bytes: raw), let object = value.objectValue else { return nil }
        return TokenUsage(object)
    }

    /// The rows and arena of a table while one thread scans its chunk.
    struct Builder {
        let bytes: LogBytes
        /// Lines in the chunk, counting a last line without a newline.
        var lineCount = 0
        /// Chunk-relative numbers of non-blank lines that are not jobs.
        var skippedLines: [Int] = []
        var rows = RowSegments()
        /// The `hashValue` of each row's id, for finding repeated ids when chunks merge.
        var idHashes: [Int] = []
        var statuses = StringInterner()
        var models = StringInterner()
        var extras: [Int: Extras] = [:]
        var arena = ByteArena()

        init(bytes: LogBytes) {
            self.bytes = bytes
        }

        /// Appends the job of the line `range`, numbered `lineNumber` within the chunk.
        mutating func append(_ fields: LineScanner.Fields, idScan: JSONReader.StringScan, lineNumber: Int,
                             range: Range<Int>)
        {
            let buffer = bytes.buffer
            let index = rows.count
            let id = JSONReader.decode(buffer, idScan)
            idHashes.append(id.hashValue)

            var flags: Flags = []
            if fields.timestamp != nil { flags.insert(.hasTimestamp) }
            if !idScan.hasEscapes { flags.insert(.plainID) }
            let statusCode = fields.status.map { statuses.code(buffer, $0) } ?? statuses.code(for: "unknown")
            let modelCode = fields.model.map { models.code(buffer, $0) } ?? JobTable.noModel

            var extra = Extras(tags: fields.tags, reportPath: fields.reportPath.map { JSONReader.decode(buffer, $0) })
            let arenaStart = arena.count
            var lineLength: UInt32 = 0
            if range.count > Int(UInt32.max) {
                flags.insert(.oversized)
                extra.lineLength = range.count
            } else {
                lineLength = UInt32(range.count)
                let prompts = (fields.refinedPrompt, fields.prompt, fields.originalPrompt)
                // One capacity check for the row; each field takes 4 bytes of length too.
                var needed = 16
                needed += prompts.0?.contents.count ?? 0
                needed += prompts.1?.contents.count ?? 0
                needed += prompts.2?.contents.count ?? 0
                needed += fields.usage?.count ?? 0
                arena.reserveCapacity(forAppending: needed)
                copyPrompt(prompts.0, field: 0, flags: &flags)
                copyPrompt(prompts.1, field: 1, flags: &flags)
                copyPrompt(prompts.2, field: 2, flags: &flags)
                if let usage = fields.usage {
                    flags.insert(.hasUsage)
                    arena.appendField(UnsafeRawBufferPointer(rebasing: buffer[usage]))
                }
            }

            if !extra.tags.isEmpty || extra.reportPath != nil || extra.lineLength != nil {
                flags.insert(.hasExtras)
                extras[index] = extra
            }
            rows.append(Row(id: id, timestamp: fields.timestamp?.microseconds ?? 0, lineStart: range.lowerBound,
                            arenaStart: arenaStart, lineNumber: lineNumber, lineLength: lineLength,
                            statusCode: statusCode, modelCode: modelCode, flags: flags))
        }

        private mutating func copyPrompt(_ scan: JSONReader.StringScan?, field: Int, flags: inout Flags) {
            guard let scan else { return }
            flags.insert(.present(field))
            if scan.hasEscapes { flags.insert(.escaped(field)) }
            if scan.needsRepair { flags.insert(.needsRepair(field)) }
            arena.appendField(UnsafeRawBufferPointer(rebasing: bytes.buffer[scan.contents]))
        }
    }
}

/// Rows in segments of 32,768 (2 MiB), each aligned to a cache line. Growing never moves
/// a row, so appending costs no copies and no transient second buffer. The `JobTable`
/// made from a builder owns the segments and frees them.
struct RowSegments {
    static let segmentShift = 15
    static let segmentSize = 1 << segmentShift
    private(set) var segments: [UnsafeMutablePointer<JobTable.Row>] = []
    private(set) var count = 0

    @inline(__always)
    func pointer(_ index: Int) -> UnsafeMutablePointer<JobTable.Row> {
        segments[index >> RowSegments.segmentShift] + (index & (RowSegments.segmentSize - 1))
    }

    mutating func append(_ row: JobTable.Row) {
        if count == segments.count * RowSegments.segmentSize {
            var memory: UnsafeMutableRawPointer?
            let byteCount = RowSegments.segmentSize * MemoryLayout<JobTable.Row>.stride
            guard posix_memalign(&memory, 64, byteCount) == 0, let memory else {
                fatalError("out of memory allocating \(byteCount) bytes of job rows")
            }
            segments.append(memory.bindMemory(to: JobTable.Row.self, capacity: RowSegments.segmentSize))
        }
        pointer(count).initialize(to: row)
        count += 1
    }

    /// Deinitializes the rows and frees the segments; the storage is unusable afterwards.
    func release() {
        for (number, segment) in segments.enumerated() {
            segment.deinitialize(count: min(RowSegments.segmentSize, count - number * RowSegments.segmentSize))
            free(segment)
        }
    }
}

/// Distinct strings of one column (statuses or models), numbered in order of first use.
///
/// Only the first 64 distinct values are looked up, since a log holds a handful. Past
/// that, each new value gets a new number, which costs memory but never a wrong answer.
struct StringInterner {
    private(set) var values: [String] = []
    private var keys: [[UInt8]] = []

    private static let lookupLimit = 64

    /// Returns the number of the string literal `scan` in `buffer`, decoding it when it is
    /// new.
    mutating func code(_ buffer: UnsafeRawBufferPointer, _ scan: JSONReader.StringScan) -> UInt32 {
        if !scan.hasEscapes, !scan.needsRepair {
            // Without escapes or repairs, the literal's bytes are the value's UTF-8.
            let contents = UnsafeRawBufferPointer(rebasing: buffer[scan.contents])
            if let index = lookup(contents) { return UInt32(index) }
        }
        return code(for: JSONReader.decode(buffer, scan))
    }

    mutating func code(for value: String) -> UInt32 {
        var value = value
        if let index = value.withUTF8({ lookup(UnsafeRawBufferPointer($0)) }) { return UInt32(index) }
        return add(value)
    }

    private func lookup(_ contents: UnsafeRawBufferPointer) -> Int? {
        for (index, key) in keys.enumerated() where key.count == contents.count {
            let equal = key.withUnsafeBytes { stored in
                stored.isEmpty || memcmp(stored.baseAddress!, contents.baseAddress!, stored.count) == 0
            }
            if equal { return index }
        }
        return nil
    }

    private mutating func add(_ value: String) -> UInt32 {
        if keys.count < StringInterner.lookupLimit, keys.count == values.count {
            keys.append(Array(value.utf8))
        }
        values.append(value)
        return UInt32(values.count - 1)
    }
}

/// A growable byte buffer in one `malloc` block, which the `JobTable` made from the
/// builder owns and frees. Its `buffer` stays valid until the next `append`, and for
/// good once appending is over.
struct ByteArena {
    private var base: UnsafeMutableRawPointer?
    private(set) var count = 0
    private var capacity = 0

    var buffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    mutating func reserveCapacity(_ bytes: Int) {
        guard bytes > capacity else { return }
        guard let grown = realloc(base, bytes) else { fatalError("out of memory growing a job arena to \(bytes) bytes") }
        base = grown
        capacity = bytes
    }

    /// Makes room for `bytes` more bytes, growing by at least half the capacity.
    mutating func reserveCapacity(forAppending bytes: Int) {
        if count + bytes > capacity {
            reserveCapacity(max(count + bytes, capacity + capacity / 2, 1 << 16))
        }
    }

    /// Appends `field` after its length as a 32-bit integer; the caller has checked that
    /// the length fits.
    mutating func appendField(_ field: UnsafeRawBufferPointer) {
        reserveCapacity(forAppending: 4 + field.count)
        let start = base! + count
        start.storeBytes(of: UInt32(field.count), as: UInt32.self)
        if let source = field.baseAddress, field.count > 0 {
            (start + 4).copyMemory(from: source, byteCount: field.count)
        }
        count += 4 + field.count
    }
}

/// Token counts, from the log's `usage` or the API's. Each count is nil when unknown, which
/// is shown as `-`, never as 0.
public struct TokenUsage: Sendable, Equatable {
    public var inputTokens: Int64?
    public var cachedTokens: Int64?
    public var outputTokens: Int64?
    public var reasoningTokens: Int64?
    public var totalTokens: Int64?

    public init(inputTokens: Int64? = nil, cachedTokens: Int64? = nil, outputTokens: Int64? = nil,
                reasoningTokens: Int64? = nil, totalTokens: Int64? = nil)
    {
        self.inputTokens = inputTokens
        self.cachedTokens = cachedTokens
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
        self.totalTokens = totalTokens
    }

    /// Reads both the log's and the API's shape; nested details may be null or absent.
    public init(_ object: JSONObject) {
        inputTokens = object["input_tokens"]?.int64Value ?? object["prompt_tokens"]?.int64Value
        outputTokens = object["output_tokens"]?.int64Value ?? object["completion_tokens"]?.int64Value
        totalTokens = object["total_tokens"]?.int64Value
        cachedTokens = object["input_tokens_details"]?["cached_tokens"]?.int64Value
        reasoningTokens = object["output_tokens_details"]?["reasoning_tokens"]?.int64Value
        if totalTokens == nil, let inputTokens, let outputTokens {
            totalTokens = inputTokens + outputTokens
        }
    }

    public var jsonObject: JSONObject {
        var object = JSONObject()
        object["input_tokens"] = inputTokens.map { .number(String($0)) } ?? .null
        object["input_tokens_details"] = .object(JSONObject([("cached_tokens", cachedTokens.map { .number(String($0)) } ?? .null)]))
        object["output_tokens"] = outputTokens.map { .number(String($0)) } ?? .null
        object["output_tokens_details"] = .object(JSONObject([("reasoning_tokens", reasoningTokens.map { .number(String($0)) } ?? .null)]))
        object["total_tokens"] = totalTokens.map { .number(String($0)) } ?? .null
        return object
    }
}
