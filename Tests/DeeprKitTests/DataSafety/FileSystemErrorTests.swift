import Foundation
import Testing

@testable import DeeprKit

extension DataSafety {
    /// Rewrites on a full and on a read-only file system fail cleanly and change nothing.
    @Suite struct FileSystemErrors {
        /// `count` jobs of 346 bytes each: two old completed ones for `prune`, the rest in
        /// progress. 150 jobs (52 KB) leave room in a 64 KiB tmpfs for the archive lines but
        /// not for a temporary copy of the log; 180 jobs (62 KB) leave room for neither.
        static func filler(count: Int = 150) -> String {
            var text = ""
            let padding = String(repeating: "f", count: 200)
            for index in 0..<count {
                let old = index < 2
                text += SafetySupport.jobLine(
                    "resp_full" + String(format: "%04d", index), status: old ? "completed" : "in_progress",
                    timestamp: old ? "2025-06-01T00:00:00Z" : "2025-07-19T00:00:00Z", prompt: "job \(index) \(padding)")
                    + "\n"
            }
            return text
        }

        static func message(of error: any Error) -> String {
            DeeprError.from(error).message
        }

        @Test func fullDiskStatusUpdate() throws {
            guard let volume = TmpfsMount(kilobytes: 64) else { return }
            defer { volume.unmount() }
            let log = volume.path("job_log.jsonl")
            TestSupport.write(Self.filler(), to: log)
            let before = TestSupport.readBytes(log)
            let session = TestSupport.session(log: log, now: "2025-07-20T00:00:00Z")

            let error = #expect(throws: LogError.self) {
                try session.recordFields(["resp_full0100": JSONObject([("status", .string("completed"))])])
            }
            let text = error.map(Self.message) ?? ""
            #expect(text.contains(log))
            #expect(text.contains("No space left on device"))
            #expect(TestSupport.readBytes(log) == before)
            #expect(SafetySupport.temporaryFiles(in: volume.folder).isEmpty)
        }

        @Test func fullDiskPrune() throws {
            guard let volume = TmpfsMount(kilobytes: 64) else { return }
            defer { volume.unmount() }
            let log = volume.path("job_log.jsonl")
            TestSupport.write(Self.filler(), to: log)
            let before = TestSupport.readBytes(log)

            let result = try TestSupport.run(["--log", log, "prune"], environment: ["DEEPR_MANAGER_NOW": "2025-07-20T00:00:00Z"])
            #expect(result.status == 1)
            #expect(result.stderr.contains(log))
            #expect(result.stderr.contains("No space left on device"))
            #expect(TestSupport.readBytes(log) == before)
            #expect(SafetySupport.temporaryFiles(in: volume.folder).isEmpty)
            // The archive lines written before the failure are taken back.
            #expect(TestSupport.readBytes(LogWriter(path: log).archivePath).isEmpty)
        }

        @Test func fullDiskArchive() throws {
            guard let volume = TmpfsMount(kilobytes: 64) else { return }
            defer { volume.unmount() }
            let log = volume.path("job_log.jsonl")
            TestSupport.write(Self.filler(count: 180), to: log)
            let before = TestSupport.readBytes(log)
            let archive = LogWriter(path: log).archivePath

            let result = try TestSupport.run(["--log", log, "prune"], environment: ["DEEPR_MANAGER_NOW": "2025-07-20T00:00:00Z"])
            #expect(result.status == 1)
            #expect(result.stderr.contains(archive))
            #expect(result.stderr.contains("No space left on device"))
            #expect(TestSupport.readBytes(log) == before)
            #expect(!FileManager.default.fileExists(atPath: archive))
        }

        @Test func fullDiskClear() throws {
            guard let volume = TmpfsMount(kilobytes: 64) else { return }
            defer { volume.unmount() }
            let log = volume.path("job_log.jsonl")
            TestSupport.write(Self.filler(), to: log)
            let before = TestSupport.readBytes(log)

            let result = try TestSupport.run(["--log", log, "clear", "--yes"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("No space left on device"))
            #expect(TestSupport.readBytes(log) == before)
            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: volume.folder.path)) ?? [])
                .filter { $0 != "job_log.jsonl" && $0 != "job_log.jsonl.lock" }
            #expect(leftovers.isEmpty, "files left behind: \(leftovers)")
        }

        @Test func readOnlyFileSystem() throws {
            guard let volume = TmpfsMount(kilobytes: 256) else { return }
            defer { volume.unmount() }
            let log = volume.path("job_log.jsonl")
            TestSupport.write(Self.filler(), to: log)
            let before = TestSupport.readBytes(log)
            guard volume.remountReadOnly(kilobytes: 256) else { return }
            let names = try FileManager.default.contentsOfDirectory(atPath: volume.folder.path)

            let session = TestSupport.session(log: log, now: "2025-07-20T00:00:00Z")
            let error = #expect(throws: LogError.self) {
                try session.recordFields(["resp_full0100": JSONObject([("status", .string("completed"))])])
            }
            let text = error.map(Self.message) ?? ""
            #expect(text.contains(log))
            #expect(text.contains("Read-only file system"))

            #expect(throws: LogError.self) {
                try LogWriter(path: log).append([Array("{\"response_id\": \"resp_new\"}".utf8)])
            }

            let prune = try TestSupport.run(["--log", log, "prune"], environment: ["DEEPR_MANAGER_NOW": "2025-07-20T00:00:00Z"])
            #expect(prune.status == 1)
            #expect(prune.stderr.contains(log))
            #expect(prune.stderr.contains("Read-only file system"))

            let clear = try TestSupport.run(["--log", log, "clear", "--yes"])
            #expect(clear.status == 1)
            #expect(clear.stderr.contains("Read-only file system"))

            // Reading still works.
            let list = try TestSupport.run(["--log", log, "list", "--all", "--limit", "0", "--jsonl"])
            #expect(list.status == 0)
            #expect(list.stdout.split(separator: "\n").count == 150)

            #expect(TestSupport.readBytes(log) == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: volume.folder.path) == names)
        }
    }
}
