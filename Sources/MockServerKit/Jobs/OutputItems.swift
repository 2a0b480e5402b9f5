/// Builds the `output` items of one job, with ids derived from the job id so they stay the
/// same across requests and server starts.
struct OutputItems {
    let jobID: String
    let prompt: String

    // MARK: - Output lists

    /// Returns the output while the job runs: reasoning, a finished search, more reasoning and
    /// a search still in progress whose action has no query yet.
    func running() -> [JSONValue] {
        [
            reasoning(1, summary: "**Planning the research**\n\nI will look for primary sources first."),
            searchCall(2, status: "completed", action: ["type": "search", "query": .string(searchQuery)]),
            reasoning(3, summary: "**Collecting sources**\n\nI will open the most relevant result."),
            searchCall(4, status: "in_progress", action: ["type": "search"]),
        ]
    }

    /// Returns the output kept when a job fails or is cancelled while running.
    func partial() -> [JSONValue] {
        [
            reasoning(1, summary: nil),
            searchCall(2, status: "completed", action: ["type": "search", "query": .string(searchQuery)]),
        ]
    }

    /// Returns the output of a finished job, or `[]` for outcomes without output of their own.
    func finished(_ outcome: JobOutcome) -> [JSONValue] {
        switch outcome {
        case .completed:
            return research() + reportMessages()
        case .completedEmpty, .incompleteNoMessage:
            return [
                reasoning(1, summary: nil),
                searchCall(2, status: "completed", action: ["type": "search", "query": .string(searchQuery)]),
                reasoning(3, summary: nil),
            ]
        case .completedNullText:
            let normal = CitedText(plain: "Summary of \(jobID): \(prompt)\n")
            let nullPart: JSONValue = ["type": "output_text", "annotations": [], "logprobs": nil, "text": nil]
            return [
                reasoning(1, summary: nil), message(20, status: "completed", content: [nullPart, normal.contentPart]),
            ]
        case .refusal:
            let refusal: JSONValue = [
                "type": "refusal", "refusal": .string("I can't help with that request. (mock refusal for \(jobID))"),
            ]
            return [reasoning(1, summary: nil), message(20, status: "completed", content: [refusal])]
        case .incomplete:
            let truncated = CitedText(
                plain: ReportText.opening(jobID: jobID, prompt: prompt) + "The main source covers the subject")
            return [
                reasoning(1, summary: "**Planning the research**\n\nI will look for primary sources first."),
                searchCall(2, status: "completed", action: ["type": "search", "query": .string(searchQuery)]),
                reasoning(3, summary: nil),
                message(20, status: "incomplete", content: [truncated.contentPart]),
            ]
        case .failed, .cancelled:
            return partial()
        case .unknownStatus:
            return []
        }
    }

    /// Returns the research items of a completed job: reasoning and web searches of every
    /// action shape. One search has an empty action and one has none, as deep research was
    /// reported to emit once a run passes `max_tool_calls`.
    private func research() -> [JSONValue] {
        let slug = ResponseID.hex(ResponseID.stableHash(jobID), width: 16)
        return [
            reasoning(1, summary: "**Planning the research**\n\nI will look for primary sources first."),
            searchCall(2, status: "completed", action: ["type": "search", "query": .string(searchQuery)]),
            reasoning(3, summary: nil),
            searchCall(
                4, status: "completed",
                action: ["type": "open_page", "url": .string("https://example.org/research/\(slug)")]),
            searchCall(5, status: "completed", action: .object([])),
            searchCall(6, status: "completed", action: nil),
            reasoning(7, summary: "**Writing the report**\n\nI have enough evidence to write the summary."),
        ]
    }

    /// Builds two messages: the first with two `output_text` parts, the second with one.
    private func reportMessages() -> [JSONValue] {
        let parts = ReportText.parts(jobID: jobID, prompt: prompt)
        return [
            message(20, status: "completed", content: parts.firstMessage.map(\.contentPart)),
            message(21, status: "completed", content: parts.secondMessage.map(\.contentPart)),
        ]
    }

    // MARK: - Items

    /// The search query shown in search actions: the prompt on one line, at most 100 characters.
    private var searchQuery: String {
        let words = prompt.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        return String(words.joined(separator: " ").prefix(100))
    }

    private func itemID(_ prefix: String, _ number: Int) -> String {
        let hash = ResponseID.stableHash(jobID)
        let second = ResponseID.stableHash(jobID + "#items")
        let suffix = number < 10 ? "0\(number)" : String(number)
        return "\(prefix)_\(ResponseID.hex(hash, width: 16))\(ResponseID.hex(second, width: 16))\(suffix)"
    }

    private func reasoning(_ number: Int, summary: String?) -> JSONValue {
        let summaries: JSONValue = summary.map { [["type": "summary_text", "text": .string($0)]] } ?? []
        return ["id": .string(itemID("rs", number)), "type": "reasoning", "summary": summaries]
    }

    /// Builds a `web_search_call` item. A `nil` action leaves the `action` key out entirely.
    private func searchCall(_ number: Int, status: String, action: JSONValue?) -> JSONValue {
        var item: JSONValue = [
            "id": .string(itemID("ws", number)), "type": "web_search_call", "status": .string(status),
        ]
        if let action {
            item = item.setting("action", to: action)
        }
        return item
    }

    private func message(_ number: Int, status: String, content: [JSONValue]) -> JSONValue {
        [
            "id": .string(itemID("msg", number)),
            "type": "message",
            "status": .string(status),
            "content": .array(content),
            "role": "assistant",
        ]
    }
}

extension CitedText {
    /// Creates a part with `plain` text and no citations.
    init(plain: String) {
        self.init()
        append(plain)
    }
}
