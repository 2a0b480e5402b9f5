import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds other processes that have a file open for writing, through `/proc`.
///
/// `LogWriter` uses it after the rename. A lock-less writer that opened the old log before
/// the rename can append to it at any later moment, however long it stalls in between. So
/// the carry-over waits until no such writer is left. Processes whose `/proc/PID/fd` this
/// process may not read (other users', unless running as root) are not seen, and without
/// `/proc` the scan finds nothing.
enum OpenWriterScan {
    /// Returns whether a process other than this one has the file with this device and
    /// inode number open for writing.
    static func otherProcessWrites(device: UInt64, inode: UInt64) -> Bool {
        guard let processes = opendir("/proc") else { return false }
        defer { closedir(processes) }
        let ownID = getpid()
        while let entry = readdir(processes) {
            guard let processID = Int32(entryName(entry)), processID != ownID else { continue }
            if process(processID, writes: device, inode) { return true }
        }
        return false
    }

    private static func process(_ processID: Int32, writes device: UInt64, _ inode: UInt64) -> Bool {
        let folder = "/proc/\(processID)/fd"
        guard let descriptors = opendir(folder) else { return false }
        defer { closedir(descriptors) }
        while let entry = readdir(descriptors) {
            let name = entryName(entry)
            if name.hasPrefix(".") { continue }
            // stat follows the descriptor's link to the open file, even after its rename.
            var info = stat()
            guard stat(folder + "/" + name, &info) == 0, UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else {
                continue
            }
            if isOpenForWriting(processID, descriptor: name) { return true }
        }
        return false
    }

    /// Reads the `flags:` line (octal open flags) of `/proc/PID/fdinfo/FD`. A descriptor
    /// whose flags cannot be read counts as a writer, so the carry-over rather waits.
    private static func isOpenForWriting(_ processID: Int32, descriptor: String) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(processID)/fdinfo/\(descriptor)", encoding: .utf8) else {
            return true
        }
        for line in text.split(separator: "\n") where line.hasPrefix("flags:") {
            guard let flags = Int32(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) else { return true }
            return flags & O_ACCMODE != O_RDONLY
        }
        return true
    }

    private static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: &entry.pointee.d_name) { pointer in
            pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
        }
    }
}
