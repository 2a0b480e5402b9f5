import Foundation
import Synchronization
import Testing

@testable import DeeprKit

/// A transport that replays canned responses and records requests.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = Mutex<[Result<HTTPResponse, TransportError>]>([])
    let requests = Mutex<[HTTPRequest]>([])

    init(_ replies: [Result<HTTPResponse, TransportError>]) {
        lock.withLock { $0 = replies }
    }

    func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse {
        requests.withLock { $0.append(request) }
        let reply = lock.withLock { replies -> Result<HTTPResponse, TransportError> in
            replies.isEmpty ? .failure(.connectionFailed("no more replies")) : replies.removeFirst()
        }
        switch reply {
        case .success(let response): return response
        case .failure(let error): throw error
        }
    }

    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Result<HTTPResponse, TransportError> {
        .success(HTTPResponse(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                              body: Data(body.utf8)))
    }
}

/// Records the delays the client asked to sleep.
final class SleepRecorder: Sendable {
    let values = Mutex<[Double]>([])
}

@Suite struct APIClientTests {
    static let key = "sk-test-0123456789abcdefSECRET"
    static let ok = #"{"id": "resp_abc123", "object": "response", "created_at": 1751739769, "status": "in_progress"}"#

    func client(_ transport: ScriptedTransport, sleeps: SleepRecorder? = nil) throws -> APIClient {
        let client = try APIClient(baseURL: "http://127.0.0.1:9/v1", apiKey: APIClientTests.key, organization: "org-1",
                                   project: "proj-1", timeout: 5, transport: transport)
        let recorder = sleeps
        client.sleep = { seconds in recorder?.values.withLock { $0.append(seconds) } }
        return client
    }

    @Test func sendsAuthAndIdentityHeaders() throws {
        let transport = ScriptedTransport([ScriptedTransport.json(200, APIClientTests.ok)])
        _ = try client(transport).retrieve(id: "resp_abc123")
        let request = try #require(transport.requests.withLock { $0.first })
        let headers = Dictionary(request.headers, uniquingKeysWith: { $1 })
        #expect(headers["Authorization"] == "Bearer \(APIClientTests.key)")
        #expect(headers["OpenAI-Organization"] == "org-1")
        #expect(headers["OpenAI-Project"] == "proj-1")
        #expect(headers["User-Agent"]?.hasPrefix("deepr-manager/") == true)
        #expect(request.url.absoluteString == "http://127.0.0.1:9/v1/responses/resp_abc123")
        #expect(request.method == "GET")
    }

    // B08: header names are matched without regard to case.
    @Test(arguments: ["retry-after", "Retry-After", "RETRY-AFTER"])
    func retryAfterAnyCaseIsHonoured(_ name: String) throws {
        let sleeps = SleepRecorder()
        let transport = ScriptedTransport([
            ScriptedTransport.json(429, #"{"error": {"message": "Rate limit reached", "type": "tokens", "code": "rate_limit_exceeded"}}"#,
                                   headers: [name: "2"]),
            ScriptedTransport.json(200, APIClientTests.ok),
        ])
        _ = try client(transport, sleeps: sleeps).retrieve(id: "resp_abc123")
        #expect(sleeps.values.withLock { $0 } == [2.0])
    }

    @Test func retryAfterMillisecondsWins() throws {
        let sleeps = SleepRecorder()
        let transport = ScriptedTransport([
            ScriptedTransport.json(503, "{}", headers: ["retry-after-ms": "250", "retry-after": "9"]),
            ScriptedTransport.json(200, APIClientTests.ok),
        ])
        _ = try client(transport, sleeps: sleeps).retrieve(id: "resp_abc123")
        #expect(sleeps.values.withLock { $0 } == [0.25])
    }

    @Test func retriesAreBoundedWithBackoff() throws {
        let sleeps = SleepRecorder()
        let transport = ScriptedTransport(Array(repeating: ScriptedTransport.json(502, "<html>bad gateway</html>", headers: ["Content-Type": "text/html"]), count: 5))
        #expect {
            try client(transport, sleeps: sleeps).retrieve(id: "resp_abc123")
        } throws: { error in
            let apiError = error as? APIError
            return apiError?.httpStatus == 502 && apiError?.bodyNote?.contains("text/html") == true
        }
        #expect(transport.requests.withLock { $0.count } == 3)
        let delays = sleeps.values.withLock { $0 }
        #expect(delays.count == 2)
        #expect(delays[0] >= 0.375)
        #expect(delays[0] <= 0.5)
        #expect(delays[1] >= 0.75)
        #expect(delays[1] <= 1.0)
    }

    @Test func insufficientQuotaIsNotRetried() throws {
        let transport = ScriptedTransport([
            ScriptedTransport.json(429, #"{"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}"#),
            ScriptedTransport.json(200, APIClientTests.ok),
        ])
        #expect(throws: APIError.self) { try client(transport).retrieve(id: "resp_abc123") }
        #expect(transport.requests.withLock { $0.count } == 1)
    }

    @Test func longRetryAfterIsNotWaited() throws {
        let transport = ScriptedTransport([
            ScriptedTransport.json(429, "{}", headers: ["retry-after": "600"]),
            ScriptedTransport.json(200, APIClientTests.ok),
        ])
        #expect(throws: APIError.self) { try client(transport).retrieve(id: "resp_abc123") }
        #expect(transport.requests.withLock { $0.count } == 1)
    }

    @Test func createIsNotRetriedAfterTimeout() throws {
        let transport = ScriptedTransport([.failure(.timedOut), ScriptedTransport.json(200, APIClientTests.ok)])
        #expect(throws: APIError.self) { try client(transport).create(body: JSONObject([("model", .string("o3-deep-research"))])) }
        #expect(transport.requests.withLock { $0.count } == 1)
    }

    @Test func getIsRetriedAfterTimeout() throws {
        let transport = ScriptedTransport([.failure(.timedOut), ScriptedTransport.json(200, APIClientTests.ok)])
        let response = try client(transport).retrieve(id: "resp_abc123")
        #expect(response.status == "in_progress")
    }

    @Test func errorsCarryStatusMessageJobAndRequestID() throws {
        let transport = ScriptedTransport([
            ScriptedTransport.json(404, #"{"error": {"message": "Response with id 'resp_abc123' not found.", "type": "invalid_request_error", "param": null, "code": null}}"#,
                                   headers: ["X-Request-Id": "req_42"]),
        ])
        #expect {
            try client(transport).retrieve(id: "resp_abc123")
        } throws: { error in
            let presented = DeeprError.from(error)
            return presented.message.contains("HTTP 404") && presented.message.contains("not found")
                && presented.message.contains("resp_abc123") && presented.message.contains("req_42")
        }
    }

    @Test func keyIsRedactedFromServerMessages() throws {
        let transport = ScriptedTransport([
            ScriptedTransport.json(401, #"{"error": {"message": "Incorrect API key provided: \#(APIClientTests.key)", "type": "invalid_request_error", "code": "invalid_api_key"}}"#),
        ])
        #expect {
            try client(transport).retrieve(id: "resp_abc123")
        } throws: { error in
            let presented = DeeprError.from(error)
            return presented.status == .auth && !presented.message.contains(APIClientTests.key)
                && presented.message.contains("OPENAI_API_KEY")
        }
    }

    @Test(arguments: ["http://api.example.com/v1", "http://10.0.0.1/v1", "ftp://127.0.0.1/v1", "not a url"])
    func plainHTTPRefusedOffLoopback(_ url: String) {
        #expect(throws: DeeprError.self) { try APIClient.validate(baseURL: url) }
    }

    @Test(arguments: ["https://api.openai.com/v1", "http://127.0.0.1:8080/v1", "http://[::1]:8080/v1", "http://localhost/v1/"])
    func acceptedBaseURLs(_ url: String) throws {
        _ = try APIClient.validate(baseURL: url)
    }

    @Test func invalidIDNeverReachesURL() throws {
        let transport = ScriptedTransport([ScriptedTransport.json(200, APIClientTests.ok)])
        #expect(throws: APIError.self) { try client(transport).retrieve(id: "../../v1/files") }
        #expect(transport.requests.withLock { $0.isEmpty })
    }
}
