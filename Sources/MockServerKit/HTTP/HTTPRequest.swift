/// One parsed HTTP/1.x request.
struct HTTPRequest: Sendable {
    /// The method as sent, for example `GET`. Methods are case-sensitive in HTTP.
    var method: String
    /// The request target without its query, for example `/v1/responses/resp_1`.
    var path: String
    /// The text after `?` in the request target, or `nil` when there is none.
    var query: String?
    /// `HTTP/1.0` or `HTTP/1.1`.
    var version: String
    /// Header fields in arrival order, with lower-cased names and trimmed values.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(
        method: String, path: String, query: String?, version: String,
        headers: [(name: String, value: String)], body: [UInt8]
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// Returns the field named `name` (any case), with repeated fields joined by `", "`.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        let values = headers.filter { $0.name == wanted }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// Whether the client asked to keep the connection open: HTTP/1.1 unless it sent
    /// `Connection: close`, HTTP/1.0 only when it sent `Connection: keep-alive`.
    var wantsKeepAlive: Bool {
        let tokens = (header("connection") ?? "")
            .lowercased()
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if version == "HTTP/1.0" {
            return tokens.contains("keep-alive")
        }
        return !tokens.contains("close")
    }
}
