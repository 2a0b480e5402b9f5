import Foundation

/// The parts of the server that every connection uses.
struct ServerContext: Sendable {
    let responses: ResponsesRoutes
    let control: ControlRoutes
    let faults: FaultBook
    let requestLog: RequestLog
    let limits: HTTPLimits
    /// Delay added before every API response, in milliseconds.
    let latencyMilliseconds: Int
    let now: @Sendable () -> Double
}

/// Serves the requests of one connection, one after another, on the calling thread.
///
/// For an API request it applies the global latency and the faults, records the request, then
/// sends the response. Faults come before the API key check, as gateway errors do in front of
/// the real API. The connection stays open while the client allows keep-alive and no fault
/// or error closed it. The socket is closed on return.
struct ConnectionHandler {
    let socket: Int32
    let context: ServerContext

    func run() {
        defer { close(socket) }
        let reader = HTTPRequestReader(socket: socket, limits: context.limits)

        while true {
            switch reader.nextRequest() {
            case .closed:
                return
            case .rejected(let status, let message):
                rejectMalformed(status: status, message: message)
                return
            case .request(let request):
                guard handle(request) else {
                    return
                }
            }
        }
    }

    /// Handles one request. Returns whether the connection stays open.
    private func handle(_ request: HTTPRequest) -> Bool {
        let received = context.now()
        let requestID = "req_" + ResponseID.randomHex(digits: 32)

        if ControlRoutes.handles(request.path) {
            return send(context.control.response(for: request), to: request, requestID: requestID, received: received)
        }

        let plan = context.faults.take(method: request.method, path: request.path)
        let delay = context.latencyMilliseconds + plan.latencyMilliseconds
        if delay > 0 {
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
        }

        let response: HTTPResponse
        switch plan.action {
        case .drop:
            context.requestLog.append(request, time: received, status: nil, requestID: nil)
            return false
        case .stall(let seconds):
            context.requestLog.append(request, time: received, status: nil, requestID: nil)
            Thread.sleep(forTimeInterval: seconds)
            return false
        case .respond(let status, let headers, let body, let contentType):
            response = FaultBook.response(status: status, headers: headers, body: body, contentType: contentType)
        case nil:
            response = context.responses.response(for: request)
        }

        // The record is stored before the response is sent, so a client that reads the request
        // log right after its response always finds it.
        context.requestLog.append(request, time: received, status: response.status, requestID: requestID)
        return send(response, to: request, requestID: requestID, received: received)
    }

    private func send(_ response: HTTPResponse, to request: HTTPRequest, requestID: String, received: Double) -> Bool {
        let keepAlive = request.wantsKeepAlive && !response.closesConnection
        let elapsed = Int(((context.now() - received) * 1000).rounded())
        let bytes = response.serialize(
            requestID: requestID, processingMilliseconds: max(0, elapsed), keepAlive: keepAlive,
            includeBody: request.method != "HEAD")
        return SocketIO.sendAll(socket, bytes) && keepAlive
    }

    private func rejectMalformed(status: Int, message: String) {
        let requestID = "req_" + ResponseID.randomHex(digits: 32)
        context.requestLog.appendRejected(time: context.now(), status: status, message: message, requestID: requestID)

        var response = APIError.response(status: status, message: "Malformed HTTP request: \(message).")
        response.closesConnection = true
        let bytes = response.serialize(requestID: requestID, processingMilliseconds: 0, keepAlive: false)
        SocketIO.sendAll(socket, bytes)
    }
}
