import Foundation
import Testing

@testable import DeeprKit

#if canImport(Glibc)
import Glibc
#endif

extension DataSafety {
    /// `prune` killed with SIGKILL at random moments of its rewrite.
    @Suite struct KilledRewrite {
        static let now = "2025-07-20T00:00:00Z"
        static let runs = 100

        /// About 3 MB: every other job is an old completed one that `prune` moves.
        static func largeLog() -> [UInt8] {
            var text = ""
            let padding = String(repeating: "p", count: 260)
            for index in 0..<10_000 {
                let old = index % 2 == 0
                text += SafetySupport.jobLine(
                    "resp_kill" + String(format: "%05d", index), status: old ? "completed" : "in_progress",
                    timestamp: old ? "2025-06-01T12:00:00.000001+00:00" : "2025-07-19T12:00:00+00:00",
                    prompt: "job \(index) \(padding)", extra: ", \"usage\": {\"total_tokens\": \(index)}") + "\n"
            }
            return Array(text.utf8)
        }

        static func startPrune(log: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestSupport.binary)
            process.arguments = ["--log", log, "--quiet", "prune"]
            var environment = ProcessInfo.processInfo.environment
            environment["DEEPR_MANAGER_NOW"] = now
            environment["DEEPR_JOB_LOG"] = nil
            environment["DEEPR_MANAGER_HISTFILE"] = ""
            process.environment = environment
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            return process
        }

        @Test func killLeavesOldOrNew() throws {
            try SafetySupport.withFolder("kill") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                let archive = LogWriter(path: log).archivePath
                let original = Self.largeLog()

                // Runs that are not killed give the expected result and the time a run takes.
                var duration = Double.infinity
                for _ in 0..<3 {
                    SafetySupport.writeBytes(original, to: log)
                    try? FileManager.default.removeItem(atPath: archive)
                    let started = Date()
                    let reference = try Self.startPrune(log: log)
                    reference.waitUntilExit()
                    duration = min(duration, Date().timeIntervalSince(started))
                    #expect(reference.terminationStatus == 0)
                }
                let pruned = TestSupport.readBytes(log)
                let archived = TestSupport.readBytes(archive)
                #expect(pruned.count < original.count)
                let splitsOriginal = SafetySupport.counts(SafetySupport.lines(pruned) + SafetySupport.lines(archived))
                    == SafetySupport.counts(SafetySupport.lines(original))
                #expect(splitsOriginal, "the pruned log and the archive together are not the original lines")

                var outcomes: [String: Int] = [:]
                var temporaryLeft = 0
                let microseconds = duration * 1_000_000
                for run in 0..<Self.runs {
                    SafetySupport.writeBytes(original, to: log)
                    try? FileManager.default.removeItem(atPath: archive)

                    // Half of the kills fall anywhere in the run. The other half fall shortly
                    // after the archive appears, while the archive, the temporary file and the
                    // rename are written.
                    let process = try Self.startPrune(log: log)
                    if run % 2 == 0 {
                        usleep(UInt32.random(in: 0...UInt32(microseconds * 1.1)))
                    } else {
                        while process.isRunning, !FileManager.default.fileExists(atPath: archive) { usleep(200) }
                        usleep(UInt32.random(in: 0...UInt32(microseconds / 3)))
                    }
                    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                    process.waitUntilExit()

                    let after = TestSupport.readBytes(log)
                    let archiveAfter = TestSupport.readBytes(archive)
                    let isOld = after == original
                    let isNew = after == pruned
                    #expect(isOld || isNew, "the log is neither the old nor the new content (\(after.count) bytes)")
                    if isNew {
                        let archiveComplete = archiveAfter == archived
                        #expect(archiveComplete, "the log was replaced but the archive has \(archiveAfter.count) of \(archived.count) bytes")
                    } else {
                        let archivePrefix = archived.starts(with: archiveAfter)
                        #expect(archivePrefix, "the archive holds bytes that are not the start of the expected archive")
                    }

                    let outcome: String
                    if process.terminationReason == .exit {
                        outcome = "finished"
                    } else if isNew {
                        outcome = "killed after the rename"
                    } else if archiveAfter == archived {
                        outcome = "killed between archive and rename"
                    } else if !archiveAfter.isEmpty {
                        outcome = "killed inside the archive append"
                    } else {
                        outcome = "killed before writing"
                    }
                    outcomes[outcome, default: 0] += 1
                    let leftTemporary = !SafetySupport.temporaryFiles(in: folder).isEmpty
                    if leftTemporary { temporaryLeft += 1 }

                    // A later run completes an interrupted prune without repeating archive lines.
                    if !isNew, !archiveAfter.isEmpty || leftTemporary {
                        let recovery = try Self.startPrune(log: log)
                        recovery.waitUntilExit()
                        #expect(recovery.terminationStatus == 0)
                        let logRecovered = TestSupport.readBytes(log) == pruned
                        let archiveRecovered = TestSupport.readBytes(archive) == archived
                        #expect(logRecovered, "the log after a second prune differs from the expected result")
                        #expect(archiveRecovered, "the archive after a second prune differs from the expected archive")
                        #expect(SafetySupport.temporaryFiles(in: folder).isEmpty)
                    }
                }
                print("kill outcomes over \(Self.runs) runs of about \(Int(duration * 1000)) ms: \(outcomes);"
                    + " \(temporaryLeft) left a temporary file")
                let interrupted = outcomes["killed between archive and rename", default: 0]
                    + outcomes["killed inside the archive append", default: 0]
                #expect(interrupted > 0, "no kill fell between the first write and the rename")
            }
        }
    }
}
