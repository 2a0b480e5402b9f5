/// Failures to read or write the job log. Each message names the path.
public enum LogError: Error, Sendable, Equatable {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case lockFailed(path: String, reason: String)
}

extension LogError: DeeprErrorConvertible {
    public var deeprError: DeeprError {
        switch self {
        case .unreadable(let path, let reason):
            return DeeprError(.runtime, "cannot read the job log '\(path)': \(reason)",
                              hint: "check the path given by --log or DEEPR_JOB_LOG and its permissions")
        case .unwritable(let path, let reason):
            return DeeprError(.runtime, "cannot write the job log '\(path)': \(reason); the log was left as it was",
                              hint: "check free space, permissions and whether the file system is read-only")
        case .lockFailed(let path, let reason):
            return DeeprError(.runtime, "cannot lock '\(path)': \(reason); the log was left as it was")
        }
    }
}
