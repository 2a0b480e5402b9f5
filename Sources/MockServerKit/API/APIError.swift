/// OpenAI-style error responses: `{"error": {"message", "type", "param", "code"}}`, with all
/// four keys present as the API sends them.
enum APIError {
    static func response(
        status: Int, message: String, type: String = "invalid_request_error", param: String? = nil,
        code: String? = nil
    ) -> HTTPResponse {
        .json(status, body(message: message, type: type, param: param, code: code))
    }

    static func body(message: String, type: String, param: String?, code: String?) -> JSONValue {
        [
            "error": [
                "message": .string(message),
                "type": .string(type),
                "param": .optionalString(param),
                "code": .optionalString(code),
            ]
        ]
    }

    static func notFound(id: String) -> HTTPResponse {
        response(status: 404, message: "Response with id '\(id)' not found.")
    }

    static func invalidURL(method: String, path: String) -> HTTPResponse {
        response(status: 404, message: "Invalid URL (\(method) \(path))")
    }

    static func methodNotAllowed(method: String, path: String, allowed: [String]) -> HTTPResponse {
        var rejection = response(
            status: 405,
            message: "Method \(method) is not allowed for \(path). Use \(allowed.joined(separator: " or ")).")
        rejection.headers.append(("allow", allowed.joined(separator: ", ")))
        return rejection
    }

    /// Returns the body a fault sends when it gives a status but no body.
    static func standardFaultBody(status: Int) -> JSONValue {
        switch status {
        case 401:
            return body(
                message: "Incorrect API key provided. A scenario fault rejected this request with 401.",
                type: "invalid_request_error", param: nil, code: "invalid_api_key")
        case 429:
            return body(
                message: "Rate limit reached for o3-deep-research in organization org-mock on requests per min "
                    + "(RPM): Limit 10, Used 10, Requested 1. Please try again in 2s.",
                type: "requests", param: nil, code: "rate_limit_exceeded")
        case 500:
            return body(
                message: "The server had an error while processing your request.",
                type: "server_error", param: nil, code: nil)
        case 502, 503, 504:
            return body(
                message: "The upstream service is unavailable (HTTP \(status)). Try again later.",
                type: "server_error", param: nil, code: nil)
        default:
            let type = status >= 500 ? "server_error" : "invalid_request_error"
            return body(message: "Mock fault: HTTP \(status).", type: type, param: nil, code: nil)
        }
    }
}
