import Foundation

/// The request line and header fields of one request, checked and split.
struct ParsedHead {
    var method: String
    var path: String
    var query: String?
    var version: String
    var headers: [(name: String, value: String)]
    var contentLength: Int
    var expectsContinue: Bool
}

/// The reason a request head was rejected, with the HTTP status to respond with.
struct HTTPHeadError: Error {
    var status: Int
    var message: String
}

/// Parses the bytes of a request head (request line and header fields, without the empty
/// line that ends them) by the rules of RFC 9112, rejecting what a strict server rejects.
enum HTTPHeadParser {
    static func parse(_ bytes: [UInt8]) -> Result<ParsedHead, HTTPHeadError> {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? Array(line.dropLast()) : Array(line)
        }
        if lines.last?.isEmpty == true {
            lines.removeLast()
        }
        guard let requestLine = lines.first else {
            return .failure(HTTPHeadError(status: 400, message: "the request line is missing"))
        }

        let start: (method: String, target: String, version: String)
        switch parseRequestLine(requestLine) {
        case .success(let parsed):
            start = parsed
        case .failure(let error):
            return .failure(error)
        }

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            switch parseField(line) {
            case .success(let field):
                headers.append(field)
            case .failure(let error):
                return .failure(error)
            }
        }

        if headers.contains(where: { $0.name == "transfer-encoding" }) {
            return .failure(
                HTTPHeadError(
                    status: 501, message: "transfer-encoding is not supported; send the body with content-length"))
        }

        let contentLength: Int
        switch parseContentLength(headers) {
        case .success(let length):
            contentLength = length
        case .failure(let error):
            return .failure(error)
        }

        let expect = headers.first(where: { $0.name == "expect" })?.value.lowercased()
        let parts = start.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return .success(
            ParsedHead(
                method: start.method,
                path: String(parts[0]),
                query: parts.count > 1 ? String(parts[1]) : nil,
                version: start.version,
                headers: headers,
                contentLength: contentLength,
                expectsContinue: expect == "100-continue"))
    }

    private static func parseRequestLine(
        _ line: [UInt8]
    ) -> Result<(method: String, target: String, version: String), HTTPHeadError> {
        guard line.allSatisfy({ (0x20..<0x7F).contains($0) }) else {
            return .failure(HTTPHeadError(status: 400, message: "the request line contains invalid characters"))
        }
        let words = line.split(separator: 0x20, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard words.count == 3 else {
            return .failure(HTTPHeadError(status: 400, message: "the request line is not 'METHOD TARGET VERSION'"))
        }

        let (method, target, version) = (words[0], words[1], words[2])
        guard !method.isEmpty, method.utf8.allSatisfy(isTokenByte) else {
            return .failure(HTTPHeadError(status: 400, message: "the method is not a valid token"))
        }
        guard target.hasPrefix("/") else {
            return .failure(HTTPHeadError(status: 400, message: "the request target must start with '/'"))
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            let status = version.hasPrefix("HTTP/") ? 505 : 400
            return .failure(HTTPHeadError(status: status, message: "unsupported protocol version '\(version)'"))
        }
        return .success((method, target, version))
    }

    private static func parseField(_ line: [UInt8]) -> Result<(name: String, value: String), HTTPHeadError> {
        if line.first == 0x20 || line.first == 0x09 {
            return .failure(HTTPHeadError(status: 400, message: "obsolete header line folding is not accepted"))
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            return .failure(HTTPHeadError(status: 400, message: "a header line has no field name and colon"))
        }
        let nameBytes = line[0..<colon]
        guard nameBytes.allSatisfy(isTokenByte) else {
            return .failure(HTTPHeadError(status: 400, message: "a header field name contains invalid characters"))
        }

        let valueBytes = line[(colon + 1)...]
        guard !valueBytes.contains(where: { $0 == 0x00 || $0 == 0x0D }) else {
            return .failure(HTTPHeadError(status: 400, message: "a header field value contains NUL or CR"))
        }
        let trimmed = valueBytes.drop(while: isSpaceOrTab).reversed().drop(while: isSpaceOrTab).reversed()
        let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
        return .success((name, String(decoding: Array(trimmed), as: UTF8.self)))
    }

    /// Reads `content-length`: absent means 0, and repeated values must agree.
    private static func parseContentLength(_ headers: [(name: String, value: String)]) -> Result<Int, HTTPHeadError> {
        let values = headers.filter { $0.name == "content-length" }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = values.first else {
            return .success(0)
        }
        guard values.allSatisfy({ $0 == first }) else {
            return .failure(HTTPHeadError(status: 400, message: "conflicting content-length values"))
        }
        guard !first.isEmpty, first.count <= 18, first.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let length = Int(first)
        else {
            return .failure(HTTPHeadError(status: 400, message: "invalid content-length '\(first.prefix(40))'"))
        }
        return .success(length)
    }

    private static func isSpaceOrTab(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// Returns whether `byte` may appear in an RFC 9110 token (method and field names).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
