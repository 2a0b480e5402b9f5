import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a rewrite changes: lines replaced or removed (by 1-based line number) and lines to
/// append to the archive before the log changes.
public struct LogEdit: Sendable {
    /// New bytes for a line, without its line ending; nil removes the line.
    public var replacements: [Int: [UInt8]?] = [:]
    /// Lines to append to the archive, without line endings.
    public var archive: [[UInt8]] = []

    public init() {}

    public var isEmpty: Bool { replacements.isEmpty && archive.isEmpty }
}

/// The one way this tool changes the job log on disk.
///
/// Every rewrite:
/// 1. takes an exclusive `flock` on the companion lock file `<log>.lock`;
/// 2. re-reads the log under the lock and lets the caller decide its changes on that read;
/// 3. appends archived lines to the archive and `fsync`s it, before the log loses them;
/// 4. writes the new content to a temporary file in the same folder, with the log's mode,
///    `fsync`s it, renames it over the log and `fsync`s the folder;
/// 5. keeps the old file open and, after the rename, copies over whatever lock-less writers
///    (deepr's Python code opens, appends and closes without a lock) still appended to it,
///    until it has stayed unchanged for a while.
///
/// Lines that are not changed keep their bytes exactly, including their line ending; a
/// failure at any step removes the temporary file and leaves the log as it was.
public struct LogWriter: Sendable {
    public let path: String
    /// How long the old file must stay unchanged after the rename before it is let go.
    public var quietPeriod: Double = 0.05
    /// The longest the carry-over waits for lock-less writers to go quiet.
    public var carryOverLimit: Double = 2.0

    public init(path: String) {
        self.path = path
    }

    public var lockPath: String { path + ".lock" }

    /// The archive beside the log: `job_log.archive.jsonl` for `job_log.jsonl`.
    public var archivePath: String {
        let url = URL(fileURLWithPath: path)
        let base = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(base + ".archive.jsonl").path
    }

    public struct Result: Sendable {
        public var changedLines: Int
        public var removedLines: Int
        public var archivedLines: Int
        /// Bytes that lock-less writers appended during the rewrite and that were carried over.
        public var carriedBytes: Int
    }

    /// Rewrites the log. `edit` sees the log as read under the lock; returning an empty edit
    /// leaves the file untouched.
    @discardableResult
    public func rewrite(_ edit: (JobLog) throws -> LogEdit) throws -> Result {
        let lock = try acquireLock()
        defer { close(lock) }

        let oldDescriptor = open(path, O_RDONLY | O_CLOEXEC)
        if oldDescriptor < 0 && errno != ENOENT {
            throw LogError.unreadable(path: path, reason: LogWriter.reason())
        }
        defer { if oldDescriptor >= 0 { close(oldDescriptor) } }

        var original: [UInt8] = []
        var mode: mode_t = 0o644
        if oldDescriptor >= 0 {
            var info = stat()
            fstat(oldDescriptor, &info)
            mode = info.st_mode & 0o7777
            original = try LogWriter.readAll(oldDescriptor, from: 0, path: path)
        }

        let log = JobLog.parse(LogBytes(copying: original), path: path)
        let changes = try edit(log)
        if changes.isEmpty {
            return Result(changedLines: 0, removedLines: 0, archivedLines: 0, carriedBytes: 0)
        }

        if !changes.archive.isEmpty {
            try appendLines(changes.archive, to: archivePath, mode: mode)
        }

        var content = LogWriter.apply(changes.replacements, to: original)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporaryPath = directory + "/." + URL(fileURLWithPath: path).lastPathComponent
            + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard temporary >= 0 else {
            throw LogError.unwritable(path: path, reason: LogWriter.reason())
        }
        var renamed = false
        defer {
            close(temporary)
            if !renamed { unlink(temporaryPath) }
        }
        fchmod(temporary, mode)

        // Lines appended by lock-less writers since the read belong at the end.
        var carried = 0
        var consumed = original.count
        if oldDescriptor >= 0 {
            let late = try LogWriter.readAll(oldDescriptor, from: consumed, path: path)
            content.append(contentsOf: late)
            consumed += late.count
            carried += late.count
        }
        try LogWriter.writeAll(temporary, content, path: path)
        guard fsync(temporary) == 0 else { throw LogError.unwritable(path: path, reason: LogWriter.reason()) }

        guard rename(temporaryPath, path) == 0 else {
            throw LogError.unwritable(path: path, reason: LogWriter.reason())
        }
        renamed = true
        LogWriter.syncDirectory(directory)

        if oldDescriptor >= 0 {
            carried += try carryOver(from: oldDescriptor, offset: consumed)
        }

        let removed = changes.replacements.values.filter { $0 == nil }.count
        return Result(changedLines: changes.replacements.count - removed, removedLines: removed,
                      archivedLines: changes.archive.count, carriedBytes: carried)
    }

    /// Appends lines under the lock, first ending an unterminated last line, each line in
    /// one `write`.
    public func append(_ lines: [[UInt8]]) throws {
        let lock = try acquireLock()
        defer { close(lock) }
        try appendLines(lines, to: path, mode: 0o644)
    }

    // MARK: Steps

    private func acquireLock() throws -> Int32 {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LogError.unwritable(path: path, reason: "the folder '\(directory)' does not exist")
        }
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LogError.lockFailed(path: lockPath, reason: LogWriter.reason())
        }
        while flock(descriptor, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = LogWriter.reason()
            close(descriptor)
            throw LogError.lockFailed(path: lockPath, reason: reason)
        }
        return descriptor
    }

    private func appendLines(_ lines: [[UInt8]], to target: String, mode: mode_t) throws {
        let descriptor = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw LogError.unwritable(path: target, reason: LogWriter.reason()) }
        defer { close(descriptor) }

        var info = stat()
        fstat(descriptor, &info)
        if info.st_size > 0 {
            var last: UInt8 = 0
            if pread(descriptor, &last, 1, off_t(info.st_size - 1)) == 1, last != 0x0A {
                try LogWriter.writeAll(descriptor, [0x0A], path: target)
            }
        }
        for line in lines {
            try LogWriter.writeAll(descriptor, line + [0x0A], path: target)
        }
        guard fsync(descriptor) == 0 else { throw LogError.unwritable(path: target, reason: LogWriter.reason()) }
    }

    /// Copies what lock-less writers append to the old file after the rename, until the old
    /// file stays unchanged for `quietPeriod` (or `carryOverLimit` passes).
    private func carryOver(from oldDescriptor: Int32, offset: Int) throws -> Int {
        var consumed = offset
        var carried = 0
        let start = Date()
        var quietSince = Date()
        var newDescriptor: Int32 = -1
        defer { if newDescriptor >= 0 { close(newDescriptor) } }

        while Date().timeIntervalSince(start) < carryOverLimit {
            let late = try LogWriter.readAll(oldDescriptor, from: consumed, path: path)
            if late.isEmpty {
                if Date().timeIntervalSince(quietSince) >= quietPeriod { break }
                usleep(2_000)
                continue
            }
            if newDescriptor < 0 {
                newDescriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
                guard newDescriptor >= 0 else { throw LogError.unwritable(path: path, reason: LogWriter.reason()) }
            }
            try LogWriter.writeAll(newDescriptor, late, path: path)
            consumed += late.count
            carried += late.count
            quietSince = Date()
        }
        if newDescriptor >= 0 { fsync(newDescriptor) }
        return carried
    }

    /// Builds the new content: replaced lines keep their original line ending.
    static func apply(_ replacements: [Int: [UInt8]?], to original: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(original.count + 1024)
        var lineNumber = 0
        var start = 0
        while start < original.count {
            lineNumber += 1
            var end = start
            while end < original.count, original[end] != 0x0A { end += 1 }
            let hasNewline = end < original.count
            var contentEnd = end
            if contentEnd > start, original[contentEnd - 1] == 0x0D { contentEnd -= 1 }

            if let replacement = replacements[lineNumber] {
                if let bytes = replacement {
                    // Keep a BOM at the start of the file.
                    if lineNumber == 1, original.count >= 3, original[0] == 0xEF, original[1] == 0xBB, original[2] == 0xBF,
                        !(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
                    {
                        output.append(contentsOf: [0xEF, 0xBB, 0xBF])
                    }
                    output.append(contentsOf: bytes)
                    output.append(contentsOf: original[contentEnd..<end])
                    output.append(0x0A)
                }
            } else {
                output.append(contentsOf: original[start..<end])
                if hasNewline { output.append(0x0A) }
            }
            start = end + 1
        }
        return output
    }

    static func readAll(_ descriptor: Int32, from offset: Int, path: String) throws -> [UInt8] {
        var result: [UInt8] = []
        var position = offset
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LogError.unreadable(path: path, reason: reason())
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
            position += count
        }
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw LogError.unwritable(path: path, reason: reason())
            }
            offset += written
        }
    }

    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    static func reason() -> String {
        String(cString: strerror(errno))
    }
}

extension LogWriter {
    /// Sets fields on the winning line of each job and returns the edit; unknown fields and
    /// key order stay, new keys go last. Lines are written the way Python's `json.dumps`
    /// writes them.
    public static func updates(_ fields: [String: JSONObject], in log: JobLog) -> LogEdit {
        var edit = LogEdit()
        for job in log.jobs {
            guard let changes = fields[job.id] else { continue }
            var record = job.record
            var changed = false
            for (key, value) in changes.entries where record[key] != value {
                record[key] = value
                changed = true
            }
            if changed {
                edit.replacements[job.lineNumber] = Array(JSONWriter.string(.object(record), style: .python).utf8)
            }
        }
        return edit
    }
}
