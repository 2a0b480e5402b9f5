import Testing

@testable import DeeprKit

@Suite struct CellWidthTests {
    @Test(arguments: [
        ("abc", 3), ("東京", 4), ("café", 4), ("cafe\u{301}", 4), ("🚀", 2), ("👍🏽", 2), ("👨‍👩‍👧", 2),
        ("ｱ", 1), ("한국어", 6), ("\u{200B}", 0), ("", 0), ("❤️", 2), ("a\u{0}b", 2),
    ])
    func measuresCells(_ entry: (String, Int)) {
        #expect(CellWidth.of(entry.0) == entry.1)
    }

    @Test func truncatesAtGraphemeBoundary() {
        #expect(CellWidth.truncate("東京タワー", to: 5) == "東京…")
        #expect(CellWidth.truncate("cafe\u{301} au lait", to: 5) == "cafe\u{301}…")
        #expect(CellWidth.truncate("🚀🚀🚀", to: 4) == "🚀…")
        #expect(CellWidth.truncate("short", to: 10) == "short")
        #expect(CellWidth.truncate("abc", to: 0) == "")
    }

    @Test func truncationNeverExceedsWidth() {
        let samples = ["東京タワーと富士山", "naïve résumé", "🚀👍🏽👨‍👩‍👧 launch", "mixed 東 a 🚀 b"]
        for sample in samples {
            for width in 1...12 {
                #expect(CellWidth.of(CellWidth.truncate(sample, to: width)) <= width, "\(sample) at \(width)")
            }
        }
    }

    @Test func padsByCells() {
        #expect(CellWidth.pad("東", to: 4) == "東  ")
        #expect(CellWidth.pad("7", to: 3, alignRight: true) == "  7")
    }
}

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("red \u{1B}[31mtext\u{1B}[0m", "red text"),
        ("title \u{1B}]0;owned\u{07}done", "title done"),
        ("title \u{1B}]2;owned\u{1B}\\done", "title done"),
        ("clear\u{1B}[2J\u{1B}[H", "clear"),
        ("bell\u{07} and \u{08}backspace", "bell and backspace"),
        ("c1 \u{9B}31m csi", "c1  csi"),
        ("line\nbreak\ttab", "line break tab"),
        ("reset \u{1B}c done", "reset  done"),
    ])
    func stripsControlSequences(_ entry: (String, String)) {
        #expect(TerminalText.sanitize(entry.0) == entry.1)
    }

    @Test func multiLineKeepsNewlines() {
        #expect(TerminalText.sanitize("a\n\u{1B}[1mb\r\n", .multiLine) == "a\nb\n")
    }
}

@Suite struct TableTests {
    @Test func alignsWideCharactersByCells() {
        TimeZoneSetup.useUTC()
        let session = TestSupport.session(log: "/nonexistent/job_log.jsonl")
        var table = Table(columns: [.init("ID"), .init("PROMPT", flexible: true)])
        table.append(["a1", "東京の政策"])
        table.append(["b22", "plain"])
        let lines = table.render(width: 40, session: session, sink: session.out).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let promptColumns = lines.map { line -> Int in
            let prefix = line.prefix { $0 != "東" && $0 != "p" && $0 != "P" }
            return CellWidth.of(String(prefix))
        }
        #expect(Set(promptColumns).count == 1)
    }

    @Test func flexibleColumnIsCutToWidth() {
        let session = TestSupport.session(log: "/nonexistent/job_log.jsonl")
        var table = Table(columns: [.init("ID"), .init("PROMPT", flexible: true)])
        table.append(["a1", String(repeating: "東", count: 40)])
        let text = table.render(width: 30, session: session, sink: session.out)
        for line in text.split(separator: "\n") {
            #expect(CellWidth.of(String(line)) <= 30)
        }
        #expect(text.contains("…"))
    }

    @Test func cellsAreSanitized() {
        let session = TestSupport.session(log: "/nonexistent/job_log.jsonl")
        var table = Table(columns: [.init("PROMPT", flexible: true)])
        table.append(["evil \u{1B}]0;title\u{07}prompt"])
        #expect(!table.render(width: 80, session: session, sink: session.out).contains("\u{1B}"))
    }
}

@Suite struct CSVTests {
    @Test(arguments: [
        ("plain", "plain"),
        (#"Compare "heat pumps", boilers"#, #""Compare ""heat pumps"", boilers""#),
        ("Line one\r\nLine two", "\"Line one\r\nLine two\""),
        (#"=HYPERLINK("http://example.invalid","x")"#, #""=HYPERLINK(""http://example.invalid"",""x"")""#),
        ("Zürich café", "Zürich café"),
    ])
    func quotesPerRFC4180(_ entry: (String, String)) {
        #expect(CSV.quote(entry.0) == entry.1)
    }

    @Test func tsvFlattensTabsAndBreaks() {
        #expect(CSV.tsvCell("a\tb\r\nc") == "a b  c")
    }
}
