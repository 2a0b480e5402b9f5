import Foundation

/// Tab completion for the interactive shell, driven by the command table.
///
/// Completes command names, the current command's flags, flag values (statuses, models and
/// tags seen in the log, formats and other choices), job ids by prefix with or without
/// `resp_`, and file paths only where the argument is a path. It never falls back to file
/// names elsewhere, never adds a space after a job id, and returns nothing inside an open
/// quote instead of failing.
public struct Completer {
    public enum Result: Equatable {
        /// Text to insert at the cursor.
        case insert(String)
        /// Several candidates, one display line each; the line is left unchanged.
        case list([String])
        /// Nothing to offer (the shell rings the bell).
        case none
    }

    let session: Session
    public static let listLimit = 50

    public init(session: Session) {
        self.session = session
    }

    public func complete(_ lineBeforeCursor: String) -> Result {
        guard let tokens = try? Tokenizer.split(lineBeforeCursor) else { return .none }
        let endsWithSpace = lineBeforeCursor.last.map { $0 == " " || $0 == "\t" } ?? true
        let word = endsWithSpace ? "" : (tokens.last?.text ?? "")
        let previous = endsWithSpace ? tokens : Array(tokens.dropLast())
        if !endsWithSpace, tokens.last?.wasQuoted == true { return .none }

        guard let first = previous.first else {
            return finish(word: word, candidates: session.table.allNames.filter { $0.hasPrefix(word) }.sorted(), addSpace: true)
        }
        guard let spec = session.table.command(named: first.text) else { return .none }

        if word.hasPrefix("-") {
            let names = spec.flags.map { "--" + $0.name }.filter { $0.hasPrefix(word) }
            return finish(word: word, candidates: names, addSpace: true)
        }

        if let last = previous.last, previous.count > 1, last.text.hasPrefix("--"), !last.text.contains("="),
            let flag = spec.flag(named: String(last.text.dropFirst(2))), let kind = flag.value
        {
            return completeValue(kind, word: word)
        }

        // Which positional is this?
        var count = 0
        var index = 1
        while index < previous.count {
            let text = previous[index].text
            if text.hasPrefix("-"), text.count > 1 {
                var flag: FlagSpec?
                if text.hasPrefix("--") {
                    flag = spec.flag(named: String(text.dropFirst(2)))
                } else if text.count == 2, let letter = text.last {
                    flag = spec.flag(short: letter)
                }
                if let flag, flag.value != nil, !text.contains("=") { index += 1 }
            } else {
                count += 1
            }
            index += 1
        }
        var remaining = count
        for positional in spec.positionals {
            if positional.maximum == nil || remaining < positional.maximum! {
                return completeValue(positional.kind, word: word)
            }
            remaining -= positional.maximum!
        }
        return .none
    }

    private func completeValue(_ kind: ValueKind, word: String) -> Result {
        switch kind {
        case .jobReference:
            return completeJobID(word)
        case .path, .directory:
            return completePath(word, directoriesOnly: kind == .directory)
        case .status:
            let seen = (try? session.store.current().jobs.map(\.status.rawValue)) ?? []
            let values = Array(Set(JobStatus.knownValues + seen)).sorted()
            return finish(word: word, candidates: values.filter { $0.hasPrefix(word) }, addSpace: true)
        case .model:
            let seen = (try? session.store.current().jobs.compactMap(\.model)) ?? []
            let values = Array(Set(seen + ["o3-deep-research", "o4-mini-deep-research"])).sorted()
            return finish(word: word, candidates: values.filter { $0.hasPrefix(word) }, addSpace: true)
        case .tag:
            let seen = (try? session.store.current().jobs.flatMap(\.tags)) ?? []
            return finish(word: word, candidates: Array(Set(seen)).sorted().filter { $0.hasPrefix(word) }, addSpace: true)
        case .choice(let values):
            return finish(word: word, candidates: values.filter { $0.hasPrefix(word) }, addSpace: true)
        case .commandName:
            let names = session.table.specs.map(\.name) + HelpCommand.topics.map(\.name)
            return finish(word: word, candidates: names.filter { $0.hasPrefix(word) }.sorted(), addSpace: true)
        case .integer, .number, .date, .duration, .text:
            return .none
        }
    }

    /// Job ids by prefix; `68a1` finds `resp_68a1…`. Several matches are listed with their
    /// status, age and a prompt excerpt.
    func completeJobID(_ word: String) -> Result {
        guard JobReference.isValidID(word) || word.isEmpty else { return .none }
        var ids: [String]
        var typedWithoutPrefix = false
        do {
            if word.hasPrefix("resp_") || "resp_".hasPrefix(word) {
                ids = try session.store.ids(withPrefix: word.isEmpty ? "" : (word.hasPrefix("resp_") ? word : "resp_"),
                                            limit: Completer.listLimit + 1)
                if !word.hasPrefix("resp_") { ids = ids.filter { $0.hasPrefix(word) } }
            } else {
                ids = try session.store.ids(withPrefix: "resp_" + word, limit: Completer.listLimit + 1)
                typedWithoutPrefix = true
                if ids.isEmpty {
                    ids = try session.store.ids(withPrefix: word, limit: Completer.listLimit + 1)
                    typedWithoutPrefix = false
                }
            }
        } catch {
            return .none
        }
        if "last".hasPrefix(word), !word.isEmpty { ids.append("last") }
        guard !ids.isEmpty else { return .none }

        // What the user typed stands for `resp_` + word; complete in the form they used.
        let shown = typedWithoutPrefix ? ids.map { $0.hasPrefix("resp_") ? String($0.dropFirst(5)) : $0 } : ids
        if shown.count == 1 {
            return shown[0].count > word.count ? .insert(String(shown[0].dropFirst(word.count))) : .none
        }
        let common = Completer.commonPrefix(shown)
        if common.count > word.count {
            return .insert(String(common.dropFirst(word.count)))
        }
        return .list(describe(ids))
    }

    private func describe(_ ids: [String]) -> [String] {
        guard let log = try? session.store.current() else { return ids }
        let now = session.clock()
        var lines: [String] = []
        for id in ids.prefix(Completer.listLimit) {
            guard let job = session.job(withID: id, in: log) else {
                lines.append(id)
                continue
            }
            let age = job.createdAt.map { TimeText.age($0, now: now) } ?? "?"
            let prompt = job.prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let excerpt = CellWidth.truncate(TerminalText.sanitize(prompt), to: max(10, session.terminalWidth - id.count - 30))
            lines.append("\(id)  \(CellWidth.pad(job.status.rawValue, to: 11))  \(CellWidth.pad(age, to: 4, alignRight: true))  \(excerpt)")
        }
        if ids.count > Completer.listLimit { lines.append("… more; type more characters") }
        return lines
    }

    private func completePath(_ word: String, directoriesOnly: Bool) -> Result {
        let expanded = word.hasPrefix("~/") ? NSHomeDirectory() + word.dropFirst(1) : word
        let directory: String
        let namePrefix: String
        if let slash = expanded.lastIndex(of: "/") {
            directory = String(expanded[...slash])
            namePrefix = String(expanded[expanded.index(after: slash)...])
        } else {
            directory = ""
            namePrefix = expanded
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else {
            return .none
        }
        var candidates: [String] = []
        for name in names.sorted() where name.hasPrefix(namePrefix) {
            if name.hasPrefix("."), !namePrefix.hasPrefix(".") { continue }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + name, isDirectory: &isDirectory)
            if directoriesOnly, !isDirectory.boolValue { continue }
            candidates.append(name + (isDirectory.boolValue ? "/" : ""))
        }
        guard !candidates.isEmpty else { return .none }
        if candidates.count == 1 {
            let rest = String(candidates[0].dropFirst(namePrefix.count))
            let escaped = Completer.escape(rest)
            return .insert(candidates[0].hasSuffix("/") ? escaped : escaped + " ")
        }
        let common = Completer.commonPrefix(candidates)
        if common.count > namePrefix.count {
            return .insert(Completer.escape(String(common.dropFirst(namePrefix.count))))
        }
        return .list(candidates)
    }

    private func finish(word: String, candidates: [String], addSpace: Bool) -> Result {
        let unique = Array(NSOrderedSet(array: candidates)) as? [String] ?? candidates
        guard !unique.isEmpty else { return .none }
        if unique.count == 1 {
            let rest = String(unique[0].dropFirst(word.count))
            return .insert(rest + (addSpace ? " " : ""))
        }
        let common = Completer.commonPrefix(unique)
        if common.count > word.count {
            return .insert(String(common.dropFirst(word.count)))
        }
        return .list(unique)
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// Escapes characters the tokenizer treats specially, for inserted path text.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            if " \t'\"\\#".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
