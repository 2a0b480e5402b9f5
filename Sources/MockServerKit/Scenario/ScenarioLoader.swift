import Foundation

/// An invalid or unreadable scenario file, with the key path of the offending value.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Reads and checks a scenario file.
///
/// Unknown keys are errors so that a misspelled option cannot silently do nothing. Keys that
/// start with `_` are ignored everywhere and can hold comments.
public enum ScenarioLoader {
    /// Loads the scenario at `path`. A `body_file` is read relative to the folder of `path`.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(description: "cannot read scenario file '\(path)'")
        }

        return try parse(Array(data), name: path, folder: url.deletingLastPathComponent())
    }

    /// Parses scenario JSON that did not come from a file, for servers started inside a test
    /// process. A `body_file` is read relative to `folder`.
    public static func parse(_ text: String, folder: URL) throws(ScenarioError) -> Scenario {
        try parse(Array(text.utf8), name: "<text>", folder: folder)
    }

    private static func parse(_ bytes: [UInt8], name: String, folder: URL) throws(ScenarioError) -> Scenario {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw ScenarioError(description: "scenario file '\(name)' is not valid JSON: \(error)")
        }

        let reader = ScenarioReader(file: name, folder: folder)
        return try reader.readScenario(root)
    }
}

/// Walks a parsed scenario and builds `Scenario`, naming the key path in every error.
struct ScenarioReader {
    let file: String
    let folder: URL

    func readScenario(_ root: JSONValue) throws(ScenarioError) -> Scenario {
        let members = try object(root, at: "top level")
        try rejectUnknownKeys(
            members, allowed: ["api_key", "queued_seconds", "running_seconds", "latency_ms", "jobs", "paths"],
            at: "top level")

        var scenario = Scenario()
        if let value = root["api_key"] {
            let key = try string(value, at: "api_key")
            guard !key.isEmpty else {
                throw failure("api_key", "expected a non-empty string")
            }
            scenario.apiKey = key
        }
        scenario.queuedSeconds = try root["queued_seconds"].map { item throws(ScenarioError) in
            try seconds(item, at: "queued_seconds")
        }
        scenario.runningSeconds = try root["running_seconds"].map { item throws(ScenarioError) in
            try seconds(item, at: "running_seconds")
        }
        scenario.latencyMilliseconds = try root["latency_ms"].map { item throws(ScenarioError) in
            try count(item, at: "latency_ms")
        }

        if let jobs = root["jobs"] {
            for member in try object(jobs, at: "jobs") where !member.key.hasPrefix("_") {
                scenario.jobs.append(try readJob(id: member.key, member.value))
            }
        }

        if let paths = root["paths"] {
            for member in try object(paths, at: "paths") where !member.key.hasPrefix("_") {
                let location = "paths[\"\(member.key)\"]"
                guard member.key == "*" || member.key.hasPrefix("/") else {
                    throw failure(location, "a path key must start with '/' or be '*'")
                }
                scenario.pathFaults.append((member.key, try readFaults(member.value, at: location)))
            }
        }

        return scenario
    }

    // MARK: - Jobs

    private func readJob(id: String, _ value: JSONValue) throws(ScenarioError) -> ScenarioJob {
        let location = "jobs.\(id)"
        guard ResponseID.isValid(id) else {
            throw failure(location, "a response id may contain only letters, digits, '_' and '-'")
        }
        let members = try object(value, at: location)
        try rejectUnknownKeys(
            members,
            allowed: [
                "outcome", "status", "body", "body_file", "faults", "prompt", "model", "queued_seconds",
                "running_seconds",
            ],
            at: location)

        var job = ScenarioJob(id: id)
        if let outcome = value["outcome"] {
            let name = try string(outcome, at: "\(location).outcome")
            guard let parsed = JobOutcome(rawValue: name) else {
                let names = JobOutcome.allCases.map(\.rawValue).joined(separator: ", ")
                throw failure("\(location).outcome", "unknown outcome '\(name)'; expected one of \(names)")
            }
            job.outcome = parsed
        }
        if let status = value["status"] {
            let text = try string(status, at: "\(location).status")
            guard !text.isEmpty else {
                throw failure("\(location).status", "expected a non-empty string")
            }
            job.status = text
        }

        if value["body"] != nil, value["body_file"] != nil {
            throw failure(location, "give either body or body_file, not both")
        }
        if let body = value["body"] {
            _ = try object(body, at: "\(location).body")
            job.body = RawResponseBody(value: body)
        }
        if let bodyFile = value["body_file"] {
            job.body = try readBodyFile(try string(bodyFile, at: "\(location).body_file"), at: "\(location).body_file")
        }

        if let faults = value["faults"] {
            job.faults = try readFaults(faults, at: "\(location).faults")
        }
        job.prompt = try value["prompt"].map { item throws(ScenarioError) in try string(item, at: "\(location).prompt") }
        job.model = try value["model"].map { item throws(ScenarioError) in try string(item, at: "\(location).model") }
        job.queuedSeconds = try value["queued_seconds"].map { item throws(ScenarioError) in
            try seconds(item, at: "\(location).queued_seconds")
        }
        job.runningSeconds = try value["running_seconds"].map { item throws(ScenarioError) in
            try seconds(item, at: "\(location).running_seconds")
        }
        return job
    }

    private func readBodyFile(_ relativePath: String, at location: String) throws(ScenarioError) -> RawResponseBody {
        let url =
            relativePath.hasPrefix("/")
            ? URL(fileURLWithPath: relativePath)
            : folder.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw failure(location, "cannot read '\(url.path)'")
        }

        let bytes = Array(data)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw failure(location, "'\(url.path)' is not valid JSON: \(error)")
        }
        _ = try object(value, at: location)
        return RawResponseBody(value: value, fileBytes: bytes)
    }

    // MARK: - Faults

    private func readFaults(_ value: JSONValue, at location: String) throws(ScenarioError) -> [Fault] {
        guard let items = value.arrayValue else {
            throw failure(location, "expected a list of faults")
        }
        var faults: [Fault] = []
        for (index, item) in items.enumerated() {
            faults.append(try readFault(item, at: "\(location)[\(index)]"))
        }
        return faults
    }

    private func readFault(_ value: JSONValue, at location: String) throws(ScenarioError) -> Fault {
        let members = try object(value, at: location)
        try rejectUnknownKeys(
            members,
            allowed: [
                "latency_ms", "status", "body", "content_type", "headers", "stall_seconds", "drop", "times", "method",
            ],
            at: location)

        var fault = Fault()
        fault.latencyMilliseconds =
            try value["latency_ms"].map { item throws(ScenarioError) in
                try count(item, at: "\(location).latency_ms")
            } ?? 0
        fault.times = try value["times"].map { item throws(ScenarioError) in try count(item, at: "\(location).times") }
        fault.method = try value["method"].map { item throws(ScenarioError) in
            try string(item, at: "\(location).method").uppercased()
        }

        let actions = ["status", "stall_seconds", "drop"].filter { value[$0] != nil }
        guard actions.count <= 1 else {
            throw failure(location, "give at most one of status, stall_seconds and drop")
        }
        for key in ["body", "content_type", "headers"] where value[key] != nil && value["status"] == nil {
            throw failure("\(location).\(key)", "\(key) needs a status")
        }

        if let status = value["status"] {
            fault.action = try readRespondAction(value, status: status, at: location)
        } else if let stall = value["stall_seconds"] {
            fault.action = .stall(seconds: try seconds(stall, at: "\(location).stall_seconds"))
        } else if let drop = value["drop"] {
            guard drop.boolValue == true else {
                throw failure("\(location).drop", "expected true")
            }
            fault.action = .drop
        }
        return fault
    }

    private func readRespondAction(
        _ value: JSONValue, status: JSONValue, at location: String
    ) throws(ScenarioError) -> FaultAction {
        guard let code = status.intValue, (200...599).contains(code) else {
            throw failure("\(location).status", "expected an HTTP status from 200 to 599")
        }

        var headers: [(name: String, value: String)] = []
        if let headerObject = value["headers"] {
            for member in try object(headerObject, at: "\(location).headers") {
                headers.append(try readHeader(member, at: "\(location).headers"))
            }
        }

        let body: FaultBody
        switch value["body"] {
        case nil:
            body = .standard
        case .string(let text):
            body = .text(text)
        case .some(let json):
            body = .json(json)
        }

        let contentType = try value["content_type"].map { item throws(ScenarioError) in
            try headerValue(try string(item, at: "\(location).content_type"), at: "\(location).content_type")
        }
        return .respond(status: code, headers: headers, body: body, contentType: contentType)
    }

    private func readHeader(_ member: JSONMember, at location: String) throws(ScenarioError) -> (
        name: String, value: String
    ) {
        let place = "\(location).\(member.key)"
        guard !member.key.isEmpty, member.key.utf8.allSatisfy(HTTPHeadParser.isTokenByte) else {
            throw failure(place, "invalid header field name")
        }
        let text: String
        switch member.value {
        case .string(let string):
            text = string
        case .number(let literal):
            text = literal
        default:
            throw failure(place, "expected a string or number")
        }
        return (member.key, try headerValue(text, at: place))
    }

    private func headerValue(_ text: String, at location: String) throws(ScenarioError) -> String {
        guard !text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw failure(location, "a header value may not contain CR, LF or NUL")
        }
        return text
    }

    // MARK: - Value checks

    private func object(_ value: JSONValue, at location: String) throws(ScenarioError) -> [JSONMember] {
        guard let members = value.objectMembers else {
            throw failure(location, "expected an object")
        }
        return members
    }

    private func string(_ value: JSONValue, at location: String) throws(ScenarioError) -> String {
        guard let text = value.stringValue else {
            throw failure(location, "expected a string")
        }
        return text
    }

    private func seconds(_ value: JSONValue, at location: String) throws(ScenarioError) -> Double {
        guard let number = value.doubleValue, number.isFinite, number >= 0 else {
            throw failure(location, "expected a number of seconds, 0 or more")
        }
        return number
    }

    private func count(_ value: JSONValue, at location: String) throws(ScenarioError) -> Int {
        guard let number = value.intValue, number >= 0 else {
            throw failure(location, "expected a whole number, 0 or more")
        }
        return number
    }

    private func rejectUnknownKeys(
        _ members: [JSONMember], allowed: Set<String>, at location: String
    ) throws(ScenarioError) {
        for member in members where !member.key.hasPrefix("_") && !allowed.contains(member.key) {
            let names = allowed.sorted().joined(separator: ", ")
            throw failure(location, "unknown key '\(member.key)'; expected one of \(names)")
        }
    }

    private func failure(_ location: String, _ message: String) -> ScenarioError {
        ScenarioError(description: "scenario file '\(file)': \(location): \(message)")
    }
}
