import Foundation

/// The result of `HTTPRequestReader.nextRequest()`.
enum HTTPReadResult {
    case request(HTTPRequest)
    /// The peer closed the connection, or stayed idle past the timeout, between requests.
    case closed
    /// The bytes are not an acceptable request. The server responds with `status` and closes.
    case rejected(status: Int, message: String)
}

/// Reads HTTP/1.x requests one after another from a connected socket.
///
/// It keeps bytes that arrive after one request for the next, so pipelined and keep-alive
/// requests both work. Bodies must carry `content-length`: chunked transfer coding is
/// rejected with 501. It sends `100 Continue` when a client waits for it before the body.
/// Reads block until the socket's receive timeout, which the listener sets.
final class HTTPRequestReader {
    private let socket: Int32
    private let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(socket: Int32, limits: HTTPLimits) {
        self.socket = socket
        self.limits = limits
    }

    func nextRequest() -> HTTPReadResult {
        let headerEnd: (lineStart: Int, bodyStart: Int)
        switch readHeaderBlock() {
        case .found(let lineStart, let bodyStart):
            headerEnd = (lineStart, bodyStart)
        case .tooLarge:
            return .rejected(
                status: 431, message: "the request header is larger than \(limits.maximumHeaderBytes) bytes")
        case .ended:
            if buffer.isEmpty {
                return .closed
            }
            return .rejected(status: 408, message: "the request header was not completed in time")
        }

        let head: ParsedHead
        switch HTTPHeadParser.parse(Array(buffer[0..<headerEnd.lineStart])) {
        case .success(let parsed):
            head = parsed
        case .failure(let error):
            return .rejected(status: error.status, message: error.message)
        }

        guard head.contentLength <= limits.maximumBodyBytes else {
            return .rejected(
                status: 413, message: "the request body is larger than \(limits.maximumBodyBytes) bytes")
        }
        let bodyEnd = headerEnd.bodyStart + head.contentLength
        if buffer.count < bodyEnd, head.expectsContinue {
            SocketIO.sendAll(socket, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        while buffer.count < bodyEnd {
            guard receiveMore() else {
                return .rejected(status: 400, message: "the request body ended before content-length bytes arrived")
            }
        }

        let body = Array(buffer[headerEnd.bodyStart..<bodyEnd])
        buffer.removeFirst(bodyEnd)
        return .request(
            HTTPRequest(
                method: head.method, path: head.path, query: head.query, version: head.version,
                headers: head.headers, body: body))
    }

    // MARK: - Reading

    private enum HeaderSearch {
        /// `lineStart` is the offset of the empty line, `bodyStart` the first byte after it.
        case found(lineStart: Int, bodyStart: Int)
        case tooLarge
        /// The peer closed, timed out or failed before the header block was complete.
        case ended
    }

    private func readHeaderBlock() -> HeaderSearch {
        var searchFrom = 0
        while true {
            dropLeadingLineBreaks()
            if let found = findEmptyLine(from: searchFrom) {
                if case .found(let lineStart, _) = found, lineStart > limits.maximumHeaderBytes {
                    return .tooLarge
                }
                return found
            }
            if buffer.count > limits.maximumHeaderBytes {
                return .tooLarge
            }
            searchFrom = max(0, buffer.count - 3)
            guard receiveMore() else {
                return .ended
            }
        }
    }

    /// Drops empty lines before a request line, as robust HTTP/1.1 servers do.
    private func dropLeadingLineBreaks() {
        let count = buffer.prefix(while: { $0 == 0x0D || $0 == 0x0A }).count
        if count > 0 {
            buffer.removeFirst(count)
        }
    }

    /// Finds the empty line that ends the header block, accepting CRLF and bare LF line endings.
    private func findEmptyLine(from start: Int) -> HeaderSearch? {
        var index = start
        while index < buffer.count {
            if buffer[index] == 0x0A {
                if index + 1 < buffer.count, buffer[index + 1] == 0x0A {
                    return .found(lineStart: index + 1, bodyStart: index + 2)
                }
                if index + 2 < buffer.count, buffer[index + 1] == 0x0D, buffer[index + 2] == 0x0A {
                    return .found(lineStart: index + 1, bodyStart: index + 3)
                }
            }
            index += 1
        }
        return nil
    }

    /// Appends the next bytes from the socket. Returns `false` on end of stream, timeout or error.
    private func receiveMore() -> Bool {
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in
                recv(socket, raw.baseAddress, raw.count, 0)
            }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count < 0, errno == EINTR {
                continue
            }
            return false
        }
    }
}
