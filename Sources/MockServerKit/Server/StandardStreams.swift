import Foundation

/// Unbuffered writes to standard output and standard error.
///
/// They call `write(2)` directly, so a line is out as soon as the call returns: tests read the
/// listening line from a pipe while the server keeps running.
enum StandardStreams {
    /// Writes `line` and a newline to standard output.
    static func output(_ line: String) {
        writeAll(1, Array((line + "\n").utf8))
    }

    /// Writes `line` and a newline to standard error.
    static func error(_ line: String) {
        writeAll(2, Array((line + "\n").utf8))
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
