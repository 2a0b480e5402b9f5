/// A Responses API `Response`, decoded leniently: unknown keys, unknown output item types
/// and unknown enum strings are kept or ignored, never a failure, and `usage`, `error`,
/// `incomplete_details` and most other fields may be null or absent.
public struct APIResponse: Sendable {
    public struct APIErrorInfo: Sendable, Equatable {
        public var code: String?
        public var message: String?
    }

    /// A source cited by the report, from `url_citation` annotations, in first-cited order.
    public struct Citation: Sendable, Equatable {
        public var url: String
        public var title: String?
    }

    public var raw: JSONObject
    public var id: String
    /// The status string as sent; "unknown" when absent.
    public var status: String
    /// `created_at` is Unix seconds (counted from 1970, not from 2001).
    public var createdAt: Timestamp
    public var completedAt: Timestamp?
    public var model: String?
    public var temperature: Double?
    public var usage: TokenUsage?
    public var error: APIErrorInfo?
    public var incompleteReason: String?
    /// Every `output_text` part of every `message` item, in order. Parts of one message are
    /// joined with nothing, as the official SDKs do; messages are separated by a blank line.
    /// A part whose `text` is null or missing counts as empty.
    public var reportText: String
    public var refusals: [String]
    public var citations: [Citation]
    public var webSearchCount: Int
    /// Whether a message item was cut short (`status: "incomplete"`).
    public var hasIncompleteMessage: Bool

    public init(_ value: JSONValue) throws(DeeprError) {
        guard let object = value.objectValue else {
            throw .runtime("the API returned JSON that is not an object")
        }
        raw = object
        id = object["id"]?.stringValue ?? ""
        status = object["status"]?.stringValue ?? "unknown"
        createdAt = APIResponse.timestamp(object["created_at"]) ?? Timestamp(microseconds: 0)
        completedAt = APIResponse.timestamp(object["completed_at"])
        model = object["model"]?.stringValue
        temperature = object["temperature"]?.doubleValue
        usage = object["usage"]?.objectValue.map(TokenUsage.init)
        if let errorObject = object["error"]?.objectValue {
            error = APIErrorInfo(code: errorObject["code"]?.stringValue ?? errorObject["type"]?.stringValue,
                                 message: errorObject["message"]?.stringValue)
        }
        incompleteReason = object["incomplete_details"]?["reason"]?.stringValue

        var messages: [String] = []
        var refusals: [String] = []
        var citations: [Citation] = []
        var seenURLs = Set<String>()
        var searches = 0
        var incompleteMessage = false
        for item in object["output"]?.arrayValue ?? [] {
            switch item["type"]?.stringValue {
            case "message":
                if item["status"]?.stringValue == "incomplete" { incompleteMessage = true }
                var text = ""
                for part in item["content"]?.arrayValue ?? [] {
                    switch part["type"]?.stringValue {
                    case "output_text":
                        text += part["text"]?.stringValue ?? ""
                        for annotation in part["annotations"]?.arrayValue ?? [] where annotation["type"]?.stringValue == "url_citation" {
                            guard let url = annotation["url"]?.stringValue, seenURLs.insert(url).inserted else { continue }
                            citations.append(Citation(url: url, title: annotation["title"]?.stringValue))
                        }
                    case "refusal":
                        if let refusal = part["refusal"]?.stringValue, !refusal.isEmpty { refusals.append(refusal) }
                    default:
                        break
                    }
                }
                if !text.isEmpty { messages.append(text) }
            case "web_search_call":
                searches += 1
            default:
                break
            }
        }
        reportText = messages.joined(separator: "\n\n")
        self.refusals = refusals
        self.citations = citations
        webSearchCount = searches
        hasIncompleteMessage = incompleteMessage
    }

    static func timestamp(_ value: JSONValue?) -> Timestamp? {
        guard let value, let seconds = value.doubleValue, seconds.isFinite else { return nil }
        return Timestamp(microseconds: Int64((seconds * 1_000_000).rounded()))
    }

    public var jobStatus: JobStatus { JobStatus(status) }

    /// The status with the markers users need: a completed job without report text, or
    /// one that the model refused.
    public var displayStatus: String {
        if status == "completed" {
            if !refusals.isEmpty, reportText.isEmpty { return "completed (refused)" }
            if reportText.isEmpty { return "completed (no report text)" }
        }
        if status == "incomplete", let incompleteReason { return "incomplete (\(incompleteReason))" }
        return status
    }
}
