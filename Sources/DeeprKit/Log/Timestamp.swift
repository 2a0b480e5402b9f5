import Foundation

/// An instant with microsecond precision, as microseconds since the Unix epoch (UTC).
///
/// The log's `timestamp` comes in many forms. `Timestamp.parse` accepts:
/// - ISO 8601 date-times `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `T` or a space, any number
///   of fraction digits (rounded to the microsecond), and `Z`, `±HH:MM`, `±HHMM` or `±HH`;
///   a time without an offset ("naive", as Python's `datetime.isoformat()` writes for a
///   datetime without a zone) is read as UTC;
/// - a date alone, `YYYY-MM-DD`, as midnight UTC;
/// - Unix time in seconds as a JSON number or numeric string, with an optional fraction.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public init(date: Date) {
        self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
    public var seconds: Double { Double(microseconds) / 1_000_000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }

    /// Formats as ISO 8601 UTC with six fraction digits: `2025-07-05T18:22:49.565537Z`.
    public var iso8601: String {
        let (days, microsOfDay) = Timestamp.floorDivide(microseconds, 86_400_000_000)
        let (year, month, day) = Timestamp.civilDate(fromDays: days)
        let totalSeconds = microsOfDay / 1_000_000
        let micros = microsOfDay % 1_000_000
        let hour = totalSeconds / 3600
        let minute = (totalSeconds % 3600) / 60
        let second = totalSeconds % 60
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":"
            + pad(minute, 2) + ":" + pad(second, 2) + "." + pad(micros, 6) + "Z"
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Timestamp {
    /// Parses any accepted form of text (see the type's documentation), or returns nil.
    public static func parse(_ text: String) -> Timestamp? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    /// Parses UTF-8 bytes; the byte-level entry point used by the log scanner.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        guard start < end else { return nil }

        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if let value = parseISO(slice) {
            return value
        }
        return parseUnix(slice)
    }

    /// Parses Unix seconds such as `1751739769`, `1751739769.565537` or `-12.5`, rounding the
    /// fraction to the nearest microsecond. Exponents are accepted through a Double fallback.
    static func parseUnix(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }

        var whole: Int64 = 0
        var wholeDigits = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            // Beyond 12 digits (year 33658) the microseconds would overflow Int64.
            if wholeDigits >= 12 { return nil }
            whole = whole * 10 + Int64(bytes[index] - 48)
            wholeDigits += 1
            index += 1
        }

        var fraction: Int64 = 0
        var fractionDigits = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            (fraction, fractionDigits) = readFraction(bytes, &index)
        }
        guard wholeDigits + fractionDigits > 0 else { return nil }

        if index != bytes.count {
            // Exponent or other trailing text: fall back to Double if it reads as one.
            let text = String(decoding: bytes, as: UTF8.self)
            guard let value = Double(text), value.isFinite, abs(value) < 1e12 else { return nil }
            return Timestamp(microseconds: Int64((value * 1_000_000).rounded()))
        }

        var micros = whole * 1_000_000 + fraction
        if negative { micros = -micros }
        return Timestamp(microseconds: micros)
    }

    /// Reads the digits of a fraction of a second at `index` and returns it in microseconds,
    /// rounded half up at the seventh digit, with the number of digits read.
    static func readFraction(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> (micros: Int64, digits: Int) {
        var fraction: Int64 = 0
        var count = 0
        var roundUp = false
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            let digit = Int64(bytes[index] - 48)
            if count < 6 {
                fraction = fraction * 10 + digit
            } else if count == 6 {
                roundUp = digit >= 5
            }
            count += 1
            index += 1
        }
        var scaledDigits = count
        while scaledDigits < 6 {
            fraction *= 10
            scaledDigits += 1
        }
        return (fraction + (roundUp ? 1 : 0), count)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    static func parseISO(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var index = 0

        func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += count
            return value
        }

        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }

        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2) else {
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        let dayCount = days(year: year, month: month, day: day)
        if index == bytes.count {
            return Timestamp(microseconds: dayCount * 86_400_000_000)
        }

        guard index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t")
            || bytes[index] == UInt8(ascii: " ")
        else { return nil }
        index += 1

        guard let hour = digits(2), expect(":"), let minute = digits(2) else { return nil }
        var second: Int64 = 0
        if expect(":") {
            guard let value = digits(2) else { return nil }
            second = value
        }
        guard hour <= 24, minute <= 59, second <= 60 else { return nil }

        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            let (value, count) = readFraction(bytes, &index)
            guard count > 0 else { return nil }
            fraction = value
        }

        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            let sign = bytes[index]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                index += 1
                guard let offsetHours = digits(2) else { return nil }
                var offsetMinutes: Int64 = 0
                if expect(":") {
                    guard let value = digits(2) else { return nil }
                    offsetMinutes = value
                } else if index < bytes.count {
                    guard let value = digits(2) else { return nil }
                    offsetMinutes = value
                }
                guard offsetHours <= 23, offsetMinutes <= 59 else { return nil }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            }
        }
        guard index == bytes.count else { return nil }

        let secondsOfDay = hour * 3600 + minute * 60 + second
        let total = (dayCount * 86_400 + secondsOfDay - offsetSeconds) * 1_000_000 + fraction
        return Timestamp(microseconds: total)
    }
}
