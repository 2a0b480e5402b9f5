/// Turns the words of a command line into `ParsedArguments` using the command table.
///
/// Flags are `--name`, `--name VALUE`, `--name=VALUE`, or `-x` for those with a one-letter
/// form; `--` ends the flags. Flags may come before or after positional arguments. The
/// parser does no I/O: resolving job references and reading files happen when the command
/// runs.
public struct CommandParser: Sendable {
    public let table: CommandTable

    public init(table: CommandTable = .standard) {
        self.table = table
    }

    public func parse(_ tokens: [Token]) throws(DeeprError) -> ParsedArguments {
        guard let first = tokens.first else {
            throw .usage("empty command")
        }
        guard let spec = table.command(named: first.text) else {
            let suggestion = Suggestions.phrase(for: first.text, in: table.allNames)
            throw .usage("unknown command '\(first.text)'" + (suggestion.isEmpty ? "" : "; \(suggestion)"),
                         hint: "type 'help' to list the commands")
        }
        return try parse(Array(tokens.dropFirst()).map(\.text), for: spec)
    }

    public func parse(_ words: [String], for spec: CommandSpec) throws(DeeprError) -> ParsedArguments {
        var flags: [(name: String, value: String?)] = []
        var positionals: [String] = []
        var index = 0
        var flagsEnded = false

        while index < words.count {
            let word = words[index]
            index += 1

            if flagsEnded || word == "-" || !word.hasPrefix("-") || isNegativeNumber(word) {
                positionals.append(word)
                continue
            }
            if word == "--" {
                flagsEnded = true
                continue
            }

            var name: String
            var inlineValue: String?
            let flag: FlagSpec
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
                guard let found = spec.flag(named: name) else {
                    throw unknownFlag("--" + name, spec)
                }
                flag = found
            } else {
                let letters = Array(word.dropFirst())
                guard letters.count == 1, let found = spec.flag(short: letters[0]) else {
                    throw unknownFlag(word, spec)
                }
                flag = found
                name = found.name
            }

            if flag.value != nil {
                if let inlineValue {
                    flags.append((name, inlineValue))
                } else {
                    guard index < words.count else {
                        throw .usage("--\(name) needs a value (\(flag.value!.placeholder))",
                                     hint: "usage: \(spec.usage); see 'help \(spec.name)'")
                    }
                    flags.append((name, words[index]))
                    index += 1
                }
            } else {
                guard inlineValue == nil else {
                    throw .usage("--\(name) takes no value, but '\(inlineValue!)' was given")
                }
                flags.append((name, nil))
            }
        }

        try checkCounts(positionals, spec)
        for flag in spec.flags where !flag.repeatable {
            if flags.filter({ $0.name == flag.name }).count > 1, flag.value != nil {
                throw .usage("--\(flag.name) was given more than once", hint: "give it once")
            }
        }
        return ParsedArguments(spec: spec, flags: flags, positionals: positionals)
    }

    private func isNegativeNumber(_ word: String) -> Bool {
        word.count > 1 && word.dropFirst().allSatisfy { $0.isNumber || $0 == "." }
    }

    private func checkCounts(_ positionals: [String], _ spec: CommandSpec) throws(DeeprError) {
        let minimum = spec.positionals.reduce(0) { $0 + $1.minimum }
        let unbounded = spec.positionals.contains { $0.maximum == nil }
        let maximum = spec.positionals.reduce(0) { $0 + ($1.maximum ?? 0) }
        if positionals.count < minimum {
            let missing = spec.positionals.first { $0.minimum > 0 }?.name ?? "an argument"
            throw .usage("\(spec.name) needs \(missing)", hint: "usage: \(spec.usage)")
        }
        if !unbounded, positionals.count > maximum {
            let extra = positionals[maximum]
            let what = maximum == 0 ? "takes no arguments" : "takes at most \(maximum) argument\(maximum == 1 ? "" : "s")"
            throw .usage("\(spec.name) \(what), but '\(extra)' was given", hint: "usage: \(spec.usage)")
        }
    }

    private func unknownFlag(_ word: String, _ spec: CommandSpec) -> DeeprError {
        let names = spec.flags.map(\.name)
        let bare = word.drop { $0 == "-" }
        let suggestion = Suggestions.phrase(for: String(bare), in: names, prefix: "--")
        return .usage("unknown option '\(word)' for \(spec.name)" + (suggestion.isEmpty ? "" : "; \(suggestion)"),
                      hint: "see 'help \(spec.name)' for its options")
    }
}
