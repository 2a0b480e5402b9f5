import Foundation

/// Checks on script files before they are read whole.
enum ScriptFiles {
    /// Whether `path` is a regular file (after following links). Devices, pipes and
    /// folders are refused, since reading `/dev/zero` whole would never end.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Why a script cannot be read, in the usual words.
    static func unreadableReason(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return String(cString: strerror(errno)) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "it is a directory" }
        if (info.st_mode & S_IFMT) != S_IFREG { return "it is not a regular file" }
        return access(path, R_OK) == 0 ? "read failed" : String(cString: strerror(EACCES))
    }
}
