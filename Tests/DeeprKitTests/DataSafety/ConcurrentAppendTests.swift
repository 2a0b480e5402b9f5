import Foundation
import Testing

@testable import DeeprKit

extension DataSafety {
    /// A lock-less Python appender racing the locked rewriter.
    @Suite struct ConcurrentAppend {
        static let seedCount = 40
        static let appendedCount = 3_000
        static let minimumRewrites = 200

        static func seedID(_ index: Int) -> String {
            "resp_seed" + String(format: "%03d", index)
        }

        static func seedLine(_ index: Int, counter: Int) -> String {
            SafetySupport.jobLine(seedID(index), status: "in_progress", timestamp: "2025-07-01T08:00:00.000001+00:00",
                                  prompt: "seed \(index)", extra: ", \"counter\": \(counter), \"x_note\": \"kept\"")
        }

        @Test func appendsSurviveRewrites() throws {
            try SafetySupport.withFolder("append") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                let expectedPath = folder.appendingPathComponent("expected.jsonl").path
                var seed = ""
                for index in 0..<Self.seedCount { seed += Self.seedLine(index, counter: 0) + "\n" }
                TestSupport.write(seed, to: log)

                let appender = try SafetySupport.startPython(
                    SafetySupport.pythonAppender, in: folder,
                    arguments: [log, expectedPath, String(Self.appendedCount), "0.002"])
                defer { if appender.isRunning { appender.terminate() } }

                // Each rewrite changes one seed line; every 25th also moves the Python lines
                // present at that moment to the archive.
                let writer = LogWriter(path: log)
                var counters = [Int](repeating: 0, count: Self.seedCount)
                var rewrites = 0
                var carriedBytes = 0
                let started = Date()
                while appender.isRunning || rewrites < Self.minimumRewrites {
                    let index = rewrites % Self.seedCount
                    rewrites += 1
                    let value = rewrites
                    let fields = [Self.seedID(index): JSONObject([("counter", .number(String(value)))])]
                    let archiving = rewrites % 25 == 0
                    let result = try writer.rewrite { current in
                        var edit = LogWriter.updates(fields, in: current)
                        guard archiving else { return edit }
                        for line in LogLines(current.bytes) where line.jobID?.hasPrefix("resp_py") == true {
                            edit.archive.append(line.bytes)
                            edit.replacements[line.number] = .some(nil)
                        }
                        return edit
                    }
                    carriedBytes += result.carriedBytes
                    counters[index] = value
                }
                appender.waitUntilExit()
                print("\(rewrites) rewrites in \(String(format: "%.1f", Date().timeIntervalSince(started))) s,"
                    + " \(carriedBytes) bytes carried over from the replaced file")
                #expect(appender.terminationStatus == 0)
                #expect(rewrites >= Self.minimumRewrites)

                let appended = SafetySupport.lines(TestSupport.readBytes(expectedPath))
                #expect(appended.count == Self.appendedCount)

                let logLines = SafetySupport.lines(TestSupport.readBytes(log))
                let archiveLines = SafetySupport.lines(TestSupport.readBytes(writer.archivePath))
                let found = SafetySupport.counts(logLines + archiveLines)

                let missing = appended.filter { found[$0] == nil }
                let repeated = appended.filter { (found[$0] ?? 0) > 1 }
                let lostCount = missing.count
                let repeatedCount = repeated.count
                #expect(lostCount == 0, "lost lines such as \(missing.prefix(3).map(SafetySupport.text))")
                #expect(repeatedCount == 0, "repeated lines such as \(repeated.prefix(3).map(SafetySupport.text))")

                let expectedSeed = (0..<Self.seedCount).map { Array(Self.seedLine($0, counter: counters[$0]).utf8) }
                let seedInLog = logLines.filter { SafetySupport.text($0).contains("resp_seed") }
                #expect(SafetySupport.difference(seedInLog, expectedSeed) == nil)

                let known = Set(appended + expectedSeed)
                let strangers = (logLines + archiveLines).filter { !known.contains($0) }
                let strangerCount = strangers.count
                #expect(strangerCount == 0, "unexpected lines such as \(strangers.prefix(3).map(SafetySupport.text))")
                #expect(archiveLines.allSatisfy { SafetySupport.text($0).contains("resp_py") })
                #expect(SafetySupport.temporaryFiles(in: folder).isEmpty)
            }
        }

        /// Writers that open the log, stall for up to 150 ms and only then write. A writer
        /// that opened the old file before a rename writes to it long after the rename.
        @Test func stalledWritersSurvive() throws {
            try SafetySupport.withFolder("stall") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                var seed = ""
                for index in 0..<Self.seedCount { seed += Self.seedLine(index, counter: 0) + "\n" }
                TestSupport.write(seed, to: log)

                var appenders: [Process] = []
                var expectedPaths: [String] = []
                for prefix in ["slowa", "slowb"] {
                    let expectedPath = folder.appendingPathComponent("expected-\(prefix).jsonl").path
                    expectedPaths.append(expectedPath)
                    appenders.append(try SafetySupport.startPython(
                        SafetySupport.stallingAppender, in: folder, arguments: [log, expectedPath, "40", "0.15", prefix]))
                }
                defer { for appender in appenders where appender.isRunning { appender.terminate() } }

                let writer = LogWriter(path: log)
                var rewrites = 0
                var warnings: [String] = []
                while appenders.contains(where: \.isRunning) {
                    let index = rewrites % Self.seedCount
                    rewrites += 1
                    let fields = [Self.seedID(index): JSONObject([("counter", .number(String(rewrites)))])]
                    let result = try writer.rewrite { LogWriter.updates(fields, in: $0) }
                    if let warning = result.warning { warnings.append(warning) }
                }
                for appender in appenders {
                    appender.waitUntilExit()
                    #expect(appender.terminationStatus == 0)
                }
                print("\(rewrites) rewrites while two stalling writers appended")
                #expect(warnings.isEmpty, "warnings: \(warnings)")

                let appended = expectedPaths.flatMap { SafetySupport.lines(TestSupport.readBytes($0)) }
                #expect(appended.count == 80)
                let found = SafetySupport.counts(SafetySupport.lines(TestSupport.readBytes(log)))
                let missing = appended.filter { found[$0] == nil }
                let repeated = appended.filter { (found[$0] ?? 0) > 1 }
                let lostCount = missing.count
                let repeatedCount = repeated.count
                #expect(lostCount == 0, "lost lines such as \(missing.prefix(2).map(SafetySupport.text))")
                #expect(repeatedCount == 0, "repeated lines such as \(repeated.prefix(2).map(SafetySupport.text))")
            }
        }
    }
}
