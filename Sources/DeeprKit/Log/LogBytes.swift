import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a job log as read at one moment, shared by every `Job` loaded from them.
///
/// A regular file is memory-mapped read-only, so a large log costs no copy; anything else
/// (a pipe, `/dev/stdin`) is read into memory. Later appends by other processes do not
/// show through: the mapping covers the size the file had when it was opened.
public final class LogBytes: @unchecked Sendable {
    public let buffer: UnsafeRawBufferPointer
    private let mapped: Bool

    /// An empty buffer, for a log that does not exist yet.
    public init() {
        buffer = UnsafeRawBufferPointer(start: nil, count: 0)
        mapped = false
    }

    /// Copies the given bytes; used by tests and for small rewrites.
    public init(copying bytes: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<bytes.count])
        mapped = false
    }

    /// Reads the file at `path`. Throws `LogError.unreadable` with the system's reason.
    /// Only regular files are read: a device such as /dev/zero would never end, and opening a
    /// FIFO would wait for a writer.
    public init(contentsOf path: String) throws(LogError) {
        var pathInfo = stat()
        if stat(path, &pathInfo) == 0 {
            switch pathInfo.st_mode & S_IFMT {
            case S_IFREG:
                break
            case S_IFDIR:
                throw LogError.unreadable(path: path, reason: "it is a directory")
            default:
                throw LogError.unreadable(path: path, reason: "it is not a regular file (a device, pipe or socket)")
            }
        }

        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LogError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }

        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw LogError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw LogError.unreadable(path: path, reason: "it is a directory")
        }

        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
            let size = Int(info.st_size)
            if let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED {
                madvise(address, size, MADV_SEQUENTIAL)
                buffer = UnsafeRawBufferPointer(start: address, count: size)
                mapped = true
                return
            }
        }

        // Not a regular file, or mmap failed: read it all.
        var collected: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LogError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            collected.append(contentsOf: chunk[0..<count])
        }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(collected.count, 1), alignment: 1)
        collected.withUnsafeBytes { storage.copyMemory(from: $0) }
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<collected.count])
        mapped = false
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
        } else if let base = buffer.baseAddress {
            base.deallocate()
        }
    }

    public var count: Int { buffer.count }

    /// Drops the process's mapped pages that lie wholly inside `range`, so a large log
    /// that has been scanned does not stay resident twice (once mapped, once as the
    /// parsed jobs). The bytes stay readable: a later access maps them again from the
    /// page cache or the file. Does nothing for buffers that are not memory-mapped,
    /// because `MADV_DONTNEED` would zero anonymous memory.
    func dropResidentPages(in range: Range<Int>) {
        guard mapped, let base = buffer.baseAddress else { return }
        let pageSize = LogBytes.pageSize
        let start = (range.lowerBound + pageSize - 1) / pageSize * pageSize
        let end = range.upperBound / pageSize * pageSize
        guard start < end else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    private static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

    /// The bytes in `range` as an array.
    public func bytes(_ range: Range<Int>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: buffer[range]))
    }
}
