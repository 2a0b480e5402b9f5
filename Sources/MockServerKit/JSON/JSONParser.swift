/// An error from `JSONParser`, with the byte offset where reading stopped.
struct JSONParseError: Error, CustomStringConvertible, Sendable {
    var message: String
    var offset: Int

    var description: String {
        "\(message) at byte \(offset)"
    }
}

/// A strict RFC 8259 JSON reader that produces `JSONValue`.
///
/// It accepts one value surrounded by optional whitespace and an optional leading UTF-8 byte
/// order mark. It rejects `NaN`, `Infinity`, comments, trailing commas, raw control characters
/// in strings and invalid UTF-8. A lone surrogate escape becomes U+FFFD because a Swift string
/// cannot hold it. Nesting deeper than `maximumDepth` is rejected so that a hostile request
/// body cannot overflow the stack.
struct JSONParser {
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var index = 0

    /// Parses `bytes` as one JSON document.
    static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    /// Parses `text` as one JSON document.
    static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
        }
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count {
            throw failure("unexpected data after the JSON value")
        }
        return value
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maximumDepth else {
            throw failure("nesting deeper than \(Self.maximumDepth) levels")
        }
        guard index < bytes.count else {
            throw failure("unexpected end of input")
        }

        switch bytes[index] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw failure("unexpected character '\(printable(bytes[index]))'")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            return .object(members)
        }

        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a string key")
            }
            let key = try parseString()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else {
                throw failure("expected ':' after an object key")
            }
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(JSONMember(key, value))

            skipWhitespace()
            if consume(UInt8(ascii: "}")) {
                return .object(members)
            }
            guard consume(UInt8(ascii: ",")) else {
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) {
            return .array(items)
        }

        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if consume(UInt8(ascii: "]")) {
                return .array(items)
            }
            guard consume(UInt8(ascii: ",")) else {
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    // MARK: - Strings

    /// Reads a string starting at its opening quote and leaves `index` after the closing quote.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        var utf8: [UInt8] = []

        while true {
            guard index < bytes.count else {
                throw failure("unterminated string")
            }
            let byte = bytes[index]
            index += 1

            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw failure("invalid UTF-8 in a string")
                }
                return text
            case UInt8(ascii: "\\"):
                try appendEscape(to: &utf8)
            case 0x00..<0x20:
                throw failure("raw control character in a string")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func appendEscape(to utf8: inout [UInt8]) throws(JSONParseError) {
        guard index < bytes.count else {
            throw failure("unterminated escape")
        }
        let letter = bytes[index]
        index += 1

        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
            utf8.append(letter)
        case UInt8(ascii: "b"):
            utf8.append(0x08)
        case UInt8(ascii: "f"):
            utf8.append(0x0C)
        case UInt8(ascii: "n"):
            utf8.append(0x0A)
        case UInt8(ascii: "r"):
            utf8.append(0x0D)
        case UInt8(ascii: "t"):
            utf8.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try parseUnicodeEscape()
            utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw failure("invalid escape '\\\(printable(letter))'")
        }
    }

    /// Reads the hex digits after `\u`, joining a surrogate pair into one scalar.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = try parseHexQuad()
        let replacement = Unicode.Scalar(0xFFFD)!

        if (0xD800...0xDBFF).contains(first) {
            let pairFollows =
                index + 1 < bytes.count
                && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u")
            guard pairFollows else {
                return replacement
            }
            let saved = index
            index += 2
            let second = try parseHexQuad()
            guard (0xDC00...0xDFFF).contains(second) else {
                index = saved
                return replacement
            }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Unicode.Scalar(combined) ?? replacement
        }

        return Unicode.Scalar(first) ?? replacement
    }

    private mutating func parseHexQuad() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else {
            throw failure("truncated \\u escape")
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"):
                digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default:
                throw failure("invalid hex digit in a \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    // MARK: - Numbers and words

    /// Reads a number by the JSON grammar and returns its literal text.
    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        _ = consume(UInt8(ascii: "-"))

        if consume(UInt8(ascii: "0")) {
            // A leading zero must be the only integer digit: "01" is not a JSON number.
        } else if !consumeDigits() {
            throw failure("expected a digit")
        }

        if consume(UInt8(ascii: ".")) {
            guard consumeDigits() else {
                throw failure("expected a digit after '.'")
            }
        }

        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !consume(UInt8(ascii: "+")) {
                _ = consume(UInt8(ascii: "-"))
            }
            guard consumeDigits() else {
                throw failure("expected a digit in the exponent")
            }
        }

        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Consumes a run of ASCII digits and returns whether there was at least one.
    private mutating func consumeDigits() -> Bool {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            index += 1
        }
        return index > start
    }

    private mutating func expectWord(_ word: String) throws(JSONParseError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count,
            bytes[index..<(index + expected.count)].elementsEqual(expected)
        else {
            throw failure("invalid literal, expected '\(word)'")
        }
        index += expected.count
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            default:
                return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else {
            return false
        }
        index += 1
        return true
    }

    private func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16)
    }

    private func failure(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: index)
    }
}
