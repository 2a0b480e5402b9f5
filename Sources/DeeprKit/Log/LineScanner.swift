/// Reads the fields a listing needs from one log line without building a full JSON tree.
///
/// The whole line is still validated as JSON (see `JSONParser` for the accepted dialect), so
/// a line is a job exactly when it parses as an object with a non-empty string
/// `response_id`. Equality with the full parser is checked by the tests.
struct LineScanner {
    /// Fields of one job line, positions relative to the whole log buffer.
    struct Fields {
        var id: JSONReader.StringScan?
        var status: JSONReader.StringScan?
        var timestamp: Timestamp?
        var model: JSONReader.StringScan?
        var refinedPrompt: JSONReader.StringScan?
        var prompt: JSONReader.StringScan?
        var originalPrompt: JSONReader.StringScan?
        var usage: Range<Int>?
        var tags: [String] = []
        var reportPath: JSONReader.StringScan?
    }

    /// Scans the line in `range` of `buffer`. Returns nil when the line is not a JSON object.
    static func scan(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Fields? {
        var reader = JSONReader(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<range.upperBound]),
                                position: range.lowerBound)
        reader.skipBOM()
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else { return nil }
        reader.position += 1

        var fields = Fields()
        do {
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: "}") {
                reader.position += 1
            } else {
                try scanMembers(&reader, into: &fields)
            }
            reader.skipWhitespace()
            guard reader.atEnd else { return nil }
        } catch {
            return nil
        }
        return fields
    }

    private static func scanMembers(_ reader: inout JSONReader, into fields: inout Fields) throws(JSONParseError) {
        while true {
            reader.skipWhitespace()
            guard reader.peek() == UInt8(ascii: "\"") else { throw reader.error("expected a key") }
            let key = try reader.scanString()
            reader.skipWhitespace()
            guard reader.peek() == UInt8(ascii: ":") else { throw reader.error("expected ':'") }
            reader.position += 1
            reader.skipWhitespace()

            let field = key.hasEscapes ? nil : KnownField(reader.bytes, key.contents)
            try scanValue(&reader, for: field, into: &fields)

            reader.skipWhitespace()
            guard let next = reader.peek() else { throw reader.error("unterminated object") }
            reader.position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw reader.error("expected ',' or '}'") }
        }
    }

    private static func scanValue(_ reader: inout JSONReader, for field: KnownField?,
                                  into fields: inout Fields) throws(JSONParseError)
    {
        let isString = reader.peek() == UInt8(ascii: "\"")
        guard let field else {
            try skipValue(&reader, depth: 1)
            return
        }

        // A repeated key: the last occurrence wins, as in Python, so reset first.
        switch field {
        case .responseID: fields.id = nil
        case .status: fields.status = nil
        case .timestamp: fields.timestamp = nil
        case .model: fields.model = nil
        case .refinedPrompt: fields.refinedPrompt = nil
        case .prompt: fields.prompt = nil
        case .originalPrompt: fields.originalPrompt = nil
        case .usage: fields.usage = nil
        case .tags: fields.tags = []
        case .reportPath: fields.reportPath = nil
        }

        if isString {
            let scan = try reader.scanString()
            switch field {
            case .responseID: fields.id = scan
            case .status: fields.status = scan
            case .model: fields.model = scan
            case .refinedPrompt: fields.refinedPrompt = scan
            case .prompt: fields.prompt = scan
            case .originalPrompt: fields.originalPrompt = scan
            case .reportPath: fields.reportPath = scan
            case .timestamp:
                let contents = UnsafeRawBufferPointer(rebasing: reader.bytes[scan.contents])
                if scan.hasEscapes {
                    fields.timestamp = Timestamp.parse(JSONReader.decode(reader.bytes, scan))
                } else {
                    fields.timestamp = Timestamp.parse(bytes: contents.assumingMemoryBound(to: UInt8.self))
                }
            case .usage, .tags:
                break
            }
            return
        }

        let start = reader.position
        switch field {
        case .timestamp where reader.peek() != UInt8(ascii: "n") && reader.peek() != UInt8(ascii: "{")
            && reader.peek() != UInt8(ascii: "[") && reader.peek() != UInt8(ascii: "t") && reader.peek() != UInt8(ascii: "f"):
            let range = try reader.skipNumber()
            let contents = UnsafeRawBufferPointer(rebasing: reader.bytes[range])
            fields.timestamp = Timestamp.parseUnix(contents.assumingMemoryBound(to: UInt8.self))
        case .usage:
            try skipValue(&reader, depth: 1)
            if reader.bytes[start] == UInt8(ascii: "{") {
                fields.usage = start..<reader.position
            }
        case .tags:
            if reader.peek() == UInt8(ascii: "[") {
                let value = try reader.readValue(depth: 1)
                fields.tags = value.arrayValue?.compactMap(\.stringValue) ?? []
            } else {
                try skipValue(&reader, depth: 1)
            }
        default:
            try skipValue(&reader, depth: 1)
        }
    }

    /// Validates and skips one value without building it.
    static func skipValue(_ reader: inout JSONReader, depth: Int) throws(JSONParseError) {
        guard depth < JSONReader.maximumDepth else { throw reader.error("nesting too deep") }
        guard let byte = reader.peek() else { throw reader.error("unexpected end of line") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try reader.scanString()
        case UInt8(ascii: "{"):
            reader.position += 1
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: "}") {
                reader.position += 1
                return
            }
            while true {
                reader.skipWhitespace()
                guard reader.peek() == UInt8(ascii: "\"") else { throw reader.error("expected a key") }
                _ = try reader.scanString()
                reader.skipWhitespace()
                guard reader.peek() == UInt8(ascii: ":") else { throw reader.error("expected ':'") }
                reader.position += 1
                reader.skipWhitespace()
                try skipValue(&reader, depth: depth + 1)
                reader.skipWhitespace()
                guard let next = reader.peek() else { throw reader.error("unterminated object") }
                reader.position += 1
                if next == UInt8(ascii: "}") { return }
                guard next == UInt8(ascii: ",") else { throw reader.error("expected ',' or '}'") }
            }
        case UInt8(ascii: "["):
            reader.position += 1
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: "]") {
                reader.position += 1
                return
            }
            while true {
                reader.skipWhitespace()
                try skipValue(&reader, depth: depth + 1)
                reader.skipWhitespace()
                guard let next = reader.peek() else { throw reader.error("unterminated array") }
                reader.position += 1
                if next == UInt8(ascii: "]") { return }
                guard next == UInt8(ascii: ",") else { throw reader.error("expected ',' or ']'") }
            }
        case UInt8(ascii: "t"):
            try reader.expectLiteral("true")
        case UInt8(ascii: "f"):
            try reader.expectLiteral("false")
        case UInt8(ascii: "n"):
            try reader.expectLiteral("null")
        default:
            _ = try reader.skipNumber()
        }
    }
}

/// The top-level keys the scanner keeps.
enum KnownField {
    case responseID, status, timestamp, model, refinedPrompt, prompt, originalPrompt, usage, tags, reportPath

    init?(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) {
        let key = UnsafeRawBufferPointer(rebasing: buffer[range])
        switch key.count {
        case 4:
            if KnownField.equal(key, "tags") { self = .tags; return }
        case 5:
            if KnownField.equal(key, "model") { self = .model; return }
            if KnownField.equal(key, "usage") { self = .usage; return }
        case 6:
            if KnownField.equal(key, "status") { self = .status; return }
            if KnownField.equal(key, "prompt") { self = .prompt; return }
        case 9:
            if KnownField.equal(key, "timestamp") { self = .timestamp; return }
        case 11:
            if KnownField.equal(key, "response_id") { self = .responseID; return }
            if KnownField.equal(key, "report_path") { self = .reportPath; return }
        case 14:
            if KnownField.equal(key, "refined_prompt") { self = .refinedPrompt; return }
        case 15:
            if KnownField.equal(key, "original_prompt") { self = .originalPrompt; return }
        default:
            break
        }
        return nil
    }

    private static func equal(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let pointer = literal.utf8Start
        for index in 0..<bytes.count where bytes[index] != pointer[index] {
            return false
        }
        return true
    }
}
