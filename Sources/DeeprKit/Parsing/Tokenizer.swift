import Foundation

/// One word of a command line, with the column it started at (0-based, in characters).
public struct Token: Equatable, Sendable {
    public var text: String
    public var column: Int
    /// Whether any part of the word was quoted or escaped, so `""` is an empty argument
    /// and a quoted `#` does not start a comment.
    public var wasQuoted: Bool

    public init(text: String, column: Int, wasQuoted: Bool = false) {
        self.text = text
        self.column = column
        self.wasQuoted = wasQuoted
    }
}

/// Splits a command line into words the way a POSIX shell does, without expansions.
///
/// - Whitespace (space, tab, CR, LF) separates words.
/// - `'…'` keeps everything literally up to the next `'`.
/// - `"…"` keeps everything literally except `\"`, `\\`, `` \` `` and `\$`, whose backslash
///   is removed; a backslash before anything else stays.
/// - Outside quotes, a backslash makes the next character literal.
/// - `#` at the start of a word starts a comment that runs to the end of the line.
/// - Quotes may be glued to text: `--grep="heat pump"` is one word.
///
/// An unterminated quote, or a backslash at the very end, is a `TokenizerError`; the
/// tokenizer never crashes on any input.
public enum Tokenizer {
    public static func split(_ line: String) throws(TokenizerError) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var inWord = false
        var wasQuoted = false
        var start = 0
        var characters = Array(line)
        var index = 0

        func finishWord() {
            if inWord {
                tokens.append(Token(text: current, column: start, wasQuoted: wasQuoted))
            }
            current = ""
            inWord = false
            wasQuoted = false
        }

        // A CRLF pair is one Character in Swift; treat it as whitespace like "\n".
        characters = characters.map { $0 == "\r\n" ? "\n" : $0 }

        while index < characters.count {
            let character = characters[index]
            switch character {
            case " ", "\t", "\n", "\r":
                finishWord()
                index += 1
            case "#" where !inWord:
                return tokens
            case "'":
                if !inWord { start = index }
                inWord = true
                wasQuoted = true
                index += 1
                guard let close = characters[index...].firstIndex(of: "'") else {
                    throw TokenizerError.unterminatedQuote(quote: "'", column: index - 1)
                }
                current.append(contentsOf: characters[index..<close])
                index = close + 1
            case "\"":
                if !inWord { start = index }
                inWord = true
                wasQuoted = true
                let open = index
                index += 1
                var closed = false
                while index < characters.count {
                    let inner = characters[index]
                    if inner == "\"" {
                        closed = true
                        index += 1
                        break
                    }
                    if inner == "\\", index + 1 < characters.count,
                        ["\"", "\\", "`", "$"].contains(characters[index + 1])
                    {
                        current.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    current.append(inner)
                    index += 1
                }
                guard closed else {
                    throw TokenizerError.unterminatedQuote(quote: "\"", column: open)
                }
            case "\\":
                if !inWord { start = index }
                inWord = true
                wasQuoted = true
                guard index + 1 < characters.count else {
                    throw TokenizerError.trailingBackslash(column: index)
                }
                current.append(characters[index + 1])
                index += 2
            default:
                if !inWord { start = index }
                inWord = true
                current.append(character)
                index += 1
            }
        }
        finishWord()
        return tokens
    }

    /// Quotes a word so that `split` returns it unchanged; used by completion and `--echo`.
    public static func quote(_ word: String) -> String {
        if word.isEmpty { return "''" }
        let plain = word.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x7F || "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,@%+".unicodeScalars.contains(scalar)
        }
        if plain, !word.hasPrefix("#") { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

public enum TokenizerError: Error, Equatable, Sendable {
    case unterminatedQuote(quote: Character, column: Int)
    case trailingBackslash(column: Int)
}

extension TokenizerError: DeeprErrorConvertible {
    public var deeprError: DeeprError {
        switch self {
        case .unterminatedQuote(let quote, let column):
            return .usage("unterminated \(quote) quote starting at column \(column + 1)",
                          hint: "close the quote, or escape it with a backslash")
        case .trailingBackslash(let column):
            return .usage("a backslash at column \(column + 1) ends the line with nothing to escape",
                          hint: "in a script, a trailing backslash continues the line; interactively, remove it")
        }
    }
}
