/// An invalid command line, with a message that names the option and the fix.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The command-line options of `deepr-mock-api`.
public struct MockServerOptions: Sendable {
    public var logPath: String?
    public var address: LoopbackAddress = .ipv4
    public var port = 0
    public var scenarioPath: String?
    public var queuedSeconds: Double?
    public var runningSeconds: Double?
    public var latencyMilliseconds: Int?
    public var requestLogPath: String?
    public var apiKey: String?
    public var showHelp = false

    public init() {}

    public static let helpText = """
        Usage: deepr-mock-api --log FILE [options]

        A mock of the OpenAI Responses API for tests, serving background jobs seeded from a
        deepr job log. It listens on loopback only and prints one line to standard output:
          deepr-mock-api listening on http://127.0.0.1:PORT/v1
        It runs until SIGTERM or SIGINT.

        Options:
          --log FILE              Job log (JSON Lines) to seed jobs from. Without it, the server
                                  holds only the scenario's jobs and the jobs created through it.
          --host HOST             127.0.0.1 (default), localhost (bound as 127.0.0.1) or ::1.
                                  Any other host is rejected.
          --port N                TCP port, 0-65535. 0 (the default) picks a free port.
          --scenario FILE         JSON file with outcomes, forced statuses, raw bodies and faults.
          --queued-seconds S      Seconds an active job stays queued (default 2).
          --running-seconds S     Seconds it then stays in_progress before it ends (default 20).
          --latency-ms N          Delay added before every API response, in milliseconds (default 0).
          --request-log FILE      Also append every request record to FILE as one JSON line.
          --api-key KEY           Accept only this bearer key (default: any non-empty key).
          -h, --help              Show this help.

        Command-line values take precedence over the scenario file's settings.
        Control paths without authentication: GET /__mock/requests, POST /__mock/reset.
        Exit status: 0 after a signal, 1 when the server cannot start, 2 for invalid usage.
        """

    /// Parses `arguments` (without the program name). Options take their value as the next
    /// argument or after `=`, and a repeated option keeps its last value.
    public static func parse(_ arguments: [String]) throws(UsageError) -> MockServerOptions {
        var options = MockServerOptions()
        var remaining = arguments[...]

        while let argument = remaining.popFirst() {
            if argument == "-h" || argument == "--help" {
                options.showHelp = true
                continue
            }
            guard argument.hasPrefix("--") else {
                throw UsageError(description: "unexpected argument '\(argument)'")
            }

            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }

            func value() throws(UsageError) -> String {
                if let inlineValue {
                    return inlineValue
                }
                guard let next = remaining.popFirst() else {
                    throw UsageError(description: "missing value for \(name)")
                }
                return next
            }

            switch name {
            case "--log":
                options.logPath = try nonEmpty(try value(), option: name)
            case "--host":
                let host = try value()
                guard let address = LoopbackAddress(host: host) else {
                    throw UsageError(
                        description: "invalid host '\(host)': deepr-mock-api binds only to loopback; "
                            + "use 127.0.0.1, localhost or ::1")
                }
                options.address = address
            case "--port":
                options.port = try integer(try value(), option: name, range: 0...65535)
            case "--scenario":
                options.scenarioPath = try nonEmpty(try value(), option: name)
            case "--queued-seconds":
                options.queuedSeconds = try seconds(try value(), option: name)
            case "--running-seconds":
                options.runningSeconds = try seconds(try value(), option: name)
            case "--latency-ms":
                options.latencyMilliseconds = try integer(try value(), option: name, range: 0...600_000)
            case "--request-log":
                options.requestLogPath = try nonEmpty(try value(), option: name)
            case "--api-key":
                options.apiKey = try nonEmpty(try value(), option: name)
            default:
                throw UsageError(description: "unknown option '\(name)'")
            }
        }
        return options
    }

    private static func nonEmpty(_ text: String, option: String) throws(UsageError) -> String {
        guard !text.isEmpty else {
            throw UsageError(description: "\(option) needs a non-empty value")
        }
        return text
    }

    private static func integer(_ text: String, option: String, range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                description: "invalid value '\(text)' for \(option): expected a whole number from "
                    + "\(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func seconds(_ text: String, option: String) throws(UsageError) -> Double {
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw UsageError(description: "invalid value '\(text)' for \(option): expected seconds, 0 or more")
        }
        return number
    }
}
