import Foundation

/// Environment variables as the session sees them: the process environment, plus variables
/// from a `.env` file that the process environment does not already set.
///
/// `.env` is read as data, never run: `KEY=VALUE` lines, an optional `export ` prefix,
/// single or double quotes around the value (double quotes understand `\n`, `\"` and `\\`),
/// `#` comments on their own line or after an unquoted value, blank lines.
public struct Environment: Sendable {
    public private(set) var values: [String: String]
    /// Names that came from the `.env` file.
    public private(set) var fromFile: Set<String> = []

    public init(_ values: [String: String]) {
        self.values = values
    }

    public static func process() -> Environment {
        Environment(ProcessInfo.processInfo.environment)
    }

    public subscript(name: String) -> String? {
        values[name]
    }

    /// Adds the variables of a `.env` file that are not set yet. A missing file is fine;
    /// returns warnings for lines that could not be read, with their line numbers.
    ///
    /// A missing file gives a warning only when `required` (a path given with `--env-file`);
    /// a file that exists but cannot be read always does. At most 10 line warnings are
    /// returned, then one that counts the rest.
    @discardableResult
    public mutating func loadDotEnv(path: String, required: Bool = false) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return required ? ["the env file '\(path)' does not exist; no variables were read from it"] : []
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            return ["cannot read the env file '\(path)'\(isDirectory.boolValue ? ": it is a directory" : ""); no variables were read from it"]
        }
        let text = String(decoding: data, as: UTF8.self)
        var warnings: [String] = []
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = String(rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "=") else {
                warnings.append("\(path):\(offset + 1): expected KEY=VALUE; the line was ignored")
                continue
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                warnings.append("\(path):\(offset + 1): invalid variable name; the line was ignored")
                continue
            }
            let value = Environment.parseValue(String(line[line.index(after: equals)...]).trimmingWhitespace())
            if values[key] == nil {
                values[key] = value
                fromFile.insert(key)
            }
        }
        if warnings.count > 10 {
            let more = warnings.count - 10
            warnings = Array(warnings.prefix(10)) + ["\(path): \(more) more lines were ignored"]
        }
        return warnings
    }

    static func parseValue(_ raw: String) -> String {
        if raw.hasPrefix("'") {
            let body = raw.dropFirst()
            if let close = body.firstIndex(of: "'") { return String(body[..<close]) }
            return String(body)
        }
        if raw.hasPrefix("\"") {
            var result = ""
            var iterator = raw.dropFirst().makeIterator()
            while let character = iterator.next() {
                if character == "\"" { break }
                if character == "\\", let next = iterator.next() {
                    switch next {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: result.append(next)
                    }
                    continue
                }
                result.append(character)
            }
            return result
        }
        if let hash = raw.range(of: " #") {
            return String(raw[..<hash.lowerBound]).trimmingWhitespace()
        }
        return raw
    }
}
