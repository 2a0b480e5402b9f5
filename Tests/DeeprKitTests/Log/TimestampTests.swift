import Testing

@testable import DeeprKit

@Suite struct TimestampTests {
    /// 2025-07-05T18:22:49Z as Unix seconds.
    static let base: Int64 = 1_751_739_769

    static let cases: [(text: String, micros: Int64)] = [
        ("2025-07-05T18:22:49.565537+00:00", base * 1_000_000 + 565_537),
        ("2025-07-05T18:22:49+00:00", base * 1_000_000),
        ("2025-07-05T18:22:49.565537Z", base * 1_000_000 + 565_537),
        ("2025-07-05T18:22:49.565537", base * 1_000_000 + 565_537),
        ("2025-07-06T01:30:00.250000+02:00", (base + 18_431) * 1_000_000 + 250_000),
        ("2025-07-05T18:22:49.5Z", base * 1_000_000 + 500_000),
        ("2025-07-05T18:22:49.123456789Z", base * 1_000_000 + 123_457),
        ("2025-07-05 18:22:49Z", base * 1_000_000),
        ("2025-07-05T18:22:49-0130", (base + 5400) * 1_000_000),
        ("2025-07-05T18:22Z", (base - 49) * 1_000_000),
        ("2025-07-05", (base - 66_169) * 1_000_000),
        ("1751739769", base * 1_000_000),
        ("1751739769.565537", base * 1_000_000 + 565_537),
        ("1751739769.5655374", base * 1_000_000 + 565_537),
        ("1751739769.5655376", base * 1_000_000 + 565_538),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.5Z", -500_000),
    ]

    @Test(arguments: cases)
    func parsesEveryForm(_ entry: (text: String, micros: Int64)) {
        #expect(Timestamp.parse(entry.text)?.microseconds == entry.micros)
    }

    @Test(arguments: ["", "yesterday", "2025-13-01", "2025-07-05T25:00:00Z", "2025-07-05T18:22:49+0", "12:00", "2025-07-05Tx",
                      "NaN", "1e400", "9999999999999999", "9.5e12", "-99999999999999.5", "2025-02-29", "2024-04-31"])
    func rejectsUnreadable(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsWithMicroseconds() {
        #expect(Timestamp(microseconds: TimestampTests.base * 1_000_000 + 1).iso8601 == "2025-07-05T18:22:49.000001Z")
        #expect(Timestamp(microseconds: -500_000).iso8601 == "1969-12-31T23:59:59.500000Z")
    }

    @Test func civilDateRoundTrips() {
        for days in stride(from: Int64(-800_000), to: 800_000, by: 997) {
            let (year, month, day) = Timestamp.civilDate(fromDays: days)
            #expect(Timestamp.days(year: year, month: month, day: day) == days)
        }
    }
}
