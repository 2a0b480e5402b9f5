import Foundation

/// Reads the `timestamp` shapes that deepr job logs contain, as Unix seconds.
///
/// It accepts a JSON number of Unix seconds, a string containing such a number, and ISO 8601
/// `YYYY-MM-DD`. The date may be followed by `T` or a space and `HH:MM`, then optional `:SS`
/// with any number of fraction digits, then `Z` or an offset `±HH:MM`, `±HHMM` or `±HH`.
/// A time without a zone is read as UTC, the convention of deepr's Python writers.
enum TimestampParser {
    static func unixSeconds(_ value: Any) -> Double? {
        if value is Bool {
            return nil
        }
        if let number = value as? NSNumber {
            return number.doubleValue.isFinite ? number.doubleValue : nil
        }
        guard let text = value as? String else {
            return nil
        }

        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed), number.isFinite, trimmed.first != "+" {
            return number
        }
        return parseISO8601(trimmed)
    }

    static func parseISO8601(_ text: String) -> Double? {
        var scanner = DigitScanner(Array(text.utf8))

        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2),
            (1...12).contains(month), (1...31).contains(day)
        else {
            return nil
        }

        var hour = 0
        var minute = 0
        var second = 0
        var fraction = 0.0
        if scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") {
            guard let h = scanner.number(digits: 2), scanner.skip(":"), let m = scanner.number(digits: 2),
                h < 24, m < 60
            else {
                return nil
            }
            (hour, minute) = (h, m)
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2), s <= 60 else {
                    return nil
                }
                second = s
                if scanner.skip(".") || scanner.skip(",") {
                    guard let value = scanner.fraction() else {
                        return nil
                    }
                    fraction = value
                }
            }
        }

        guard let offsetSeconds = scanner.zoneOffset(), scanner.isAtEnd else {
            return nil
        }

        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let utc = timegm(&parts)
        return Double(utc) + fraction - Double(offsetSeconds)
    }
}

/// A cursor over ASCII bytes for the timestamp grammar.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool {
        index == bytes.count
    }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else {
            return false
        }
        index += 1
        return true
    }

    /// Reads exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else {
            return nil
        }
        var value = 0
        for byte in bytes[index..<(index + digits)] {
            guard (0x30...0x39).contains(byte) else {
                return nil
            }
            value = value * 10 + Int(byte - 0x30)
        }
        index += digits
        return value
    }

    /// Reads one or more fraction digits as a value below 1, keeping all of them.
    mutating func fraction() -> Double? {
        let start = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            index += 1
        }
        guard index > start else {
            return nil
        }
        return Double("0." + String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// Reads `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing, and returns the offset east of UTC in seconds.
    mutating func zoneOffset() -> Int? {
        if isAtEnd {
            return 0
        }
        if skip("Z") || skip("z") {
            return 0
        }

        let sign: Int
        if skip("+") {
            sign = 1
        } else if skip("-") {
            sign = -1
        } else {
            return nil
        }
        guard let hours = number(digits: 2), hours < 24 else {
            return nil
        }
        var minutes = 0
        if !isAtEnd {
            _ = skip(":")
            guard let value = number(digits: 2), value < 60 else {
                return nil
            }
            minutes = value
        }
        return sign * (hours * 3600 + minutes * 60)
    }
}
