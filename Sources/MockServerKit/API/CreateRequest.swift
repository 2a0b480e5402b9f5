/// Checks the body of `POST /v1/responses` and turns it into a new job.
///
/// It rejects, as the API does, a body that is not a JSON object, a missing `model` or
/// `input`, a `max_output_tokens` below 16, and a deep-research model without a data-source
/// tool. It also rejects requests without `"background": true`, because the mock serves only
/// background responses.
enum CreateRequest {
    enum Outcome {
        case created(MockJob)
        /// The request is invalid, and the response explains why.
        case rejected(HTTPResponse)
    }

    static func makeJob(body: [UInt8], now: Double, clock: JobClockSettings) -> Outcome {
        let request: JSONValue
        do {
            request = try JSONParser.parse(body)
        } catch {
            return .rejected(
                APIError.response(
                    status: 400, message: "The request body is not valid JSON (\(error)). Send a JSON object."))
        }
        guard request.objectMembers != nil else {
            return .rejected(APIError.response(status: 400, message: "The request body must be a JSON object."))
        }

        guard let model = request["model"]?.stringValue, !model.isEmpty else {
            return .rejected(missing("model"))
        }
        guard let input = request["input"], !input.isNull else {
            return .rejected(missing("input"))
        }
        guard request["background"]?.boolValue == true else {
            return .rejected(
                APIError.response(
                    status: 400,
                    message: "deepr-mock-api serves only background responses. Set 'background' to true.",
                    param: "background"))
        }
        if let failure = checkMaxOutputTokens(request["max_output_tokens"]) {
            return .rejected(failure)
        }
        if let failure = checkDeepResearchTools(model: model, tools: request["tools"]) {
            return .rejected(failure)
        }

        var echo = RequestEcho()
        echo.instructions = request["instructions"] ?? .null
        echo.tools = request["tools"] ?? []
        echo.metadata = request["metadata"] ?? .object([])
        echo.maxOutputTokens = request["max_output_tokens"] ?? .null
        echo.maxToolCalls = request["max_tool_calls"] ?? .null
        echo.reasoning = request["reasoning"] ?? ["effort": "medium", "summary": nil]
        echo.temperature = request["temperature"] ?? 1.0

        return .created(
            MockJob(
                id: ResponseID.random(),
                prompt: promptText(of: input),
                model: model,
                createdAt: Int(now.rounded(.down)),
                timeline: .clock(
                    start: now, queuedSeconds: clock.queuedSeconds, runningSeconds: clock.runningSeconds,
                    outcome: .completed),
                echo: echo))
    }

    /// Returns the text of `input`: a string as it is, or the text of every item's `content`
    /// (a string, or parts carrying `text`), joined by newlines.
    static func promptText(of input: JSONValue) -> String {
        if let text = input.stringValue {
            return text
        }
        var pieces: [String] = []
        for item in input.arrayValue ?? [] {
            if let text = item["content"]?.stringValue {
                pieces.append(text)
            }
            for part in item["content"]?.arrayValue ?? [] {
                if let text = part["text"]?.stringValue {
                    pieces.append(text)
                }
            }
        }
        return pieces.joined(separator: "\n")
    }

    private static func checkMaxOutputTokens(_ value: JSONValue?) -> HTTPResponse? {
        guard let value, !value.isNull else {
            return nil
        }
        guard let limit = value.intValue else {
            return APIError.response(
                status: 400, message: "Invalid type for 'max_output_tokens': expected an integer.",
                param: "max_output_tokens", code: "invalid_type")
        }
        guard limit >= 16 else {
            return APIError.response(
                status: 400,
                message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, "
                    + "but got \(limit) instead.",
                param: "max_output_tokens", code: "integer_below_min_value")
        }
        return nil
    }

    private static func checkDeepResearchTools(model: String, tools: JSONValue?) -> HTTPResponse? {
        guard model.contains("deep-research") else {
            return nil
        }
        let types = (tools?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
        guard types.contains(where: { ["web_search_preview", "mcp", "file_search"].contains($0) }) else {
            return APIError.response(
                status: 400,
                message: "Deep research models require at least one of 'web_search_preview', 'mcp', or "
                    + "'file_search' tools.",
                param: "tools")
        }
        return nil
    }

    private static func missing(_ parameter: String) -> HTTPResponse {
        APIError.response(
            status: 400, message: "Missing required parameter: '\(parameter)'.", param: parameter,
            code: "missing_required_parameter")
    }
}
