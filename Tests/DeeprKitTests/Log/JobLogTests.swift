import Foundation
import Testing

@testable import DeeprKit

@Suite struct JobLogTests {
    func parse(_ text: String) -> JobLog {
        JobLog.parse(LogBytes(copying: Array(text.utf8)), path: "test.jsonl")
    }

    func parse(bytes: [UInt8]) -> JobLog {
        JobLog.parse(LogBytes(copying: bytes), path: "test.jsonl")
    }

    @Test func readsBothShapes() {
        let log = parse("""
            {"timestamp": "2025-07-05T18:22:49.565537+00:00", "run_id": "r1", "response_id": "resp_aaaa1111", "original_prompt": "orig", "refined_prompt": "refined", "status": "queued"}
            {"response_id": "resp_bbbb2222", "status": "completed", "timestamp": "2025-07-04T13:45:00Z", "prompt": "rich", "model": "gpt-4o", "temperature": 0.7, "usage": {"total_tokens": 1450}}

            """)
        #expect(log.jobs.count == 2)
        #expect(log.jobs[0].prompt == "refined")
        #expect(log.jobs[0].status.rawValue == "queued")
        #expect(log.jobs[0].model == nil)
        #expect(log.jobs[1].prompt == "rich")
        #expect(log.jobs[1].model == "gpt-4o")
        #expect(log.jobs[1].usage?.totalTokens == 1450)
        #expect(log.skippedLines.isEmpty)
    }

    @Test func promptFallsBackInOrder() {
        let log = parse("""
            {"response_id": "resp_a1", "original_prompt": "o", "prompt": "p"}
            {"response_id": "resp_a2", "original_prompt": "o"}
            {"response_id": "resp_a3", "original_prompt": "o", "refined_prompt": ""}
            """)
        #expect(log.jobs.map(\.prompt) == ["p", "o", "o"])
    }

    @Test func skipsNonJobsWithLineNumbers() {
        let log = parse("""
            {"response_id": "resp_ok1"}
            not json
            [1, 2, 3]
            {"status": "completed"}
            {"response_id": null}
            {"response_id": ""}
            {"response_id": 12}

            {"response_id": "resp_ok2"} trailing
            {"response_id": "resp_ok3"}
            """)
        #expect(log.jobs.map(\.id) == ["resp_ok1", "resp_ok3"])
        #expect(log.skippedLines == [2, 3, 4, 5, 6, 7, 9])
    }

    @Test func lastLineWinsAndKeepsPosition() {
        let log = parse("""
            {"response_id": "resp_dup1", "status": "queued"}
            {"response_id": "resp_other", "status": "queued"}
            {"response_id": "resp_dup1", "status": "completed"}
            """)
        #expect(log.jobs.count == 2)
        #expect(log.jobs.last?.id == "resp_dup1")
        #expect(log.jobs.last?.status.rawValue == "completed")
        #expect(log.jobs.last?.lineNumber == 3)
        #expect(log.repeatedLines == 1)
    }

    @Test func repeatedKeyLastValueWins() {
        let log = parse(#"{"response_id": "resp_k1", "status": "queued", "status": "failed"}"#)
        #expect(log.jobs.first?.status.rawValue == "failed")
    }

    @Test func toleratesNaNAndSurrogatesAndInvalidUTF8() {
        var bytes = Array(#"{"response_id": "resp_nan1", "temperature": NaN, "usage": {"total_tokens": Infinity}}"#.utf8) + [0x0A]
        bytes += Array(#"{"response_id": "resp_sur1", "prompt": "bad \ud800 surrogate"}"#.utf8) + [0x0A]
        bytes += Array(#"{"response_id": "resp_utf1", "prompt": "caf"#.utf8) + [0xE9, 0xFF] + Array(#"", "status": "completed"}"#.utf8) + [0x0A]
        bytes += Array(#"{"response_id": "resp_ok"}"#.utf8) + [0x0A]
        let log = parse(bytes: bytes)
        #expect(log.jobs.map(\.id) == ["resp_nan1", "resp_sur1", "resp_utf1", "resp_ok"])
        #expect(log.jobs[1].prompt == "bad \u{FFFD} surrogate")
        #expect(log.jobs[2].prompt.hasPrefix("caf"))
        #expect(log.jobs[2].status.rawValue == "completed")
        #expect(log.skippedLines.isEmpty)
    }

    @Test func keepsUnknownFieldsInRecord() {
        let log = parse(#"{"response_id": "resp_u1", "zeta": [1, {"x": null}], "alpha": 1.50}"#)
        let record = log.jobs[0].record
        #expect(record.keys == ["response_id", "zeta", "alpha"])
        #expect(record["alpha"] == .number("1.50"))
    }

    @Test func lineRangeCoversOriginalBytes() {
        let text = "{\"response_id\": \"resp_r1\"}\r\n{\"response_id\":\"resp_r2\",\"x\":1}\n"
        let log = parse(text)
        #expect(String(decoding: log.jobs[0].lineBytes, as: UTF8.self) == #"{"response_id": "resp_r1"}"#)
        #expect(String(decoding: log.jobs[1].lineBytes, as: UTF8.self) == #"{"response_id":"resp_r2","x":1}"#)
    }

    @Test func unknownStatusIsActive() {
        let log = parse(#"{"response_id": "resp_s1", "status": "paused_for_review"}"#)
        #expect(log.jobs[0].status.isActive)
        #expect(!log.jobs[0].status.isKnown)
    }

    @Test func unreadableTimestampIsKeptWithoutDate() {
        let log = parse(#"{"response_id": "resp_t1", "timestamp": "someday"}"# + "\n" + #"{"response_id": "resp_t2", "timestamp": 1751739769.5}"#)
        #expect(log.jobs.count == 2)
        #expect(log.jobs[0].createdAt == nil)
        #expect(log.jobs[1].createdAt?.microseconds == 1_751_739_769_500_000)
    }

    @Test func scannerAgreesWithFullParser() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = [#"{"#, #"}"#, #""response_id""#, #":"#, #"",""#, #""resp_x1""#, "[", "]", "1", "NaN", "null", #""\u00e9""#, " ", ","]
        for _ in 0..<3000 {
            let line = (0..<Int.random(in: 1..<12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let log = parse(line)
            let full = try? JSONParser.parse(line)
            let fullIsJob = full?["response_id"]?.stringValue.map { !$0.isEmpty } ?? false
            #expect(log.jobs.count == (fullIsJob ? 1 : 0), "disagreement on \(line)")
        }
    }

    @Test func fastPathEqualsFullDecoderOnGeneratedLog() throws {
        let folder = TestSupport.temporaryFolder("scan")
        let path = folder.appendingPathComponent("log.jsonl").path
        try GeneratedLog.write(jobs: 2000, seed: 5, to: path)
        let log = try JobLog.read(path: path)
        let lines = TestSupport.read(path).split(separator: "\n", omittingEmptySubsequences: false)
        var expected: [String: (status: String, prompt: String)] = [:]
        for line in lines {
            guard let value = try? JSONParser.parse(String(line)), let id = value["response_id"]?.stringValue, !id.isEmpty else { continue }
            let prompt = [value["refined_prompt"], value["prompt"], value["original_prompt"]].compactMap { $0?.stringValue }
                .first { !$0.isEmpty } ?? ""
            expected[id] = (value["status"]?.stringValue ?? "unknown", prompt)
        }
        #expect(log.jobs.count == expected.count)
        for job in log.jobs {
            #expect(expected[job.id]?.status == job.status.rawValue)
            #expect(expected[job.id]?.prompt == job.prompt)
        }
    }

    @Test func splitsLargeLogIntoChunksAtLineBoundaries() {
        let line = #"{"response_id": "resp_chunk%d", "status": "completed"}"#
        let text = (0..<200_000).map { String(format: line, $0) }.joined(separator: "\n")
        let log = parse(text)
        #expect(log.jobs.count == 200_000)
        #expect(log.lineCount == 200_000)
        #expect(log.jobs[123_456].lineNumber == 123_457)
    }
}

/// Writes logs with the project's generator, deepr's two shapes and 2% malformed lines.
enum GeneratedLog {
    static func write(jobs: Int, seed: Int, to path: String) throws {
        let script = TestSupport.packageRoot.appendingPathComponent("bench/genlog.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, String(jobs), String(seed)]
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: path)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("genlog.py failed") }
    }
}
