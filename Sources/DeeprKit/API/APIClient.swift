import Foundation

/// A synchronous client for the Responses API endpoints that background jobs use.
///
/// Retries follow the official SDKs: connection errors, timeouts, 408, 409, 429 and 5xx are
/// retried at most twice, after `retry-after-ms` or `Retry-After` when the server gives one
/// of at most 120 s (a longer one is not retried), else after an exponential backoff
/// starting at 0.5 s, doubling, capped at 8 s, with up to 25% jitter taken off. A 429 whose
/// code is `insufficient_quota` is never retried, and `POST /responses` (which would start
/// a second billed job) is retried only when the connection failed before sending.
public final class APIClient: @unchecked Sendable {
    public static let maximumRetries = 2
    public static let maximumRetryAfter = 120.0

    public let baseURL: URL
    private let apiKey: String
    private let organization: String?
    private let project: String?
    private let timeout: Double
    private let transport: any HTTPTransport
    /// Sleeps for the given seconds; replaced in tests.
    var sleep: @Sendable (Double) -> Void = { seconds in
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
    }
    /// Receives notices such as "rate limited, retrying in 2 s".
    var notice: @Sendable (String) -> Void = { _ in }

    public static let userAgent = "deepr-manager/\(Version.current) (Swift; Linux)"

    public init(baseURL: String, apiKey: String, organization: String?, project: String?, timeout: Double,
                transport: any HTTPTransport, notice: @escaping @Sendable (String) -> Void = { _ in }) throws(DeeprError)
    {
        self.baseURL = try APIClient.validate(baseURL: baseURL)
        self.apiKey = apiKey
        self.organization = organization
        self.project = project
        self.timeout = timeout
        self.transport = transport
        self.notice = notice
    }

    /// Accepts `https://` for any host and `http://` only for loopback hosts, so the key
    /// never travels in the clear.
    public static func validate(baseURL text: String) throws(DeeprError) -> URL {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw .usage("invalid API base URL '\(text)'", hint: "use a URL such as https://api.openai.com/v1")
        }
        switch scheme {
        case "https":
            return url
        case "http":
            guard isLoopback(host) else {
                throw .usage("refusing plain http:// for '\(host)': the API key would travel unencrypted",
                             hint: "use https://, or http:// only for 127.0.0.1, ::1 or localhost")
            }
            return url
        default:
            throw .usage("unsupported scheme '\(scheme)' in API base URL '\(text)'", hint: "use https://")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    // MARK: Endpoints

    public func retrieve(id: String) throws(APIError) -> APIResponse {
        try decode(send("GET", "/responses/\(id)", jobID: id, body: nil, idempotent: true), "GET", id)
    }

    public func cancel(id: String) throws(APIError) -> APIResponse {
        try decode(send("POST", "/responses/\(id)/cancel", jobID: id, body: nil, idempotent: true), "POST", id)
    }

    public func delete(id: String) throws(APIError) {
        _ = try send("DELETE", "/responses/\(id)", jobID: id, body: nil, idempotent: true)
    }

    public func create(body: JSONObject) throws(APIError) -> APIResponse {
        let data = Data(JSONWriter.string(.object(body)).utf8)
        return try decode(send("POST", "/responses", jobID: nil, body: data, idempotent: false), "POST", nil)
    }

    private func decode(_ response: HTTPResponse, _ method: String, _ id: String?) throws(APIError) -> APIResponse {
        let path = id.map { "/responses/\($0)" } ?? "/responses"
        guard let value = try? JSONParser.parse(bytes: [UInt8](response.body)), value.objectValue != nil,
            let decoded = try? APIResponse(value)
        else {
            throw APIError(kind: .invalidBody, method: method, path: path, jobID: id, requestID: response.header("x-request-id"),
                           bodyNote: APIClient.bodyNote(response))
        }
        return decoded
    }

    // MARK: Sending with retries

    func send(_ method: String, _ path: String, jobID: String?, body: Data?, idempotent: Bool) throws(APIError) -> HTTPResponse {
        if let jobID, !JobReference.isValidID(jobID) {
            throw APIError(kind: .invalidJobID, method: method, path: "/responses/…", jobID: nil)
        }
        let url = baseURL.appendingPathComponent(String(path.dropFirst()))
        var headers: [(String, String)] = [
            ("Authorization", "Bearer \(apiKey)"),
            ("User-Agent", APIClient.userAgent),
            ("Accept", "application/json"),
        ]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let organization, !organization.isEmpty { headers.append(("OpenAI-Organization", organization)) }
        if let project, !project.isEmpty { headers.append(("OpenAI-Project", project)) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body)

        var attempt = 0
        while true {
            let outcome: Result<HTTPResponse, TransportError>
            do {
                outcome = .success(try transport.send(request, timeout: timeout))
            } catch {
                outcome = .failure(error)
            }

            switch outcome {
            case .success(let response) where (200..<300).contains(response.status):
                return response
            case .success(let response):
                let failure = httpError(response, method: method, path: path, jobID: jobID)
                guard attempt < APIClient.maximumRetries, idempotent, let delay = retryDelay(response, attempt: attempt) else {
                    throw failure
                }
                if response.status == 429 {
                    notice("rate limited\(jobID.map { " on \($0)" } ?? ""), retrying in \(APIClient.formatSeconds(delay))")
                } else {
                    notice("HTTP \(response.status)\(jobID.map { " on \($0)" } ?? ""), retrying in \(APIClient.formatSeconds(delay))")
                }
                sleep(delay)
            case .failure(let error):
                let failure: APIError
                switch error {
                case .timedOut: failure = APIError(kind: .timedOut, method: method, path: path, jobID: jobID)
                case .cancelled: throw APIError(kind: .cancelled, method: method, path: path, jobID: jobID)
                case .connectionFailed(let reason):
                    failure = APIError(kind: .connectionFailed(reason), method: method, path: path, jobID: jobID)
                }
                // A create that may have reached the server is never sent twice.
                let safeToRetry = idempotent || isRefusedBeforeSending(error)
                guard attempt < APIClient.maximumRetries, safeToRetry else { throw failure }
                sleep(backoff(attempt: attempt))
            }
            attempt += 1
        }
    }

    private func isRefusedBeforeSending(_ error: TransportError) -> Bool {
        if case .connectionFailed(let reason) = error {
            let lowered = reason.lowercased()
            return lowered.contains("refused") || lowered.contains("could not connect") || lowered.contains("resolve")
        }
        return false
    }

    /// The delay before the next try, or nil when this response must not be retried.
    func retryDelay(_ response: HTTPResponse, attempt: Int) -> Double? {
        if let should = response.header("x-should-retry") {
            if should == "false" { return nil }
            if should == "true" { return serverDelay(response) ?? backoff(attempt: attempt) }
        }
        let status = response.status
        guard status == 408 || status == 409 || status == 429 || status >= 500 else { return nil }
        if status == 429, let code = APIClient.errorCode(response), code == "insufficient_quota" || code == "credit_balance_exhausted" {
            return nil
        }
        if let delay = serverDelay(response) {
            return delay > APIClient.maximumRetryAfter ? nil : delay
        }
        return backoff(attempt: attempt)
    }

    /// `retry-after-ms`, else `Retry-After` as seconds or an HTTP date; header names ignore case.
    func serverDelay(_ response: HTTPResponse) -> Double? {
        if let text = response.header("retry-after-ms"), let milliseconds = Double(text), milliseconds > 0 {
            return milliseconds / 1000
        }
        guard let text = response.header("retry-after")?.trimmingWhitespace() else { return nil }
        if let seconds = Double(text), seconds > 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = formatter.date(from: text) {
            let delay = date.timeIntervalSinceNow
            return delay > 0 ? delay : nil
        }
        return nil
    }

    func backoff(attempt: Int) -> Double {
        let base = min(0.5 * pow(2.0, Double(attempt)), 8.0)
        return base * (1 - 0.25 * Double.random(in: 0..<1))
    }

    private func httpError(_ response: HTTPResponse, method: String, path: String, jobID: String?) -> APIError {
        var error = APIError(kind: .http(status: response.status), method: method, path: path, jobID: jobID,
                             requestID: response.header("x-request-id"))
        if let value = try? JSONParser.parse(bytes: [UInt8](response.body)), let object = value["error"]?.objectValue {
            error.apiMessage = object["message"]?.stringValue.map { redact($0) }
            error.apiCode = object["code"]?.stringValue ?? object["type"]?.stringValue
        } else {
            error.bodyNote = APIClient.bodyNote(response)
        }
        return error
    }

    /// Removes the key from any text the server echoes back.
    private func redact(_ text: String) -> String {
        guard apiKey.count >= 8 else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }

    static func errorCode(_ response: HTTPResponse) -> String? {
        guard let value = try? JSONParser.parse(bytes: [UInt8](response.body)) else { return nil }
        return value["error"]?["code"]?.stringValue ?? value["error"]?["type"]?.stringValue
    }

    static func bodyNote(_ response: HTTPResponse) -> String {
        if response.body.isEmpty { return "empty body" }
        let type = response.header("content-type")?.split(separator: ";").first.map(String.init) ?? "unknown type"
        return "non-JSON body (\(type))"
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}

/// The tool's version, shown by `--version` and sent in the User-Agent.
public enum Version {
    public static let current = "0.1.0"
}
