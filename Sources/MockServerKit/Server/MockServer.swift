import Foundation
import Synchronization

/// The mock Responses API server: a loopback listener and one thread per connection.
///
/// One thread per connection keeps slow responses (latency and stall faults) from delaying
/// other clients, so concurrent requests overlap as they would against the real API.
public final class MockServer: Sendable {
    public let listener: SocketListener
    /// The number of jobs the server held when it started.
    public let initialJobCount: Int

    private let context: ServerContext
    private let maximumConnections: Int
    private let activeConnections = Atomic<Int>(0)
    private let acceptLoopRunning = Atomic<Bool>(false)

    /// Builds the jobs, binds the listener and opens the request log. Call `start()` to serve.
    public init(
        settings: MockServerSettings, loggedJobs: [LoggedJob], scenario: Scenario,
        startTime: Double = Date().timeIntervalSince1970
    ) throws(ListenerError) {
        let now: @Sendable () -> Double = { Date().timeIntervalSince1970 }
        let jobs = JobSeeding.makeJobs(
            logged: loggedJobs, scenario: scenario, clock: settings.clock, startTime: startTime)
        let store = JobStore(jobs: jobs, clock: now)
        let requestLog = try RequestLog(filePath: settings.requestLogPath)

        listener = try SocketListener(address: settings.address, port: settings.port)
        initialJobCount = jobs.count
        maximumConnections = settings.maximumConnections
        context = ServerContext(
            responses: ResponsesRoutes(
                jobs: store, authenticator: Authenticator(expectedKey: settings.apiKey), clock: settings.clock,
                now: now),
            control: ControlRoutes(requestLog: requestLog),
            faults: FaultBook(scenario: scenario),
            requestLog: requestLog,
            limits: settings.limits,
            latencyMilliseconds: settings.latencyMilliseconds,
            now: now)
    }

    /// The API base URL, for example `http://127.0.0.1:8080/v1`.
    public var baseURL: String {
        "http://\(listener.address.urlHost):\(listener.port)/v1"
    }

    /// Starts accepting connections on a background thread and returns at once. Call it once.
    public func start() {
        acceptLoopRunning.store(true, ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in
            acceptConnections()
            listener.close()
        }
        thread.name = "deepr-mock-api accept"
        thread.start()
    }

    /// Stops accepting connections. Connections in progress, including idle keep-alive ones,
    /// go on on their own threads until the client closes them or the idle timeout passes.
    public func stop() {
        listener.shutDown()
        if !acceptLoopRunning.load(ordering: .sequentiallyConsistent) {
            listener.close()
        }
    }

    private func acceptConnections() {
        while let client = listener.acceptConnection() {
            SocketIO.setTimeouts(client, seconds: context.limits.idleTimeoutSeconds)
            SocketIO.disableNagle(client)

            let active = activeConnections.wrappingAdd(1, ordering: .relaxed).newValue
            guard active <= maximumConnections else {
                activeConnections.wrappingSubtract(1, ordering: .relaxed)
                rejectBusy(client)
                continue
            }

            let context = self.context
            let thread = Thread { [self] in
                ConnectionHandler(socket: client, context: context).run()
                activeConnections.wrappingSubtract(1, ordering: .relaxed)
            }
            thread.start()
        }
    }

    private func rejectBusy(_ client: Int32) {
        let response = APIError.response(
            status: 503,
            message: "deepr-mock-api is serving \(maximumConnections) connections already. Retry later.",
            type: "server_error")
        let bytes = response.serialize(
            requestID: "req_" + ResponseID.randomHex(digits: 32), processingMilliseconds: 0, keepAlive: false)
        SocketIO.sendAll(client, bytes)
        close(client)
    }
}
