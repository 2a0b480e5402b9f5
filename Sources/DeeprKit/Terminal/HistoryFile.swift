import Foundation

/// The shell's history file: plain UTF-8, one entry per line, oldest first, mode 0600,
/// capped at `limit` entries.
///
/// Reading also accepts libedit's own format (a `_HiStOrY_V2_` first line, with `\040`
/// for space and other octal escapes), so history written by other libedit programs or by
/// older versions loads; such a file is backed up as `<file>.libedit-backup` before it is
/// first rewritten in the plain format. A file that cannot be read gives a warning and an
/// empty history, and is then never written over in that session.
public final class HistoryFile: @unchecked Sendable {
    public let path: String
    public let limit: Int
    public private(set) var entries: [String] = []
    /// False after a failed read, so an unreadable file is never replaced.
    public private(set) var writable = true
    private var needsBackup = false

    public init(path: String, limit: Int) {
        self.path = path
        self.limit = max(1, limit)
    }

    /// Loads the file. Returns a warning to show, or nil.
    @discardableResult
    public func load() -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            writable = false
            return "cannot read the history file '\(path)'; starting with an empty history, and the file will not be changed"
        }
        // Swift reads "\r\n" as one Character, which splitting on "\n" alone would not match.
        var lines = String(decoding: data, as: UTF8.self)
            .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }

        if lines.first == "_HiStOrY_V2_" {
            lines.removeFirst()
            lines = lines.map(HistoryFile.decodeLibedit)
            needsBackup = true
        }
        entries = Array(lines.filter { !$0.isEmpty }.suffix(limit))
        return nil
    }

    /// Adds an entry unless it is empty, starts with a space, or equals the previous one.
    /// Returns whether it was added.
    @discardableResult
    public func add(_ line: String) -> Bool {
        guard !line.isEmpty, !line.hasPrefix(" "), !line.trimmingWhitespace().isEmpty else { return false }
        guard entries.last != line else { return false }
        guard !line.contains("\n") else { return false }
        entries.append(line)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        return true
    }

    /// Writes the file through a temporary file and a rename. Returns a warning or nil.
    @discardableResult
    public func save() -> String? {
        guard writable else { return nil }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
            if needsBackup {
                let backup = path + ".libedit-backup"
                if !FileManager.default.fileExists(atPath: backup) {
                    try FileManager.default.copyItem(atPath: path, toPath: backup)
                }
                needsBackup = false
            }
            let text = entries.map { $0 + "\n" }.joined()
            let temporary = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                                 attributes: [.posixPermissions: 0o600])
            else {
                throw DeeprError.runtime(String(cString: strerror(errno)))
            }
            chmod(temporary, 0o600)
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw DeeprError.runtime(reason)
            }
            return nil
        } catch {
            writable = false
            return "cannot save the history file '\(path)': \(DeeprError.from(error).message); history is not saved for the rest of this session"
        }
    }

    /// Decodes libedit's `strvis(3)` escapes: octal such as `\040` (space) and `\134`
    /// (backslash), `\\`, control characters as `\^I`, and bytes above 0x7F as `\M-C` or
    /// `\M^X`, which libedit writes for non-ASCII text when it runs in the "C" locale.
    /// Anything else is kept as it is.
    static func decodeLibedit(_ line: String) -> String {
        guard line.contains("\\") else { return line }
        var bytes: [UInt8] = []
        let source = Array(line.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), let (byte, length) = decodeEscape(source, at: index + 1) {
                bytes.append(byte)
                index += 1 + length
                continue
            }
            bytes.append(source[index])
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes one escape body starting at `start`, just after its backslash. Returns the
    /// byte and the number of bytes the body used, or nil when it is not an escape.
    private static func decodeEscape(_ source: [UInt8], at start: Int) -> (UInt8, Int)? {
        func byte(_ offset: Int) -> UInt8? {
            start + offset < source.count ? source[start + offset] : nil
        }
        func isOctal(_ value: UInt8?) -> Bool {
            value.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") } ?? false
        }
        func control(_ value: UInt8) -> UInt8 {
            value == UInt8(ascii: "?") ? 0x7F : value & 0x1F
        }

        guard let first = byte(0) else { return nil }
        if isOctal(first), isOctal(byte(1)), isOctal(byte(2)) {
            let value = (Int(first) - 48) * 64 + (Int(byte(1)!) - 48) * 8 + (Int(byte(2)!) - 48)
            return value < 256 ? (UInt8(value), 3) : nil
        }
        if first == UInt8(ascii: "\\") {
            return (first, 1)
        }
        if first == UInt8(ascii: "^"), let next = byte(1) {
            return (control(next), 2)
        }
        if first == UInt8(ascii: "M"), let marker = byte(1), let next = byte(2) {
            if marker == UInt8(ascii: "-") { return (next | 0x80, 3) }
            if marker == UInt8(ascii: "^") { return (control(next) | 0x80, 3) }
        }
        return nil
    }

    /// The default path: `$DEEPR_MANAGER_HISTFILE`, else `$XDG_STATE_HOME/deepr-manager/history`,
    /// else `~/.local/state/deepr-manager/history`. nil when history is turned off.
    public static func defaultPath(environment: Environment) -> String? {
        if let custom = environment["DEEPR_MANAGER_HISTFILE"] {
            if custom.isEmpty || custom == "/dev/null" { return nil }
            return custom
        }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/deepr-manager/history"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/state/deepr-manager/history"
    }
}
