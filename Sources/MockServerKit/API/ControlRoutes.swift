/// Handles the test-control paths under `/__mock/`, which need no API key and meet no faults.
///
/// - `GET /__mock/requests` returns the request log as a JSON array.
/// - `POST /__mock/reset` clears the request log and returns `{"cleared": N}`.
struct ControlRoutes: Sendable {
    let requestLog: RequestLog

    static func handles(_ path: String) -> Bool {
        path == "/__mock" || path.hasPrefix("/__mock/")
    }

    func response(for request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/__mock/requests"):
            return .json(200, .array(requestLog.snapshot()))
        case ("POST", "/__mock/reset"):
            let cleared = requestLog.reset()
            return .json(200, ["cleared": .int(cleared)])
        case (_, "/__mock/requests"):
            return APIError.methodNotAllowed(method: request.method, path: request.path, allowed: ["GET"])
        case (_, "/__mock/reset"):
            return APIError.methodNotAllowed(method: request.method, path: request.path, allowed: ["POST"])
        default:
            return APIError.invalidURL(method: request.method, path: request.path)
        }
    }
}
