/// What kind of value a flag or argument takes. Completion uses it to offer candidates,
/// and help uses it to name the value.
public enum ValueKind: Sendable, Equatable {
    case status
    case model
    case tag
    case choice([String])
    case path
    case directory
    case integer
    case number
    case date
    case duration
    case text
    case jobReference
    case commandName

    /// The placeholder shown in usage lines.
    public var placeholder: String {
        switch self {
        case .status: return "STATUS"
        case .model: return "MODEL"
        case .tag: return "TAG"
        case .choice(let values): return values.joined(separator: "|")
        case .path: return "FILE"
        case .directory: return "DIR"
        case .integer: return "N"
        case .number: return "SECONDS"
        case .date: return "WHEN"
        case .duration: return "AGE"
        case .text: return "TEXT"
        case .jobReference: return "REF"
        case .commandName: return "TOPIC"
        }
    }
}

/// One flag of a command: `--name`, an optional one-letter form, and its value if it takes one.
public struct FlagSpec: Sendable {
    public var name: String
    public var short: Character?
    public var value: ValueKind?
    public var repeatable: Bool
    public var help: String

    public init(_ name: String, short: Character? = nil, value: ValueKind? = nil, repeatable: Bool = false,
                help: String)
    {
        self.name = name
        self.short = short
        self.value = value
        self.repeatable = repeatable
        self.help = help
    }
}

/// The positional arguments a command accepts.
public struct PositionalSpec: Sendable {
    public var name: String
    public var kind: ValueKind
    public var minimum: Int
    /// nil means no upper bound.
    public var maximum: Int?

    public init(_ name: String, _ kind: ValueKind, minimum: Int = 0, maximum: Int? = 1) {
        self.name = name
        self.kind = kind
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// A command's entry in the command table: the single source for parsing, `help`,
/// interactive completion and the shell completion scripts.
public struct CommandSpec: Sendable {
    public var name: String
    public var aliases: [String]
    public var summary: String
    public var positionals: [PositionalSpec]
    public var flags: [FlagSpec]
    /// Longer help: what the command does, its defaults, examples.
    public var details: String
    /// Whether the command talks to the API (and so needs a key).
    public var needsAPI: Bool

    public init(name: String, aliases: [String] = [], summary: String, positionals: [PositionalSpec] = [],
                flags: [FlagSpec] = [], details: String = "", needsAPI: Bool = false)
    {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.positionals = positionals
        self.flags = flags
        self.details = details
        self.needsAPI = needsAPI
    }

    public func flag(named name: String) -> FlagSpec? {
        flags.first { $0.name == name }
    }

    public func flag(short: Character) -> FlagSpec? {
        flags.first { $0.short == short }
    }

    /// `list [--all] [--status STATUS]…`, for help and errors.
    public var usage: String {
        var parts = [name]
        for positional in positionals {
            var part = positional.name
            if positional.maximum == nil { part += "…" }
            parts.append(positional.minimum > 0 ? part : "[\(part)]")
        }
        if !flags.isEmpty { parts.append("[options]") }
        return parts.joined(separator: " ")
    }
}
