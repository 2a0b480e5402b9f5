import Foundation
import Testing

@testable import DeeprKit

#if canImport(Glibc)
import Glibc
#endif

/// The data-safety suites. They run one test at a time because the stress tests need both
/// cores and measure timing-sensitive windows.
@Suite(.serialized) enum DataSafety {}

/// Log builders, a lock-less Python appender and tmpfs mounts for the data-safety tests.
enum SafetySupport {
    /// Returns a job line as Python's `json.dumps` writes it, with `extra` members appended verbatim.
    static func jobLine(_ id: String, status: String, timestamp: String, prompt: String = "a prompt",
                        extra: String = "") -> String
    {
        "{\"response_id\": \"\(id)\", \"status\": \"\(status)\", \"timestamp\": \"\(timestamp)\", "
            + "\"prompt\": \"\(prompt)\", \"model\": \"o3-deep-research\"\(extra)}"
    }

    /// Splits bytes at LF. The pieces keep a CR before the LF; a last piece without LF is
    /// kept when it is not empty.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            result.append(Array(bytes[start..<index]))
            start = index + 1
        }
        if start < bytes.count { result.append(Array(bytes[start...])) }
        return result
    }

    /// Describes the first difference between two lists of lines, or returns nil when they
    /// are equal. Keeps failure messages short where the lists are large.
    static func difference(_ actual: [[UInt8]], _ expected: [[UInt8]]) -> String? {
        for index in 0..<min(actual.count, expected.count) where actual[index] != expected[index] {
            return "line \(index + 1) is \(text(actual[index]).debugDescription), expected \(text(expected[index]).debugDescription)"
        }
        if actual.count != expected.count {
            return "\(actual.count) lines, expected \(expected.count)"
        }
        return nil
    }

    static func text(_ line: [UInt8]) -> String {
        String(decoding: line, as: UTF8.self)
    }

    /// Counts how often each line occurs.
    static func counts(_ lines: [[UInt8]]) -> [[UInt8]: Int] {
        var result: [[UInt8]: Int] = [:]
        for line in lines { result[line, default: 0] += 1 }
        return result
    }

    /// Names of leftover temporary files of the writer in `folder`.
    static func temporaryFiles(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.contains(".tmp-") }
    }

    static func writeBytes(_ bytes: [UInt8], to path: String) {
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Creates a temporary folder, runs `body` and removes the folder.
    static func withFolder<T>(_ label: String, _ body: (URL) throws -> T) throws -> T {
        let folder = TestSupport.temporaryFolder("safety-" + label)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// Starts `python3` on `script` (written into `folder`) with `arguments`.
    static func startPython(_ script: String, in folder: URL, arguments: [String]) throws -> Process {
        let scriptPath = folder.appendingPathComponent("appender-\(UUID().uuidString.prefix(6)).py").path
        TestSupport.write(script, to: scriptPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath] + arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// Appends `count` job lines the way deepr does: open in append mode, write one line,
    /// close, with no lock. Each line is also written to `expected`, the list the test
    /// checks against. Prompt lengths vary so that some writes cross a page boundary.
    static let pythonAppender = """
        import json, sys, time
        log, expected, count, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        with open(expected, "w") as record:
            for i in range(count):
                entry = {"response_id": "resp_py%05d" % i, "status": "completed",
                         "timestamp": "2025-06-01T10:00:00.%06d+00:00" % i,
                         "original_prompt": "appended by python " + "x" * (40 + (i * 37) % 700),
                         "run_id": "run_%d" % i}
                line = json.dumps(entry) + "\\n"
                with open(log, "a") as f:
                    f.write(line)
                record.write(line)
                if pause > 0:
                    time.sleep(pause)
        """

    /// Appends `count` job lines like `pythonAppender`, but waits up to `stall` seconds
    /// between opening the log and writing, as a writer that is descheduled or busy building
    /// its line would. Ids start with `prefix`.
    static let stallingAppender = """
        import json, random, sys, time
        log, expected, count, stall, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
        with open(expected, "w") as record:
            for i in range(count):
                entry = {"response_id": "resp_%s%05d" % (prefix, i), "status": "queued",
                         "timestamp": "2025-07-19T10:00:00.%06d+00:00" % i, "original_prompt": "slow writer"}
                line = json.dumps(entry) + "\\n"
                f = open(log, "a")
                time.sleep(random.uniform(0, stall))
                f.write(line)
                f.close()
                record.write(line)
        """

    /// Runs an executable and returns its exit status.
    @discardableResult
    static func runTool(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A small tmpfs mounted on a new temporary folder; `unmount()` removes both.
final class TmpfsMount {
    let folder: URL
    private var mounted = false

    /// Mounts a tmpfs of `kilobytes` KiB, or returns nil (after printing why) when the
    /// system does not allow it, for example without root.
    init?(kilobytes: Int) {
        folder = TestSupport.temporaryFolder("tmpfs")
        let status = mount("tmpfs", folder.path, "tmpfs", 0, "size=\(kilobytes)k,mode=0755")
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            print("skipped: cannot mount a tmpfs on \(folder.path): \(reason)")
            try? FileManager.default.removeItem(at: folder)
            return nil
        }
        mounted = true
    }

    /// Remounts the file system read-only; returns false (after printing why) on failure.
    func remountReadOnly(kilobytes: Int) -> Bool {
        let flags = UInt(MS_REMOUNT) | UInt(MS_RDONLY)
        guard mount("tmpfs", folder.path, "tmpfs", flags, "size=\(kilobytes)k") == 0 else {
            print("skipped: cannot remount \(folder.path) read-only: \(String(cString: strerror(errno)))")
            return false
        }
        return true
    }

    func unmount() {
        if mounted {
            if umount2(folder.path, 0) != 0 {
                umount2(folder.path, Int32(MNT_DETACH))
            }
            mounted = false
        }
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }
}
