/// A string field of a log line, kept as a position in the log's bytes and decoded on use.
public struct LogString: Sendable {
    let scan: JSONReader.StringScan

    var isEmpty: Bool { scan.contents.isEmpty }
}

/// One job as the log shows it: the fields a listing needs, read once, plus the position
/// of its line so that `show`, exports and rewrites can reach every other field and the
/// original bytes.
public struct Job: Sendable {
    public var id: String
    public var status: JobStatus
    /// The log's `timestamp`, or nil when it is missing or unreadable (such jobs sort last).
    public var createdAt: Timestamp?
    public var model: String?
    public var tags: [String]
    public var reportPath: String?
    /// 1-based number of the line that defines this job (the last one for a repeated id).
    public var lineNumber: Int
    /// The byte range of that line in the log, without its line ending.
    public var lineRange: Range<Int>

    let bytes: LogBytes
    var refinedPrompt: LogString?
    var plainPrompt: LogString?
    var originalPrompt: LogString?
    var usageRange: Range<Int>?

    /// The displayed prompt: `refined_prompt`, else `prompt`, else `original_prompt`.
    public var prompt: String {
        guard let field = displayedPromptField else { return "" }
        return JSONReader.decode(bytes.buffer, field.scan)
    }

    var displayedPromptField: LogString? {
        if let refinedPrompt, !refinedPrompt.isEmpty { return refinedPrompt }
        if let plainPrompt, !plainPrompt.isEmpty { return plainPrompt }
        if let originalPrompt, !originalPrompt.isEmpty { return originalPrompt }
        return refinedPrompt ?? plainPrompt ?? originalPrompt
    }

    /// Every prompt field the line has, for `--grep`.
    public var allPrompts: [String] {
        [refinedPrompt, plainPrompt, originalPrompt].compactMap { field in
            field.map { JSONReader.decode(bytes.buffer, $0.scan) }
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
        guard let usageRange else { return nil }
        let raw = UnsafeRawBufferPointer(rebasing: bytes.buffer[usageRange])
        guard let value = try? JSONParser.parse(bytes: raw), let object = value.objectValue else { return nil }
        return TokenUsage(object)
    }

    /// The `usage` value's JSON text as written in the log, or nil.
    var usageJSONBytes: UnsafeRawBufferPointer? {
        guard let usageRange else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes.buffer[usageRange])
    }

    public var isActive: Bool { status.isActive }
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
