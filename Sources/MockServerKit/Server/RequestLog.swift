import Foundation
import Synchronization

/// The record of every API request the server responded to, dropped or stalled.
///
/// Each record is `{"time", "method", "path", "query", "status", "request_id", "headers",
/// "body", "body_bytes"}`. `time` is Unix seconds with fractions, taken when the request was
/// read. `status` and `request_id` are `null` for dropped and stalled requests. Header names
/// are lower-cased, and the bearer token in `authorization` is masked. `body` is the parsed
/// JSON body, its text when it is not JSON, or `null` when it is empty or too large. When a
/// file is set, every record is also appended to it as one JSON line. Requests to the
/// `/__mock/` control paths are not recorded.
final class RequestLog: Sendable {
    /// The number of records kept in memory; older ones are dropped first.
    static let maximumRecords = 100_000
    /// Bodies larger than this are recorded as `null`, with only their size in `body_bytes`.
    static let maximumRecordedBodyBytes = 64 * 1024

    private let records = Mutex<[JSONValue]>([])
    private let fileDescriptor: Int32?
    private let writeFailureReported = Atomic<Bool>(false)

    /// Opens `filePath` for appending, creating it when needed.
    init(filePath: String?) throws(ListenerError) {
        guard let filePath else {
            fileDescriptor = nil
            return
        }
        let descriptor = open(filePath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ListenerError(description: "cannot open request log '\(filePath)': \(SocketIO.lastErrorText())")
        }
        fileDescriptor = descriptor
    }

    func append(_ request: HTTPRequest, time: Double, status: Int?, requestID: String?) {
        store(Self.record(request, time: time, status: status, requestID: requestID))
    }

    /// Records a request that could not be parsed, with `method` and `path` set to `null`.
    func appendRejected(time: Double, status: Int, message: String, requestID: String) {
        store([
            "time": .double(time), "method": nil, "path": nil, "query": nil, "status": .int(status),
            "request_id": .string(requestID), "headers": .object([]), "body": nil, "body_bytes": 0,
            "error": .string(message),
        ])
    }

    private func store(_ record: JSONValue) {
        records.withLock { records in
            if records.count >= Self.maximumRecords {
                records.removeFirst(records.count - Self.maximumRecords + 1)
            }
            records.append(record)
            if let fileDescriptor {
                // One write per line under the lock keeps lines whole and in order.
                let line = JSONWriter.serialize(record, pretty: false) + [0x0A]
                let written = line.withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
                if written != line.count, !writeFailureReported.exchange(true, ordering: .relaxed) {
                    StandardStreams.error(
                        "deepr-mock-api: cannot append to the request log: \(SocketIO.lastErrorText()); "
                            + "later failures are not reported")
                }
            }
        }
    }

    func snapshot() -> [JSONValue] {
        records.withLock { $0 }
    }

    /// Clears the records kept in memory and returns how many there were. The file keeps its lines.
    @discardableResult
    func reset() -> Int {
        records.withLock { records in
            let count = records.count
            records.removeAll()
            return count
        }
    }

    private static func record(_ request: HTTPRequest, time: Double, status: Int?, requestID: String?) -> JSONValue {
        var headers: [JSONMember] = []
        for (name, value) in request.headers {
            let shown = name == "authorization" ? Authenticator.redact(value) : value
            if let index = headers.firstIndex(where: { $0.key == name }),
                case .string(let earlier) = headers[index].value
            {
                headers[index].value = .string(earlier + ", " + shown)
            } else {
                headers.append(JSONMember(name, .string(shown)))
            }
        }

        let body: JSONValue
        if request.body.isEmpty || request.body.count > Self.maximumRecordedBodyBytes {
            body = .null
        } else if let parsed = try? JSONParser.parse(request.body) {
            body = parsed
        } else {
            body = .string(String(decoding: request.body, as: UTF8.self))
        }

        return [
            "time": .double(time),
            "method": .string(request.method),
            "path": .string(request.path),
            "query": .optionalString(request.query),
            "status": status.map(JSONValue.int) ?? .null,
            "request_id": .optionalString(requestID),
            "headers": .object(headers),
            "body": body,
            "body_bytes": .int(request.body.count),
        ]
    }
}
