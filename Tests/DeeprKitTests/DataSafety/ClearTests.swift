import Foundation
import Testing

@testable import DeeprKit

extension DataSafety {
    /// `clear` empties the log and keeps a timestamped backup beside it.
    @Suite struct Clear {
        static let content = [
            SafetySupport.jobLine("resp_clear00001", status: "completed", timestamp: "2025-06-01T00:00:00Z"),
            "not json at all",
            SafetySupport.jobLine("resp_clear00002", status: "queued", timestamp: "2025-07-19T00:00:00Z"),
        ].joined(separator: "\n") + "\n"

        static func backups(in folder: URL) -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { $0.hasPrefix("job_log.jsonl.backup-") }.sorted()
        }

        @Test func keepsNamedBackup() throws {
            try SafetySupport.withFolder("clear") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write(Self.content, to: log)

                let result = try TestSupport.run(["--log", log, "clear", "--yes"],
                                                 environment: ["DEEPR_MANAGER_NOW": "2025-07-20T08:09:10Z"])
                #expect(result.status == 0, "stderr: \(result.stderr)")
                let backup = log + ".backup-20250720T080910Z"
                #expect(result.stdout.contains(backup))
                #expect(result.stdout.contains("removed 2 jobs"))
                #expect(TestSupport.read(backup) == Self.content)
                #expect(TestSupport.readBytes(log).isEmpty)
                #expect(FileManager.default.fileExists(atPath: log))
            }
        }

        @Test func secondBackupSameSecond() throws {
            try SafetySupport.withFolder("clear2") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                let environment = ["DEEPR_MANAGER_NOW": "2025-07-20T08:09:10Z"]
                TestSupport.write(Self.content, to: log)
                let first = try TestSupport.run(["--log", log, "clear", "--yes"], environment: environment)
                #expect(first.status == 0)

                let second = SafetySupport.jobLine("resp_clear00003", status: "queued", timestamp: "2025-07-19T00:00:00Z") + "\n"
                TestSupport.write(second, to: log)
                let result = try TestSupport.run(["--log", log, "clear", "--yes"], environment: environment)
                #expect(result.status == 0, "stderr: \(result.stderr)")

                let names = Self.backups(in: folder)
                #expect(names.count == 2)
                let contents = Set(names.map { TestSupport.read(folder.appendingPathComponent($0).path) })
                #expect(contents == [Self.content, second])
                #expect(TestSupport.readBytes(log).isEmpty)
            }
        }

        @Test func needsYesWithoutTerminal() throws {
            try SafetySupport.withFolder("clearyes") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write(Self.content, to: log)
                let result = try TestSupport.run(["--log", log, "clear"])
                #expect(result.status == 2)
                #expect(result.stderr.contains("--yes"))
                #expect(TestSupport.read(log) == Self.content)
                #expect(Self.backups(in: folder).isEmpty)
            }
        }

        @Test func managerFlagNeedsYes() throws {
            try SafetySupport.withFolder("clearflag") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write(Self.content, to: log)
                let result = try TestSupport.run(["--log", log, "--clear"])
                #expect(result.status == 2)
                #expect(TestSupport.read(log) == Self.content)
            }
        }

        @Test func missingFolderNamed() throws {
            try SafetySupport.withFolder("clearmissing") { (folder) throws in
                let log = folder.appendingPathComponent("absent/job_log.jsonl").path
                let result = try TestSupport.run(["--log", log, "clear", "--yes"])
                #expect(result.status == 1)
                #expect(result.stderr.contains(folder.appendingPathComponent("absent").path))
                #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("absent").path))
            }
        }

        @Test func emptyLogIsNoop() throws {
            try SafetySupport.withFolder("clearempty") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                let result = try TestSupport.run(["--log", log, "clear", "--yes"])
                #expect(result.status == 0)
                #expect(result.stderr.contains("already empty"))
                #expect(Self.backups(in: folder).isEmpty)
            }
        }

        @Test func modesAfterClear() throws {
            try SafetySupport.withFolder("clearmode") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write(Self.content, to: log)
                chmod(log, 0o640)
                let session = TestSupport.session(log: log, now: "2025-07-20T08:09:10Z")
                #expect(try session.execute(line: "clear --yes") == .success)
                var info = stat()
                stat(log, &info)
                #expect(info.st_mode & 0o777 == 0o640)
                stat(log + ".backup-20250720T080910Z", &info)
                #expect(info.st_mode & 0o777 == 0o600)
            }
        }
    }
}
