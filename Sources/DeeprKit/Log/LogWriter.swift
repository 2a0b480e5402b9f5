import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The changes of one rewrite: lines replaced or removed (by 1-based line number) and lines
/// to append to the archive before the log changes.
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
/// 1. takes an exclusive `flock` on the companion lock file `<log>.lock`, and removes
///    temporary files that a killed rewrite left behind;
/// 2. re-reads the log under the lock and lets the caller decide its changes on that read;
/// 3. appends archived lines to the archive and `fsync`s it, before the log loses them;
/// 4. writes the new content to a temporary file in the same folder, with the log's mode
///    and owner, `fsync`s it, renames it over the log and `fsync`s the folder;
/// 5. keeps the old file open and, after the rename, copies over whatever lock-less writers
///    still append to it. deepr's Python code opens, appends and closes without a lock. The
///    copying stops once the old file stayed unchanged for `quietPeriod` and no other
///    process has it open for writing (`OpenWriterScan`).
///
/// Lines that are not changed keep their bytes exactly, including their line ending. A
/// rewrite throws only when the log was left as it was: a failure before the rename removes
/// the temporary file and takes back the archive lines it appended.
public struct LogWriter: Sendable {
    public let path: String
    /// The time, in seconds, that the old file must stay unchanged after the rename before
    /// the carry-over stops.
    /// NOTE: only writers that `OpenWriterScan` cannot see (another user's processes, or no
    /// `/proc`) and that stall longer than this between open and write lose their line.
    public var quietPeriod: Double = 0.05
    /// The maximum time, in seconds, that the carry-over waits for lock-less writers.
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

    var directory: String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return folder.isEmpty ? "." : folder
    }

    var fileName: String { URL(fileURLWithPath: path).lastPathComponent }

    /// Temporary files of rewrites of this log start with this name.
    var temporaryPrefix: String { "." + fileName + ".tmp-" }

    public struct Result: Sendable {
        public var changedLines = 0
        public var removedLines = 0
        public var archivedLines = 0
        /// Bytes that lock-less writers appended during the rewrite and that were carried over.
        public var carriedBytes = 0
        /// A problem after the new log was in place, such as appended lines that could not be
        /// carried over. The rewrite itself took effect.
        public var warning: String?
    }

    /// Rewrites the log. `edit` receives the log as read under the lock. An empty edit leaves
    /// the files untouched.
    @discardableResult
    public func rewrite(_ edit: (JobLog) throws -> LogEdit) throws -> Result {
        let lock = try acquireLock()
        defer { close(lock) }
        removeStaleTemporaryFiles()

        let oldDescriptor = open(path, O_RDONLY | O_CLOEXEC)
        if oldDescriptor < 0 && errno != ENOENT {
            throw LogError.unreadable(path: path, reason: LogWriter.reason())
        }
        defer { if oldDescriptor >= 0 { close(oldDescriptor) } }

        var original: [UInt8] = []
        var info = stat()
        info.st_mode = 0o644
        info.st_uid = geteuid()
        info.st_gid = getegid()
        if oldDescriptor >= 0 {
            fstat(oldDescriptor, &info)
            original = try LogWriter.readAll(oldDescriptor, from: 0, path: path)
        }
        try checkWritable(logExists: oldDescriptor >= 0)

        let log = JobLog.parse(LogBytes(copying: original), path: path)
        let changes = try edit(log)
        var result = Result()
        if changes.isEmpty { return result }

        let removed = changes.replacements.values.filter { $0 == nil }.count
        result.changedLines = changes.replacements.count - removed
        result.removedLines = removed
        result.archivedLines = changes.archive.count

        var archiveAppend: ArchiveAppend?
        if !changes.archive.isEmpty {
            archiveAppend = try appendToArchive(changes.archive, mode: info.st_mode & 0o7777)
        }
        if changes.replacements.isEmpty { return result }

        var consumed = original.count
        do {
            var content = LogWriter.apply(changes.replacements, to: original)
            if oldDescriptor >= 0 {
                // Whole lines appended since the read go in now. A line that is still being
                // written is left to the carry-over, which copies it once it is complete.
                let late = try LogWriter.readAll(oldDescriptor, from: consumed, path: path)
                let complete = LogWriter.completeLinesLength(late)
                content.append(contentsOf: late[0..<complete])
                consumed += complete
                result.carriedBytes += complete
            }
            try replaceLog(with: content, like: info)
        } catch {
            archiveAppend?.undo()
            throw error
        }

        if oldDescriptor >= 0 {
            let carry = carryOver(from: oldDescriptor, offset: consumed, oldFile: info)
            result.carriedBytes += carry.bytes
            result.warning = carry.warning
        }
        return result
    }

    /// Appends lines under the lock, first ending an unterminated last line, each line in
    /// one `write`.
    public func append(_ lines: [[UInt8]]) throws {
        let lock = try acquireLock()
        defer { close(lock) }
        try checkWritable(logExists: access(path, F_OK) == 0)

        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LogError.unwritable(path: path, reason: LogWriter.reason()) }
        defer { close(descriptor) }
        if try LogWriter.endsInsideLine(descriptor, path: path) {
            try LogWriter.writeAll(descriptor, [0x0A], path: path)
        }
        for line in lines {
            try LogWriter.writeAll(descriptor, line + [0x0A], path: path)
        }
        guard fsync(descriptor) == 0 else { throw LogError.unwritable(path: path, reason: LogWriter.reason()) }
    }

    // MARK: Steps

    private func acquireLock() throws -> Int32 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LogError.unwritable(path: path, reason: "the folder '\(directory)' does not exist")
        }
        var descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == EROFS || errno == EACCES {
            // An existing lock file can be locked through a read-only descriptor.
            let reason = LogWriter.reason()
            descriptor = open(lockPath, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw LogError.unwritable(path: path, reason: "\(reason) (cannot create the lock file '\(lockPath)')")
            }
        }
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

    /// Throws when the log (if it exists) or its folder cannot be written by this process.
    private func checkWritable(logExists: Bool) throws {
        if logExists, faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 {
            throw LogError.unwritable(path: path, reason: LogWriter.reason())
        }
        if faccessat(AT_FDCWD, directory, W_OK | X_OK, AT_EACCESS) != 0 {
            throw LogError.unwritable(path: path, reason: "\(LogWriter.reason()) (the folder '\(directory)')")
        }
    }

    /// Removes temporary files of rewrites that were killed before their rename. Any such
    /// file is stale, because a rewrite creates one only while it holds the lock.
    private func removeStaleTemporaryFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(temporaryPrefix) {
            unlink(directory + "/" + name)
        }
    }

    /// Writes `content` to a temporary file with the old log's mode and owner, then renames
    /// it over the log and syncs the folder. Removes the temporary file on failure.
    private func replaceLog(with content: [UInt8], like info: stat) throws {
        let temporaryPath = directory + "/" + temporaryPrefix + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let mode = info.st_mode & 0o7777
        let temporary = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard temporary >= 0 else {
            throw LogError.unwritable(path: path, reason: LogWriter.reason())
        }
        var renamed = false
        defer {
            close(temporary)
            if !renamed { unlink(temporaryPath) }
        }
        // Keep the owner, so that a rewrite run as root does not lock the user's Python
        // writers out. Without root, a change to another owner fails, and the new file
        // then belongs to the current user.
        _ = fchown(temporary, info.st_uid, info.st_gid)
        fchmod(temporary, mode)

        try LogWriter.writeAll(temporary, content, path: path)
        guard fsync(temporary) == 0 else { throw LogError.unwritable(path: path, reason: LogWriter.reason()) }
        guard rename(temporaryPath, path) == 0 else {
            throw LogError.unwritable(path: path, reason: LogWriter.reason())
        }
        renamed = true
        LogWriter.syncDirectory(directory)
    }

    /// Copies what lock-less writers append to the old file after the rename. It stops when
    /// the file has stayed unchanged for `quietPeriod` and no other process has it open for
    /// writing, or after `carryOverLimit`. Only whole lines are copied while writers may
    /// still be active, so a line is never split around a line that another writer appends
    /// to the new file.
    private func carryOver(from oldDescriptor: Int32, offset: Int, oldFile: stat) -> (bytes: Int, warning: String?) {
        var consumed = offset
        var pending: [UInt8] = []
        var carried = 0
        var newDescriptor: Int32 = -1
        defer { if newDescriptor >= 0 { close(newDescriptor) } }

        func copy(_ bytes: ArraySlice<UInt8>) throws {
            if newDescriptor < 0 {
                newDescriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
                guard newDescriptor >= 0 else { throw LogError.unwritable(path: path, reason: LogWriter.reason()) }
            }
            try LogWriter.writeAll(newDescriptor, Array(bytes), path: path)
            carried += bytes.count
        }

        let start = Date()
        var quietSince = start
        var writerStillOpen = false
        do {
            while true {
                let fresh = try LogWriter.readAll(oldDescriptor, from: consumed, path: path)
                if !fresh.isEmpty {
                    consumed += fresh.count
                    pending.append(contentsOf: fresh)
                    quietSince = Date()
                    let complete = LogWriter.completeLinesLength(pending)
                    if complete > 0 {
                        try copy(pending[0..<complete])
                        pending.removeFirst(complete)
                    }
                }

                let quiet = fresh.isEmpty && Date().timeIntervalSince(quietSince) >= quietPeriod
                if quiet {
                    // The scan costs more than a read, so it runs only once the file is quiet.
                    writerStillOpen = OpenWriterScan.otherProcessWrites(device: UInt64(oldFile.st_dev),
                                                                        inode: UInt64(oldFile.st_ino))
                    // A writer that closed the file just before the scan may have written
                    // after the last read, so one more read must find nothing.
                    if !writerStillOpen, try LogWriter.fileSize(oldDescriptor, path: path) == consumed { break }
                }
                if Date().timeIntervalSince(start) >= carryOverLimit { break }
                usleep(quiet ? 10_000 : 2_000)
            }
            // A line whose writer stopped before its newline moves as it is.
            if !pending.isEmpty {
                try copy(pending[...])
                pending.removeAll()
            }
            if newDescriptor >= 0 { fsync(newDescriptor) }
        } catch {
            let message = DeeprError.from(error).message
            return (carried, "the log was rewritten, but \(pending.count) bytes that another program appended "
                + "during the rewrite were not copied to it: \(message)")
        }
        if writerStillOpen {
            return (carried, "another program kept the old log open for writing for more than "
                + "\(Int(carryOverLimit)) s after the rewrite; a line it writes after that is not in the new log")
        }
        return (carried, nil)
    }

    // MARK: Archive

    /// The archive's state before an append, so that the append can be taken back when the
    /// log rewrite that follows fails.
    struct ArchiveAppend {
        var path: String
        var previousSize: off_t
        var created: Bool

        func undo() {
            if created {
                unlink(path)
            } else {
                truncate(path, previousSize)
            }
        }
    }

    /// Appends lines (without a leading BOM) to the archive and syncs it. When the archive
    /// already ends with the start of these lines, because an earlier prune was killed
    /// between its archive append and its rename, only the rest is written.
    private func appendToArchive(_ lines: [[UInt8]], mode: mode_t) throws -> ArchiveAppend {
        let target = archivePath
        var created = false
        var descriptor = open(target, O_RDWR | O_APPEND | O_CLOEXEC)
        if descriptor < 0, errno == ENOENT {
            descriptor = open(target, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            created = true
        }
        guard descriptor >= 0 else { throw archiveError(target) }
        defer { close(descriptor) }

        var info = stat()
        fstat(descriptor, &info)
        let append = ArchiveAppend(path: target, previousSize: info.st_size, created: created)

        var block: [UInt8] = []
        for line in lines {
            block.append(contentsOf: LogWriter.hasBOM(line) ? line.dropFirst(3) : line[...])
            block.append(0x0A)
        }
        // One byte more than the block, to see whether the block's first byte would sit at
        // a line start.
        let tailLength = min(Int(info.st_size), block.count + 1)
        var tail = [UInt8](repeating: 0, count: tailLength)
        let tailStart = Int(info.st_size) - tailLength
        let readCount = tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, tailLength, off_t(tailStart)) }
        var overlap = 0
        if readCount == tailLength {
            overlap = LogWriter.resumeLength(tail: tail, atFileStart: tailStart == 0, block: block)
        }

        var bytes = Array(block[overlap...])
        if overlap == 0, try LogWriter.endsInsideLine(descriptor, path: target) {
            bytes.insert(0x0A, at: 0)
        }
        guard LogWriter.writeAllBytes(descriptor, bytes), fsync(descriptor) == 0 else {
            let error = archiveError(target)
            append.undo()
            throw error
        }
        if created { LogWriter.syncDirectory(directory) }
        return append
    }

    /// Returns the error for a failed archive step, from `errno`, naming both files.
    private func archiveError(_ target: String) -> LogError {
        .unwritable(path: path, reason: "cannot append to the archive '\(target)': \(LogWriter.reason())")
    }

    /// Returns the length of the longest start of `block` that `tail` (the end of the
    /// archive) ends with. Only matches that begin at a line start count, and 0 means none.
    static func resumeLength(tail: [UInt8], atFileStart: Bool, block: [UInt8]) -> Int {
        var start = 0
        while start < tail.count {
            let length = tail.count - start
            let atLineStart = start == 0 ? atFileStart : tail[start - 1] == 0x0A
            if atLineStart, length <= block.count, tail[start...].elementsEqual(block[0..<length]) {
                return length
            }
            guard let newline = tail[start...].firstIndex(of: 0x0A) else { break }
            start = newline + 1
        }
        return 0
    }

    // MARK: Bytes

    /// Builds the new content: replaced lines keep their original line ending, and a
    /// replaced first line keeps the file's BOM.
    static func apply(_ replacements: [Int: [UInt8]?], to original: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(original.count + 1024)
        original.withUnsafeBufferPointer { buffer in
            var lineNumber = 0
            var start = 0
            while start < buffer.count {
                lineNumber += 1
                var end = buffer.count
                if let found = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) {
                    end = UnsafeRawPointer(buffer.baseAddress!).distance(to: UnsafeRawPointer(found))
                }
                let hasNewline = end < buffer.count
                var contentEnd = end
                if contentEnd > start, buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }

                if let replacement = replacements[lineNumber] {
                    if let bytes = replacement {
                        if lineNumber == 1, hasBOM(buffer), !hasBOM(bytes) {
                            output.append(contentsOf: [0xEF, 0xBB, 0xBF])
                        }
                        output.append(contentsOf: bytes)
                        output.append(contentsOf: buffer[contentEnd..<end])
                        output.append(0x0A)
                    }
                } else {
                    output.append(contentsOf: buffer[start..<(hasNewline ? end + 1 : end)])
                }
                start = end + 1
            }
        }
        return output
    }

    static func hasBOM<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.starts(with: [0xEF, 0xBB, 0xBF])
    }

    /// Returns the length of the part of `bytes` up to and including its last newline.
    static func completeLinesLength(_ bytes: [UInt8]) -> Int {
        guard let last = bytes.lastIndex(of: 0x0A) else { return 0 }
        return last + 1
    }

    static func fileSize(_ descriptor: Int32, path: String) throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw LogError.unreadable(path: path, reason: reason()) }
        return Int(info.st_size)
    }

    /// Returns whether the file is not empty and its last byte is not a newline.
    static func endsInsideLine(_ descriptor: Int32, path: String) throws -> Bool {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw LogError.unreadable(path: path, reason: reason()) }
        guard info.st_size > 0 else { return false }
        var last: UInt8 = 0
        guard pread(descriptor, &last, 1, off_t(info.st_size - 1)) == 1 else {
            throw LogError.unreadable(path: path, reason: reason())
        }
        return last != 0x0A
    }

    /// Reads from `offset` to the end of the file, including bytes appended while reading.
    static func readAll(_ descriptor: Int32, from offset: Int, path: String) throws -> [UInt8] {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw LogError.unreadable(path: path, reason: reason()) }
        var result: [UInt8] = []
        result.reserveCapacity(max(0, Int(info.st_size) - offset))
        var position = offset
        var chunk = [UInt8](repeating: 0, count: max(1 << 16, min(1 << 24, Int(info.st_size) - offset)))
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
        guard writeAllBytes(descriptor, bytes) else {
            throw LogError.unwritable(path: path, reason: reason())
        }
    }

    /// Writes every byte, retrying after signals. Returns false, with `errno` set, on failure.
    static func writeAllBytes(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
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
