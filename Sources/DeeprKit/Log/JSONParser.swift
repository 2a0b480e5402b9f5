/// A strict-but-tolerant JSON parser over UTF-8 bytes.
///
/// It follows RFC 8259 with the extensions Python's `json` module writes and reads:
/// `NaN`, `Infinity` and `-Infinity` are numbers. Lone surrogate escapes (`\ud800`) and
/// invalid UTF-8 bytes inside strings decode to U+FFFD instead of failing, so one odd
/// character never loses a job. Anything else malformed throws `JSONParseError` with the
/// byte offset.
public struct JSONParser {
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    public static func parse(bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            do throws(JSONParseError) {
                return .success(try parse(bytes: raw))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses exactly one value, allowing surrounding whitespace and a leading UTF-8 BOM.
    public static func parse(bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: bytes, position: 0)
        reader.skipBOM()
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else {
            throw JSONParseError(offset: reader.position, reason: "unexpected text after the value")
        }
        return value
    }
}

public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}

/// The byte-level reader shared by `JSONParser` and the log scanner.
struct JSONReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    static let maximumDepth = 512

    var atEnd: Bool { position >= bytes.count }

    @inline(__always) func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    mutating func skipBOM() {
        if bytes.count - position >= 3, bytes[position] == 0xEF, bytes[position + 1] == 0xBB, bytes[position + 2] == 0xBF {
            position += 3
        }
    }

    @inline(__always) mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                position += 1
            } else {
                return
            }
        }
    }

    func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }

    mutating func readValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONReader.maximumDepth else { throw error("nesting too deep") }
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            return .object(try readObject(depth: depth))
        case UInt8(ascii: "["):
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try readValue(depth: depth + 1))
                skipWhitespace()
                guard let next = peek() else { throw error("unterminated array") }
                position += 1
                if next == UInt8(ascii: "]") { return .array(items) }
                guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']' in array") }
            }
        case UInt8(ascii: "\""):
            return .string(try readString().value)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            let range = try skipNumber()
            return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self))
        }
    }

    mutating func readObject(depth: Int) throws(JSONParseError) -> JSONObject {
        position += 1
        var object = JSONObject()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return object
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try readString().value
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            position += 1
            skipWhitespace()
            let value = try readValue(depth: depth + 1)
            object.entries.append((key, value))
            skipWhitespace()
            guard let next = peek() else { throw error("unterminated object") }
            position += 1
            if next == UInt8(ascii: "}") { return object }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}' in object") }
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("invalid literal") }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[position + offset] != pointer[offset] {
            throw error("invalid literal")
        }
        position += count
    }

    /// Skips a number, including Python's `NaN`, `Infinity` and `-Infinity`, and returns its range.
    mutating func skipNumber() throws(JSONParseError) -> Range<Int> {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "N") {
            try expectLiteral("NaN")
            return start..<position
        }
        if peek() == UInt8(ascii: "I") {
            try expectLiteral("Infinity")
            return start..<position
        }

        let digitsStart = position
        while let byte = peek(), byte >= 48, byte <= 57 { position += 1 }
        guard position > digitsStart else { throw error("invalid value") }
        if peek() == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while let byte = peek(), byte >= 48, byte <= 57 { position += 1 }
            guard position > fractionStart else { throw error("invalid number") }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            let exponentStart = position
            while let digit = peek(), digit >= 48, digit <= 57 { position += 1 }
            guard position > exponentStart else { throw error("invalid number") }
        }
        return start..<position
    }

    /// Facts about a string literal that let callers copy it out without decoding.
    struct StringScan {
        /// The bytes between the quotes.
        var contents: Range<Int>
        /// The literal contains a backslash escape.
        var hasEscapes: Bool
        /// The literal contains a lone surrogate escape or invalid UTF-8, so its decoded
        /// value differs from a plain copy.
        var needsRepair: Bool
    }

    /// Skips a string literal, validating its escapes, and returns facts about it.
    mutating func scanString() throws(JSONParseError) -> StringScan {
        // A local index and pointer keep the loop in registers; `position` is written back
        // before returning or throwing.
        guard let base = bytes.baseAddress else { throw error("unterminated string") }
        let count = bytes.count
        let start = position + 1
        var index = start
        var hasEscapes = false
        var needsRepair = false

        while index < count {
            // Skip eight plain ASCII bytes at a time; most of a log line is such text.
            while index + 8 <= count,
                !JSONReader.containsSpecialByte(base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            {
                index += 8
            }
            guard index < count else { break }

            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return StringScan(contents: start..<index, hasEscapes: hasEscapes, needsRepair: needsRepair)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                guard index + 1 < count else { break }
                let escaped = base.load(fromByteOffset: index + 1, as: UInt8.self)
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard let unit = hexUnit(at: index + 2) else {
                        position = index
                        throw error("invalid \\u escape")
                    }
                    index += 6
                    if unit >= 0xD800, unit <= 0xDBFF {
                        if index + 1 < count, base.load(fromByteOffset: index, as: UInt8.self) == UInt8(ascii: "\\"),
                            base.load(fromByteOffset: index + 1, as: UInt8.self) == UInt8(ascii: "u"),
                            let low = hexUnit(at: index + 2), low >= 0xDC00, low <= 0xDFFF
                        {
                            index += 6
                        } else {
                            needsRepair = true
                        }
                    } else if unit >= 0xDC00, unit <= 0xDFFF {
                        needsRepair = true
                    }
                default:
                    position = index
                    throw error("invalid escape")
                }
                continue
            }
            if byte < 0x20 {
                position = index
                throw error("control character in string")
            }
            if byte >= 0x80 {
                let length = JSONReader.validUTF8Length(bytes, at: index)
                if length == 0 {
                    needsRepair = true
                    index += 1
                } else {
                    index += length
                }
                continue
            }
            index += 1
        }
        position = index
        throw error("unterminated string")
    }

    /// Whether any of the eight bytes in `word` is a quote, a backslash, a control
    /// character or a non-ASCII byte, the bytes `scanString` must look at one by one.
    @inline(__always)
    static func containsSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // A byte below 0x20 borrows in `word - 0x20…`; standard SWAR "has less than" test.
        let belowSpace = (word &- ones &* 0x20) & ~word & highBits
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes & highBits
        let hasBackslash = (backslashes &- ones) & ~backslashes & highBits
        return (word & highBits) | belowSpace | hasQuote | hasBackslash != 0
    }

    /// Reads a string literal and decodes it.
    mutating func readString() throws(JSONParseError) -> (value: String, scan: StringScan) {
        let scan = try scanString()
        return (JSONReader.decode(bytes, scan), scan)
    }

    func hexUnit(at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    /// The length of the valid UTF-8 sequence starting at `index`, or 0 when it is invalid.
    static func validUTF8Length(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return 0 }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) {
            return 0
        }
        _ = minimum
        return length
    }

    /// Decodes the contents of a scanned string literal.
    static func decode(_ bytes: UnsafeRawBufferPointer, _ scan: StringScan) -> String {
        let contents = UnsafeRawBufferPointer(rebasing: bytes[scan.contents])
        if !scan.hasEscapes {
            // String(decoding:) already replaces invalid UTF-8 with U+FFFD.
            return String(decoding: contents, as: UTF8.self)
        }

        // Unescape into UTF-8 bytes, then decode once. Raw bytes that are not valid UTF-8
        // become U+FFFD in that final decoding. An escape always produces whole
        // sequences, so it never completes or splits a neighbouring invalid sequence.
        var output: [UInt8] = []
        output.reserveCapacity(contents.count)
        var index = 0

        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = contents[at + offset]
                let digit: UInt32 = byte <= 57 ? UInt32(byte - 48) : (byte <= 70 ? UInt32(byte - 55) : UInt32(byte - 87))
                value = value << 4 | digit
            }
            return value
        }

        func append(_ scalar: Unicode.Scalar) {
            output.append(contentsOf: UTF8.encode(scalar)!)
        }

        while index < contents.count {
            let byte = contents[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            let escaped = contents[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                let unit = hex(index)
                index += 4
                if unit >= 0xD800, unit <= 0xDBFF, index + 6 <= contents.count, contents[index] == UInt8(ascii: "\\"),
                    contents[index + 1] == UInt8(ascii: "u")
                {
                    let low = hex(index + 2)
                    if low >= 0xDC00, low <= 0xDFFF {
                        index += 6
                        let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                        continue
                    }
                }
                append(Unicode.Scalar(unit) ?? "\u{FFFD}")
            default:
                output.append(escaped)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
