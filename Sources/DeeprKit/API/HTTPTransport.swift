import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [(String, String)]
    public var body: Data?
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased, so lookups ignore case as HTTP requires.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}

/// Failures below HTTP: the request got no response.
public enum TransportError: Error, Sendable, Equatable {
    case timedOut
    case connectionFailed(String)
    case cancelled
}

/// Sends one HTTP request and waits for the whole response. Injectable for tests.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse
}

/// The real transport: URLSession from FoundationNetworking, one shared session with a
/// bounded connection pool. Waiting checks for Ctrl-C every 100 ms and cancels the task.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let session: URLSession
    private let isCancelled: @Sendable () -> Bool

    public init(maximumConnections: Int = 8, isCancelled: @escaping @Sendable () -> Bool = { false }) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maximumConnections
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
        self.isCancelled = isCancelled
    }

    deinit {
        session.invalidateAndCancel()
    }

    public func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        urlRequest.httpBody = request.body

        final class Box: @unchecked Sendable {
            var result: Result<HTTPResponse, TransportError>?
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: urlRequest) { data, response, error in
            if let error = error as? URLError {
                switch error.code {
                case .timedOut: box.result = .failure(.timedOut)
                case .cancelled: box.result = .failure(.cancelled)
                default: box.result = .failure(.connectionFailed(error.localizedDescription))
                }
            } else if let error {
                box.result = .failure(.connectionFailed(error.localizedDescription))
            } else if let http = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    headers[String(describing: key).lowercased()] = String(describing: value)
                }
                box.result = .success(HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
            } else {
                box.result = .failure(.connectionFailed("no HTTP response"))
            }
            done.signal()
        }
        task.resume()

        // URLSession's own timeout is an idle timeout and was seen not to fire on Linux for a
        // server that accepts and then stays silent, so the whole request has a deadline too.
        let deadline = Date().addingTimeInterval(timeout + 0.25)
        while done.wait(timeout: .now() + 0.1) == .timedOut {
            if isCancelled() {
                task.cancel()
                done.wait()
                throw .cancelled
            }
            if Date() > deadline {
                task.cancel()
                done.wait()
                throw .timedOut
            }
        }
        switch box.result! {
        case .success(let response): return response
        case .failure(let error): throw error
        }
    }
}
