/// The exit statuses of deepr-manager, shared by one-shot commands, scripts and `help exit-codes`.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// A command failed at run time: an API error, a file error.
    case runtime = 1
    /// A usage error: unknown command, bad flag, bad job reference.
    case usage = 2
    /// A script stopped at an error.
    case script = 3
    /// The API key is missing or was rejected.
    case auth = 4
    /// `--exit-status` saw a job end failed, cancelled, expired or incomplete.
    case jobEndedBadly = 5
    /// `wait --timeout` expired.
    case timeout = 8
    /// Interrupted by Ctrl-C.
    case interrupted = 130
}

/// An error meant for the user: a message that names the value, an optional hint that says
/// what to do, and the exit status it maps to.
public struct DeeprError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: ExitStatus
    public var message: String
    public var hint: String?

    public init(_ status: ExitStatus, _ message: String, hint: String? = nil) {
        self.status = status
        self.message = message
        self.hint = hint
    }

    public static func usage(_ message: String, hint: String? = nil) -> DeeprError {
        DeeprError(.usage, message, hint: hint)
    }

    public static func runtime(_ message: String, hint: String? = nil) -> DeeprError {
        DeeprError(.runtime, message, hint: hint)
    }

    public var description: String { message }
}

/// Domain errors that know how to present themselves to the user.
public protocol DeeprErrorConvertible: Error {
    var deeprError: DeeprError { get }
}

extension DeeprError {
    /// Maps any error to the user-facing form; unknown errors are runtime failures.
    public static func from(_ error: any Error) -> DeeprError {
        if let error = error as? DeeprError { return error }
        if let error = error as? any DeeprErrorConvertible { return error.deeprError }
        return DeeprError(.runtime, "\(error)")
    }
}
