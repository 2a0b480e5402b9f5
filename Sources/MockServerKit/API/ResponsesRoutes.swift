/// Handles the Responses API paths under `/v1` after checking the bearer key.
///
/// - `POST /v1/responses` creates a background job.
/// - `GET /v1/responses/{id}` returns the job's body at this moment.
/// - `DELETE /v1/responses/{id}` removes the job, and later requests for it get 404.
/// - `POST /v1/responses/{id}/cancel` cancels an active job.
/// - `GET /v1/responses/{id}/input_items` lists the prompt as one input message.
struct ResponsesRoutes: Sendable {
    let jobs: JobStore
    let authenticator: Authenticator
    let clock: JobClockSettings
    let now: @Sendable () -> Double

    /// Returns the response id in `/v1/responses/{id}` and the paths below it, else `nil`.
    static func jobID(inPath path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 4, segments[0].isEmpty, segments[1] == "v1", segments[2] == "responses",
            !segments[3].isEmpty
        else {
            return nil
        }
        return String(segments[3])
    }

    func response(for request: HTTPRequest) -> HTTPResponse {
        if let rejection = authenticator.rejection(for: request) {
            return rejection
        }

        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard segments.count >= 2, segments[0] == "v1", segments[1] == "responses" else {
            return APIError.invalidURL(method: request.method, path: request.path)
        }

        switch segments.count {
        case 2:
            guard request.method == "POST" else {
                return APIError.methodNotAllowed(method: request.method, path: request.path, allowed: ["POST"])
            }
            return create(request)
        case 3:
            return handleResponsePath(request, id: segments[2])
        case 4 where segments[3] == "cancel":
            guard request.method == "POST" else {
                return APIError.methodNotAllowed(method: request.method, path: request.path, allowed: ["POST"])
            }
            return cancel(id: segments[2])
        case 4 where segments[3] == "input_items":
            guard request.method == "GET" else {
                return APIError.methodNotAllowed(method: request.method, path: request.path, allowed: ["GET"])
            }
            return inputItems(id: segments[2])
        default:
            return APIError.invalidURL(method: request.method, path: request.path)
        }
    }

    // MARK: - Handlers

    private func handleResponsePath(_ request: HTTPRequest, id: String) -> HTTPResponse {
        guard ResponseID.isValid(id) else {
            return APIError.notFound(id: String(id.prefix(200)))
        }
        switch request.method {
        case "GET":
            return jobs.payload(id: id).map(Self.httpResponse) ?? APIError.notFound(id: id)
        case "DELETE":
            guard jobs.delete(id: id) else {
                return APIError.notFound(id: id)
            }
            return .json(200, ["id": .string(id), "object": "response", "deleted": true])
        default:
            return APIError.methodNotAllowed(method: request.method, path: request.path, allowed: ["GET", "DELETE"])
        }
    }

    private func create(_ request: HTTPRequest) -> HTTPResponse {
        switch CreateRequest.makeJob(body: request.body, now: now(), clock: clock) {
        case .created(let job):
            return Self.httpResponse(jobs.insert(job))
        case .rejected(let rejection):
            return rejection
        }
    }

    private func cancel(id: String) -> HTTPResponse {
        guard ResponseID.isValid(id) else {
            return APIError.notFound(id: String(id.prefix(200)))
        }
        switch jobs.cancel(id: id) {
        case .notFound:
            return APIError.notFound(id: id)
        case .cancelled(let payload):
            return Self.httpResponse(payload)
        case .alreadyCompleted:
            return APIError.response(
                status: 400, message: "Cannot cancel a completed response.", param: "response_id",
                code: "invalid_request_error")
        case .alreadyTerminal:
            return APIError.response(
                status: 400, message: "Cannot cancel a response in terminal state.", param: "response_id",
                code: "invalid_request_error")
        }
    }

    private func inputItems(id: String) -> HTTPResponse {
        guard ResponseID.isValid(id), let list = jobs.inputItems(id: id) else {
            return APIError.notFound(id: String(id.prefix(200)))
        }
        return .json(200, list)
    }

    private static func httpResponse(_ payload: ResponsePayload) -> HTTPResponse {
        switch payload {
        case .json(let value):
            return .json(200, value)
        case .bytes(let bytes):
            return HTTPResponse(status: 200, headers: [("content-type", "application/json")], body: bytes)
        }
    }
}
