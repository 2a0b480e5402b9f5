import Testing

@testable import DeeprKit

@Suite struct TokenizerTests {
    static let cases: [(line: String, words: [String])] = [
        ("list --all", ["list", "--all"]),
        ("  list\t--status   completed  ", ["list", "--status", "completed"]),
        (#"search "climate change" café"#, ["search", "climate change", "café"]),
        (#"search 'it''s'"#, ["search", "its"]),
        (#"search 'a "b" c'"#, ["search", #"a "b" c"#]),
        (#"search "a \"b\" \\ \$x \q""#, ["search", #"a "b" \ $x \q"#]),
        (#"search net\\zero"#, ["search", #"net\zero"#]),
        (#"search net\ zero"#, ["search", "net zero"]),
        (#"list --grep="heat pump""#, ["list", "--grep=heat pump"]),
        ("list # a comment", ["list"]),
        ("list a#b", ["list", "a#b"]),
        ("# only a comment", []),
        (##"search "#x""##, ["search", "#x"]),
        (#"show """#, ["show", ""]),
        ("", []),
        ("東京 🚀", ["東京", "🚀"]),
        ("list\r\n", ["list"]),
    ]

    @Test(arguments: cases)
    func splitsWords(_ entry: (line: String, words: [String])) throws {
        let tokens = try Tokenizer.split(entry.line)
        #expect(tokens.map(\.text) == entry.words)
    }

    @Test func recordsColumns() throws {
        let tokens = try Tokenizer.split("show  'a b' c")
        #expect(tokens.map(\.column) == [0, 6, 12])
    }

    @Test(arguments: [#"search "open"#, "search 'open", #"search "a\""#, "a'b"])
    func unterminatedQuoteIsAnError(_ line: String) {
        #expect(throws: TokenizerError.self) { try Tokenizer.split(line) }
    }

    @Test func trailingBackslashIsAnError() {
        #expect(throws: TokenizerError.trailingBackslash(column: 5)) { try Tokenizer.split(#"list \"#) }
    }

    @Test func unterminatedQuoteMessageNamesColumn() {
        let error = DeeprError.from(TokenizerError.unterminatedQuote(quote: "\"", column: 7))
        #expect(error.message.contains("column 8"))
        #expect(error.status == .usage)
    }

    @Test(arguments: ["plain", "two words", "it's", #"back\slash"#, "#hash", "", "café 東京", #"a"b"#])
    func quoteRoundTrips(_ word: String) throws {
        let tokens = try Tokenizer.split("x " + Tokenizer.quote(word))
        #expect(tokens.count == 2)
        #expect(tokens.last?.text == word)
    }

    @Test func neverCrashesOnArbitraryInput() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", " ", "'", "\"", "\\", "#", "\t", "é", "\n", "-"]
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<20, using: &generator)
            let line = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            _ = try? Tokenizer.split(line)
        }
    }
}
