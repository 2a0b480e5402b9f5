/// Serializes `JSONValue` to UTF-8 text.
///
/// Pretty output uses two-space indentation and `": "` after keys, the layout of the real
/// API's bodies. Compact output has no whitespace at all, for one-line records. Strings keep
/// non-ASCII characters as UTF-8 and escape only quotes, backslashes and control characters.
enum JSONWriter {
    static func serialize(_ value: JSONValue, pretty: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output, pretty: pretty, indent: 0)
        return output
    }

    static func string(_ value: JSONValue, pretty: Bool) -> String {
        String(decoding: serialize(value, pretty: pretty), as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8], pretty: Bool, indent: Int) {
        switch value {
        case .null:
            output.append(contentsOf: Array("null".utf8))
        case .bool(let flag):
            output.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .number(let literal):
            output.append(contentsOf: Array(literal.utf8))
        case .string(let text):
            writeString(text, into: &output)
        case .array(let items):
            writeArray(items, into: &output, pretty: pretty, indent: indent)
        case .object(let members):
            writeObject(members, into: &output, pretty: pretty, indent: indent)
        }
    }

    private static func writeArray(_ items: [JSONValue], into output: inout [UInt8], pretty: Bool, indent: Int) {
        output.append(UInt8(ascii: "["))
        if items.isEmpty {
            output.append(UInt8(ascii: "]"))
            return
        }

        for (position, item) in items.enumerated() {
            if position > 0 {
                output.append(UInt8(ascii: ","))
            }
            if pretty {
                writeNewline(indent: indent + 1, into: &output)
            }
            write(item, into: &output, pretty: pretty, indent: indent + 1)
        }

        if pretty {
            writeNewline(indent: indent, into: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    private static func writeObject(
        _ members: [JSONMember], into output: inout [UInt8], pretty: Bool, indent: Int
    ) {
        output.append(UInt8(ascii: "{"))
        if members.isEmpty {
            output.append(UInt8(ascii: "}"))
            return
        }

        for (position, member) in members.enumerated() {
            if position > 0 {
                output.append(UInt8(ascii: ","))
            }
            if pretty {
                writeNewline(indent: indent + 1, into: &output)
            }
            writeString(member.key, into: &output)
            output.append(UInt8(ascii: ":"))
            if pretty {
                output.append(UInt8(ascii: " "))
            }
            write(member.value, into: &output, pretty: pretty, indent: indent + 1)
        }

        if pretty {
            writeNewline(indent: indent, into: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    private static func writeNewline(indent: Int, into output: inout [UInt8]) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))

        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"):
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                output.append(contentsOf: Array("\\u00".utf8))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default:
                output.append(byte)
            }
        }

        output.append(UInt8(ascii: "\""))
    }
}
