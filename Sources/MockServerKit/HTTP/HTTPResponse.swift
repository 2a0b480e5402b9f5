import Foundation

/// One HTTP response to send: status, extra header fields and body.
///
/// `serialize` adds `content-length`, `connection`, `date`, `x-request-id` and the
/// `openai-*` fields itself. A field in `headers` with the same name replaces the default
/// one, except `content-length` and `connection`, which always follow the real body and
/// connection state.
struct HTTPResponse: Sendable {
    var status: Int
    /// Extra header fields, sent with their names exactly as given.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// Whether the server closes the connection after this response, whatever the client asked.
    var closesConnection = false

    init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Builds a response whose body is `value` in the API's pretty layout.
    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("content-type", "application/json")],
            body: JSONWriter.serialize(value, pretty: true)
        )
    }

    /// Serializes the status line, header fields and body for the wire. With `includeBody`
    /// false (the response to `HEAD`) the body is left out but `content-length` still counts it.
    func serialize(
        requestID: String, processingMilliseconds: Int, keepAlive: Bool, includeBody: Bool = true
    ) -> [UInt8] {
        var lines = ["HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(for: status))"]
        let given = Set(headers.map { $0.name.lowercased() })

        var defaults: [(String, String)] = [
            ("content-type", "application/json"),
            ("date", HTTPDate.string(for: Date())),
            ("x-request-id", requestID),
            ("openai-version", "2020-10-01"),
            ("openai-processing-ms", String(processingMilliseconds)),
        ]
        defaults.removeAll { given.contains($0.0) }

        for (name, value) in defaults {
            lines.append("\(name): \(value)")
        }
        for (name, value) in headers where !["content-length", "connection"].contains(name.lowercased()) {
            lines.append("\(name): \(value)")
        }
        lines.append("content-length: \(body.count)")
        lines.append("connection: \(keepAlive ? "keep-alive" : "close")")

        var output = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        if includeBody {
            output.append(contentsOf: body)
        }
        return output
    }

    /// Returns the standard reason phrase for `status`, or `Status N` for codes without one.
    static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}
