/// Writes JSON text.
///
/// `.python` matches Python's `json.dumps` defaults (`", "` and `": "` separators, every
/// non-ASCII character as `\uXXXX`), which is how deepr writes the log, so lines this tool
/// writes look like lines deepr writes. `.compact` uses no spaces and keeps UTF-8 as is.
public enum JSONWriter {
    public enum Style: Sendable {
        case compact
        case python
        case pretty
    }

    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        var bytes: [UInt8] = []
        write(value, into: &bytes, style: style, indent: 0)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func write(_ value: JSONValue, into bytes: inout [UInt8], style: Style, indent: Int = 0) {
        switch value {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let flag):
            bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text):
            if style != .python, text == "NaN" || text == "Infinity" || text == "-Infinity" {
                // Standard JSON has no such numbers; output for other programs uses null.
                bytes.append(contentsOf: "null".utf8)
            } else {
                bytes.append(contentsOf: text.utf8)
            }
        case .string(let text):
            writeString(text, into: &bytes, asciiOnly: style == .python)
        case .array(let items):
            if items.isEmpty {
                bytes.append(contentsOf: "[]".utf8)
                return
            }
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { appendSeparator(&bytes, style) }
                newline(&bytes, style, indent + 1)
                write(item, into: &bytes, style: style, indent: indent + 1)
            }
            newline(&bytes, style, indent)
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.entries.isEmpty {
                bytes.append(contentsOf: "{}".utf8)
                return
            }
            bytes.append(UInt8(ascii: "{"))
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { appendSeparator(&bytes, style) }
                newline(&bytes, style, indent + 1)
                writeString(entry.key, into: &bytes, asciiOnly: style == .python)
                bytes.append(UInt8(ascii: ":"))
                if style != .compact { bytes.append(UInt8(ascii: " ")) }
                write(entry.value, into: &bytes, style: style, indent: indent + 1)
            }
            newline(&bytes, style, indent)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static func appendSeparator(_ bytes: inout [UInt8], _ style: Style) {
        bytes.append(UInt8(ascii: ","))
        if style == .python { bytes.append(UInt8(ascii: " ")) }
    }

    private static func newline(_ bytes: inout [UInt8], _ style: Style, _ indent: Int) {
        guard style == .pretty else { return }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func writeString(_ text: String, into bytes: inout [UInt8], asciiOnly: Bool) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                appendEscape(value, &bytes)
            case 0x80...:
                if asciiOnly {
                    if value > 0xFFFF {
                        let shifted = value - 0x10000
                        appendEscape(0xD800 + (shifted >> 10), &bytes)
                        appendEscape(0xDC00 + (shifted & 0x3FF), &bytes)
                    } else {
                        appendEscape(value, &bytes)
                    }
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            default:
                bytes.append(UInt8(value))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ value: UInt32, _ bytes: inout [UInt8]) {
        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        bytes.append(hexDigits[Int((value >> 12) & 0xF)])
        bytes.append(hexDigits[Int((value >> 8) & 0xF)])
        bytes.append(hexDigits[Int((value >> 4) & 0xF)])
        bytes.append(hexDigits[Int(value & 0xF)])
    }
}
