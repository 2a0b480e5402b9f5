/// A command line after the command table has checked it: the command's spec, the flags by
/// name in the order given, and the positional arguments.
public struct ParsedArguments: Sendable {
    public var spec: CommandSpec
    public var flags: [(name: String, value: String?)]
    public var positionals: [String]

    public func has(_ name: String) -> Bool {
        flags.contains { $0.name == name }
    }

    /// The last value given for a flag.
    public func value(_ name: String) -> String? {
        flags.last { $0.name == name }?.value ?? nil
    }

    /// Every value given for a repeatable flag, with comma-separated lists split.
    public func values(_ name: String, splitCommas: Bool = true) -> [String] {
        flags.filter { $0.name == name }.compactMap(\.value).flatMap { value -> [String] in
            guard splitCommas else { return [value] }
            return value.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }
    }

    public func integer(_ name: String) throws(DeeprError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), number >= 0 else {
            throw .usage("invalid value '\(text)' for --\(name): expected a whole number of 0 or more")
        }
        return number
    }

    public func number(_ name: String) throws(DeeprError) -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw .usage("invalid value '\(text)' for --\(name): expected a number of seconds, such as 5 or 0.5")
        }
        return number
    }

    /// The value of a flag restricted to a list of choices.
    public func choice(_ name: String, _ choices: [String], default fallback: String) throws(DeeprError) -> String {
        guard let text = value(name) else { return fallback }
        guard choices.contains(text) else {
            throw .usage("invalid value '\(text)' for --\(name): expected one of \(choices.joined(separator: ", "))")
        }
        return text
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(self).trimmingWhitespace()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
