import Foundation
import Testing

@testable import DeeprKit

extension DataSafety {
    /// `prune`: what moves to the archive, what stays, and the flags.
    @Suite struct Prune {
        static let now = "2025-07-20T00:00:00Z"

        /// Lines 1 to 4 of the B14 fixture are completed jobs from 2025-07-05 in four
        /// timestamp shapes. Line 5 is in progress, and line 6 is two days old.
        @Test func timestampShapesBinary() throws {
            try SafetySupport.withFolder("b14") { (folder) throws in
                let log = TestSupport.copy(TestSupport.caseFile("B14.jsonl"), into: folder, as: "job_log.jsonl")
                let fixture = SafetySupport.lines(TestSupport.readBytes(log))
                #expect(fixture.count == 6)

                let result = try TestSupport.run(["--log", log, "prune"], environment: ["DEEPR_MANAGER_NOW": "2025-07-20T00:00Z"])
                #expect(result.status == 0, "stderr: \(result.stderr)")
                #expect(result.stdout.contains("moved 4 jobs (4 lines)"))

                let archive = folder.appendingPathComponent("job_log.archive.jsonl").path
                #expect(result.stdout.contains(archive))
                #expect(SafetySupport.difference(SafetySupport.lines(TestSupport.readBytes(archive)), Array(fixture[0..<4])) == nil)
                #expect(SafetySupport.difference(SafetySupport.lines(TestSupport.readBytes(log)), Array(fixture[4..<6])) == nil)
                #expect(TestSupport.readBytes(log).last == 0x0A)
            }
        }

        @Test func timestampShapesSession() throws {
            try SafetySupport.withFolder("b14s") { (folder) throws in
                let log = TestSupport.copy(TestSupport.caseFile("B14.jsonl"), into: folder, as: "job_log.jsonl")
                let fixture = SafetySupport.lines(TestSupport.readBytes(log))
                let session = TestSupport.session(log: log, now: "2025-07-20T00:00:00Z")
                #expect(try session.execute(line: "prune") == .success)

                let archive = LogWriter(path: log).archivePath
                #expect(SafetySupport.difference(SafetySupport.lines(TestSupport.readBytes(archive)), Array(fixture[0..<4])) == nil)
                #expect(SafetySupport.difference(SafetySupport.lines(TestSupport.readBytes(log)), Array(fixture[4..<6])) == nil)
            }
        }

        @Test func invalidClockVariable() throws {
            try SafetySupport.withFolder("clock") { (folder) throws in
                let log = TestSupport.copy(TestSupport.caseFile("B14.jsonl"), into: folder, as: "job_log.jsonl")
                let before = TestSupport.readBytes(log)
                let result = try TestSupport.run(["--log", log, "prune"], environment: ["DEEPR_MANAGER_NOW": "yesterday"])
                #expect(result.status == 2)
                #expect(result.stderr.contains("DEEPR_MANAGER_NOW"))
                #expect(result.stderr.contains("yesterday"))
                #expect(TestSupport.readBytes(log) == before)
            }
        }

        /// Jobs of every kind, created 30 days (old) or 1 day (recent) before `now`.
        static let mixedLines: [String] = [
            SafetySupport.jobLine("resp_oldcomplete", status: "completed", timestamp: "2025-06-20T00:00:00Z"),
            SafetySupport.jobLine("resp_oldfailed01", status: "failed", timestamp: "2025-06-20T00:00:00Z"),
            SafetySupport.jobLine("resp_oldcancel01", status: "cancelled", timestamp: "2025-06-20T00:00:00Z"),
            SafetySupport.jobLine("resp_oldqueued01", status: "queued", timestamp: "2025-06-20T00:00:00Z"),
            SafetySupport.jobLine("resp_oldrunning1", status: "in_progress", timestamp: "2025-06-20T00:00:00Z"),
            SafetySupport.jobLine("resp_oldunknown1", status: "paused_by_admin", timestamp: "2025-06-20T00:00:00Z"),
            SafetySupport.jobLine("resp_noclock0001", status: "completed", timestamp: "not a time"),
            SafetySupport.jobLine("resp_newcomplete", status: "completed", timestamp: "2025-07-19T00:00:00Z"),
            SafetySupport.jobLine("resp_twodaysold1", status: "completed", timestamp: "2025-07-17T12:00:00Z"),
        ]

        static func withMixedLog(_ body: (String, Session) throws -> Void) throws {
            try SafetySupport.withFolder("mixed") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                TestSupport.write(mixedLines.joined(separator: "\n") + "\n", to: log)
                try body(log, TestSupport.session(log: log, now: now))
            }
        }

        static func ids(in path: String) -> [String] {
            SafetySupport.lines(TestSupport.readBytes(path)).compactMap { line in
                let text = SafetySupport.text(line)
                guard let start = text.range(of: "\"resp_") else { return nil }
                return String(text[start.upperBound...].prefix(while: { $0 != "\"" }))
            }
        }

        @Test func defaultMovesOldCompleted() throws {
            try Self.withMixedLog { (log, session) throws in
                #expect(try session.execute(line: "prune") == .success)
                #expect(Self.ids(in: LogWriter(path: log).archivePath) == ["oldcomplete"])
                #expect(Self.ids(in: log).count == Self.mixedLines.count - 1)
            }
        }

        @Test func statusFlagSelects() throws {
            try Self.withMixedLog { (log, session) throws in
                #expect(try session.execute(line: "prune --status failed,cancelled") == .success)
                #expect(Self.ids(in: LogWriter(path: log).archivePath) == ["oldfailed01", "oldcancel01"])
                #expect(Self.ids(in: log).contains("oldcomplete"))
            }
        }

        @Test func olderThanFlag() throws {
            try Self.withMixedLog { (log, session) throws in
                #expect(try session.execute(line: "prune --older-than 2d") == .success)
                #expect(Self.ids(in: LogWriter(path: log).archivePath) == ["oldcomplete", "twodaysold1"])
                #expect(Self.ids(in: log).contains("newcomplete"))
            }
        }

        @Test func activeAndUnknownStay() throws {
            try Self.withMixedLog { (log, session) throws in
                let all = "completed,failed,cancelled,expired,incomplete,not_found"
                #expect(try session.execute(line: "prune --older-than 1m --status \(all)") == .success)
                let kept = Self.ids(in: log)
                #expect(kept.contains("oldqueued01"))
                #expect(kept.contains("oldrunning1"))
                #expect(kept.contains("oldunknown1"))
                #expect(kept.contains("noclock0001"))
                #expect(kept.count == 4)
            }
        }

        @Test func activeStatusRejected() throws {
            try Self.withMixedLog { (log, session) throws in
                let before = TestSupport.readBytes(log)
                for status in ["in_progress", "queued", "paused_by_admin"] {
                    #expect(throws: DeeprError.self) { try session.execute(line: "prune --status \(status)") }
                }
                #expect(TestSupport.readBytes(log) == before)
            }
        }

        @Test func dryRunChangesNothing() throws {
            try Self.withMixedLog { (log, session) throws in
                let before = TestSupport.readBytes(log)
                #expect(try session.execute(line: "prune --dry-run --older-than 2d") == .success)
                let output = session.out.capturedText
                #expect(output.contains("would move resp_oldcomplete"))
                #expect(output.contains("would move resp_twodaysold1"))
                #expect(!output.contains("resp_newcomplete"))
                #expect(TestSupport.readBytes(log) == before)
                #expect(!FileManager.default.fileExists(atPath: LogWriter(path: log).archivePath))
            }
        }

        @Test func repeatedIDMovesEveryLine() throws {
            try SafetySupport.withFolder("repeat") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                let lines = [
                    SafetySupport.jobLine("resp_repeated01", status: "queued", timestamp: "2025-06-01T00:00:00Z"),
                    SafetySupport.jobLine("resp_keepme0001", status: "queued", timestamp: "2025-06-01T00:00:00Z"),
                    SafetySupport.jobLine("resp_repeated01", status: "completed", timestamp: "2025-06-01T00:00:00Z"),
                ]
                TestSupport.write(lines.joined(separator: "\n") + "\n", to: log)
                let session = TestSupport.session(log: log, now: Self.now)
                #expect(try session.execute(line: "prune") == .success)
                #expect(session.out.capturedText.contains("moved 1 job (2 lines)"))
                #expect(TestSupport.read(LogWriter(path: log).archivePath) == lines[0] + "\n" + lines[2] + "\n")
                #expect(TestSupport.read(log) == lines[1] + "\n")
            }
        }

        @Test func archiveEndsTornLine() throws {
            try Self.withMixedLog { (log, session) throws in
                let archive = LogWriter(path: log).archivePath
                TestSupport.write("{\"hand-edited\": tru", to: archive)
                #expect(try session.execute(line: "prune") == .success)
                let lines = SafetySupport.lines(TestSupport.readBytes(archive)).map(SafetySupport.text)
                #expect(lines.count == 2)
                #expect(lines.first == "{\"hand-edited\": tru")
                #expect(lines.last == Self.mixedLines[0])
            }
        }
    }
}
