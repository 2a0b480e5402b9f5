import Foundation
import Testing

@testable import DeeprKit

#if canImport(Glibc)
import Glibc
#endif

extension DataSafety {
    /// A running session re-reads the log after other processes change it.
    @Suite struct StoreReload {
        static let first = SafetySupport.jobLine("resp_store00001", status: "queued", timestamp: "2025-07-19T00:00:00Z")

        static func listedIDs(_ session: Session) throws -> [String] {
            let before = session.out.capturedText.count
            #expect(try session.execute(line: "list --all --limit 0 --jsonl") == .success)
            let text = String(session.out.capturedText.dropFirst(before))
            return text.split(separator: "\n").compactMap { line in
                guard let value = try? JSONParser.parse(String(line)) else { return nil }
                return value["id"]?.stringValue
            }
        }

        @Test func seesPythonAppend() throws {
            try SafetySupport.withFolder("store") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write(Self.first + "\n", to: log)
                let session = TestSupport.session(log: log)
                #expect(try Self.listedIDs(session) == ["resp_store00001"])

                let appender = try SafetySupport.startPython(
                    SafetySupport.pythonAppender, in: folder,
                    arguments: [log, folder.appendingPathComponent("expected.jsonl").path, "1", "0"])
                appender.waitUntilExit()
                #expect(appender.terminationStatus == 0)
                #expect(Set(try Self.listedIDs(session)) == ["resp_store00001", "resp_py00000"])
            }
        }

        @Test func seesOtherPrune() throws {
            try SafetySupport.withFolder("store2") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                let old = SafetySupport.jobLine("resp_store00002", status: "completed", timestamp: "2025-06-01T00:00:00Z")
                TestSupport.write(old + "\n" + Self.first + "\n", to: log)
                let session = TestSupport.session(log: log)
                #expect(try Self.listedIDs(session).count == 2)

                let prune = try TestSupport.run(["--log", log, "prune"], environment: ["DEEPR_MANAGER_NOW": "2025-07-20T00:00:00Z"])
                #expect(prune.status == 0)
                #expect(try Self.listedIDs(session) == ["resp_store00001"])
            }
        }

        @Test func sameSizeRewriteSeen() throws {
            try SafetySupport.withFolder("store3") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write(Self.first + "\n", to: log)
                let session = TestSupport.session(log: log)
                #expect(try session.store.current().jobs.first?.status.rawValue == "queued")

                // "queued" and "failed" have the same length: only the inode and time differ.
                let script = """
                    import os, sys
                    path = sys.argv[1]
                    text = open(path).read().replace('"queued"', '"failed"')
                    with open(path + ".new", "w") as f:
                        f.write(text)
                    os.rename(path + ".new", path)
                    """
                let process = try SafetySupport.startPython(script, in: folder, arguments: [log])
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                #expect(try session.store.current().jobs.first?.status.rawValue == "failed")
            }
        }
    }

    /// `LogWriter.append`: the lock, the newline before, one line per write.
    @Suite struct Append {
        @Test func endsTornLastLine() throws {
            try SafetySupport.withFolder("append1") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write("{\"response_id\": \"resp_a\"}\n{\"torn", to: log)
                try LogWriter(path: log).append([Array("{\"response_id\": \"resp_b\"}".utf8)])
                #expect(TestSupport.read(log) == "{\"response_id\": \"resp_a\"}\n{\"torn\n{\"response_id\": \"resp_b\"}\n")
            }
        }

        @Test func noBlankLineAdded() throws {
            try SafetySupport.withFolder("append2") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write("{\"response_id\": \"resp_a\"}\r\n", to: log)
                try LogWriter(path: log).append([Array("{\"response_id\": \"resp_b\"}".utf8)])
                #expect(TestSupport.read(log) == "{\"response_id\": \"resp_a\"}\r\n{\"response_id\": \"resp_b\"}\n")
            }
        }

        @Test func createsMissingLog() throws {
            try SafetySupport.withFolder("append3") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                try LogWriter(path: log).append([Array("{\"response_id\": \"resp_a\"}".utf8)])
                #expect(TestSupport.read(log) == "{\"response_id\": \"resp_a\"}\n")
            }
        }

        @Test func missingFolderNamed() throws {
            try SafetySupport.withFolder("append4") { (folder) throws in
                let log = folder.appendingPathComponent("absent/job_log.jsonl").path
                let error = #expect(throws: LogError.self) {
                    try LogWriter(path: log).append([Array("{}".utf8)])
                }
                let message = error.map { DeeprError.from($0).message } ?? ""
                #expect(message.contains(folder.appendingPathComponent("absent").path))
            }
        }

        @Test func waitsForLock() throws {
            try SafetySupport.withFolder("append5") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write("", to: log)
                let writer = LogWriter(path: log)
                let holder = open(writer.lockPath, O_RDWR | O_CREAT, 0o600)
                #expect(flock(holder, LOCK_EX) == 0)

                final class Flag: @unchecked Sendable { var done = false }
                let flag = Flag()
                let thread = Thread {
                    try? writer.append([Array("{\"response_id\": \"resp_late\"}".utf8)])
                    flag.done = true
                }
                thread.start()
                usleep(200_000)
                #expect(!flag.done)
                #expect(TestSupport.read(log).isEmpty)

                flock(holder, LOCK_UN)
                close(holder)
                let deadline = Date().addingTimeInterval(5)
                while !flag.done, Date() < deadline { usleep(5_000) }
                #expect(flag.done)
                #expect(TestSupport.read(log) == "{\"response_id\": \"resp_late\"}\n")
            }
        }
    }
}
