/// A JSON value that keeps the key order of objects and the literal text of numbers.
///
/// The mock serves scenario bodies back as they were written, so it cannot use
/// `JSONSerialization`, which loses both the key order and the spelling of numbers.
/// Objects may hold duplicate keys, and lookups return the last one, as most JSON readers do.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as its JSON literal text, for example `1.0` or `-3e2`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// Creates a number value from an integer.
    static func int(_ value: Int) -> JSONValue {
        .number(String(value))
    }

    /// Creates a number value from a double. Swift prints whole doubles with `.0`, as JSON writers do.
    /// Non-finite values have no JSON form and become `null`.
    static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else {
            return .null
        }
        return .number(String(value))
    }

    /// Creates a string value, or `null` when the string is `nil`.
    static func optionalString(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }
}

/// One key and value of a JSON object, in the order they appear.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue

    init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

// MARK: - Reading values

extension JSONValue {
    /// Returns the value of the last member named `key`, or `nil` when this is not an object or has no such key.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else {
            return nil
        }
        return members.last(where: { $0.key == key })?.value
    }

    var stringValue: String? {
        if case .string(let text) = self {
            return text
        }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let flag) = self {
            return flag
        }
        return nil
    }

    var doubleValue: Double? {
        if case .number(let literal) = self {
            return Double(literal)
        }
        return nil
    }

    /// The number as an integer, when it is one exactly (`3` and `3.0` qualify, `3.5` does not).
    var intValue: Int? {
        guard case .number(let literal) = self else {
            return nil
        }
        if let whole = Int(literal) {
            return whole
        }
        guard let number = Double(literal), number.rounded() == number, abs(number) < 9.0e15 else {
            return nil
        }
        return Int(number)
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self {
            return items
        }
        return nil
    }

    var objectMembers: [JSONMember]? {
        if case .object(let members) = self {
            return members
        }
        return nil
    }

    var isNull: Bool {
        self == .null
    }

    /// Returns a copy of this object with `key` set to `value`: an existing member keeps its
    /// position, a new one goes last. Other values are returned unchanged.
    func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else {
            return self
        }
        if let index = members.lastIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append(JSONMember(key, value))
        }
        return .object(members)
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) {
        self = .string(value)
    }

    init(integerLiteral value: Int) {
        self = .int(value)
    }

    init(floatLiteral value: Double) {
        self = .double(value)
    }

    init(booleanLiteral value: Bool) {
        self = .bool(value)
    }

    init(nilLiteral: ()) {
        self = .null
    }

    init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }

    /// Builds an object whose members keep the order of the literal.
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember($0.0, $0.1) })
    }
}
