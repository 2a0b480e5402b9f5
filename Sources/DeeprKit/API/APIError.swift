/// A failed API call, with what the user needs to act on it: the HTTP status, the API's
/// `error.message`, the job id and the `x-request-id`. It never contains the API key.
public struct APIError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The server returned an error status.
        case http(status: Int)
        case timedOut
        case connectionFailed(String)
        case cancelled
        /// A 2xx response whose body is not a JSON object.
        case invalidBody
        /// A job id with characters other than letters, digits, `_` and `-`; nothing was sent.
        case invalidJobID
    }

    public var kind: Kind
    public var method: String
    public var path: String
    public var jobID: String?
    public var apiMessage: String?
    public var apiCode: String?
    public var requestID: String?
    /// A short description of a non-JSON body, such as "non-JSON body (text/html)".
    public var bodyNote: String?

    public var httpStatus: Int? {
        if case .http(let status) = kind { return status }
        return nil
    }

    /// Whether the failure tells nothing about the job itself (network, gateway, rate limit),
    /// so its recorded status must stay as it was.
    public var isTransient: Bool {
        switch kind {
        case .timedOut, .connectionFailed, .cancelled, .invalidBody: return true
        case .invalidJobID: return false
        case .http(let status): return status == 408 || status == 409 || status == 429 || status >= 500
        }
    }

    /// A 404 with the API's JSON error: the response does not exist (any more). A 404 with an
    /// HTML page, such as a proxy's maintenance page, tells nothing about the job.
    public var isNotFound: Bool { httpStatus == 404 && bodyNote == nil }
    public var isAuthentication: Bool { httpStatus == 401 }

    public var summary: String {
        var parts: [String] = []
        switch kind {
        case .http(let status):
            parts.append("HTTP \(status)")
        case .timedOut:
            parts.append("the request timed out")
        case .connectionFailed(let reason):
            parts.append("connection failed (\(reason))")
        case .cancelled:
            parts.append("cancelled")
        case .invalidBody:
            parts.append("invalid response body")
        case .invalidJobID:
            parts.append("invalid job id: ids contain only letters, digits, '_' and '-', so no request was sent")
        }
        if let bodyNote { parts.append(bodyNote) }
        if let apiMessage { parts.append(apiMessage) }
        var text = parts.joined(separator: ": ")
        var context: [String] = ["\(method) \(path)"]
        if let requestID { context.append("request \(requestID)") }
        text += " (" + context.joined(separator: ", ") + ")"
        return text
    }
}

extension APIError: DeeprErrorConvertible {
    public var deeprError: DeeprError {
        if isAuthentication {
            return DeeprError(.auth, "the API rejected the key in OPENAI_API_KEY: \(summary)",
                              hint: "set a valid key in OPENAI_API_KEY, in the environment or in .env")
        }
        if case .cancelled = kind {
            return DeeprError(.interrupted, "interrupted")
        }
        let subject = jobID.map { "\($0): " } ?? ""
        return DeeprError(.runtime, subject + summary)
    }
}
