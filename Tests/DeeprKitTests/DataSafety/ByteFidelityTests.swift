import Foundation
import Testing

@testable import DeeprKit

extension DataSafety {
    /// Lines that a command does not change come back byte for byte.
    @Suite struct ByteFidelity {
        static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

        /// Returns a log with every odd shape the reader accepts or skips, one per line. The
        /// numbers in the comments are 1-based line numbers.
        static func oddLog() -> [[UInt8]] {
            var lines: [[UInt8]] = []
            // 1: a BOM and unusual key order; old and completed, so prune moves it.
            lines.append(bom + Array(#"{"status": "completed", "response_id": "resp_bom00001", "timestamp": "2025-06-01T00:00:00Z", "prompt": "status first"}"#.utf8))
            // 2: Python's NaN and -Infinity.
            lines.append(Array(#"{"response_id": "resp_nan00001", "status": "in_progress", "temperature": NaN, "score": -Infinity, "timestamp": "2025-07-19T00:00:00+00:00"}"#.utf8))
            // 3: a lone surrogate escape.
            lines.append(Array(#"{"response_id": "resp_surrogate1", "status": "queued", "prompt": "lone \ud800 high", "timestamp": "2025-07-19T01:00:00+00:00"}"#.utf8))
            // 4: invalid UTF-8 bytes inside a string.
            lines.append(Array(#"{"response_id": "resp_badutf8001", "status": "queued", "prompt": "bad "#.utf8) + [0xFF, 0xFE]
                + Array(#" bytes", "timestamp": "2025-07-19T02:00:00+00:00"}"#.utf8))
            // 5: malformed JSON.
            lines.append(Array(#"{"response_id": "resp_broken01", "status": "queu"#.utf8))
            // 6: compact separators; old and completed.
            lines.append(Array(#"{"response_id":"resp_compact1","status":"completed","timestamp":"2025-06-02T00:00:00Z","n":1.50}"#.utf8))
            // 7: a CRLF line.
            lines.append(Array(#"{"response_id": "resp_crlf0001", "status": "in_progress", "timestamp": "2025-07-19T03:00:00+00:00"}"#.utf8) + [0x0D])
            // 8: blank.
            lines.append([])
            // 9: not an object.
            lines.append(Array("[1, 2, 3]".utf8))
            // 10: the line the status tests change: unknown fields with odd escapes and numbers.
            lines.append(Array(#"{"timestamp": "2025-07-19T10:00:00.123456+00:00", "response_id": "resp_target01", "x_custom": {"nested": [1, 2.50, 1e3, null], "s": "\u00e9\ud800"}, "status": "in_progress", "prompt": "caf\u00e9", "z_last": true}"#.utf8))
            // 11: raw UTF-8 text and an unknown status; old, but never pruned.
            lines.append(Array(#"{"response_id": "resp_unicode1", "status": "paused_by_admin", "prompt": "raw ünïcode ✓", "timestamp": "2025-05-01T00:00:00Z"}"#.utf8))
            // 12: an old failed job (pruned only with --status failed).
            lines.append(Array(#"{"response_id": "resp_failed01", "status": "failed", "timestamp": "2025-06-03T00:00:00.5Z"}"#.utf8))
            // 13: a torn last line without a newline.
            lines.append(Array(#"{"response_id": "resp_tail0001", "sta"#.utf8))
            return lines
        }

        static func oddLogBytes() -> [UInt8] {
            let lines = oddLog()
            var bytes: [UInt8] = []
            for (index, line) in lines.enumerated() {
                bytes += line
                if index < lines.count - 1 { bytes.append(0x0A) }
            }
            return bytes
        }

        /// Checks that `after` has the lines of the odd log, with only `changed` (1-based) different.
        static func expectUnchanged(except changed: Int, after: [UInt8]) {
            let before = SafetySupport.lines(oddLogBytes())
            let lines = SafetySupport.lines(after)
            #expect(lines.count == before.count)
            for (index, line) in before.enumerated() where index + 1 != changed && index < lines.count {
                #expect(lines[index] == line, "line \(index + 1) changed: \(SafetySupport.text(lines[index]))")
            }
            #expect(after.last != 0x0A, "the torn last line gained a newline")
        }

        static func withOddLog(_ body: (String, Session) throws -> Void) throws {
            try SafetySupport.withFolder("odd") { (folder) throws in
                let log = folder.appendingPathComponent("job_log.jsonl").path
                SafetySupport.writeBytes(oddLogBytes(), to: log)
                let session = TestSupport.session(log: log, now: "2025-07-20T00:00:00Z")
                try body(log, session)
            }
        }

        @Test func statusUpdateKeepsOtherLines() throws {
            try Self.withOddLog { (log, session) throws in
                try session.recordFields(["resp_target01": JSONObject([("status", .string("completed"))])])
                let after = TestSupport.readBytes(log)
                Self.expectUnchanged(except: 10, after: after)

                let changed = SafetySupport.text(SafetySupport.lines(after)[9])
                #expect(changed.contains(#""status": "completed""#))
                #expect(changed.contains(#""x_custom": {"nested": [1, 2.50, 1e3, null], "s": "\u00e9\ud800"}"#))
                #expect(changed.contains(#""prompt": "caf\u00e9""#))
                #expect(changed.hasPrefix(#"{"timestamp": "2025-07-19T10:00:00.123456+00:00", "response_id": "resp_target01""#))
                #expect(changed.hasSuffix(#""z_last": true}"#))
            }
        }

        @Test func newFieldGoesLast() throws {
            try Self.withOddLog { (log, session) throws in
                try session.recordFields(["resp_target01": JSONObject([
                    ("status", .string("completed")),
                    ("usage", .object(JSONObject([("total_tokens", .number("42"))]))),
                ])])
                let after = TestSupport.readBytes(log)
                Self.expectUnchanged(except: 10, after: after)
                let changed = SafetySupport.text(SafetySupport.lines(after)[9])
                #expect(changed.hasSuffix(#""z_last": true, "usage": {"total_tokens": 42}}"#))
            }
        }

        @Test func crlfLineKeepsEnding() throws {
            try Self.withOddLog { (log, session) throws in
                try session.recordFields(["resp_crlf0001": JSONObject([("status", .string("failed"))])])
                let after = TestSupport.readBytes(log)
                Self.expectUnchanged(except: 7, after: after)
                let changed = SafetySupport.lines(after)[6]
                #expect(changed.last == 0x0D)
                #expect(SafetySupport.text(changed).contains(#""status": "failed""#))
            }
        }

        @Test func compactLineStaysCompact() throws {
            try Self.withOddLog { (log, session) throws in
                try session.recordFields(["resp_compact1": JSONObject([("status", .string("expired"))])])
                let after = TestSupport.readBytes(log)
                Self.expectUnchanged(except: 6, after: after)
                let changed = SafetySupport.text(SafetySupport.lines(after)[5])
                #expect(changed == #"{"response_id":"resp_compact1","status":"expired","timestamp":"2025-06-02T00:00:00Z","n":1.50}"#)
            }
        }

        @Test func bomLineKeepsBOM() throws {
            try Self.withOddLog { (log, session) throws in
                try session.recordFields(["resp_bom00001": JSONObject([("status", .string("cancelled"))])])
                let after = TestSupport.readBytes(log)
                Self.expectUnchanged(except: 1, after: after)
                #expect(Array(after.prefix(3)) == Self.bom)
                #expect(SafetySupport.text(SafetySupport.lines(after)[0]).contains(#""status": "cancelled""#))
            }
        }

        @Test func pruneKeepsOtherLines() throws {
            try Self.withOddLog { (log, session) throws in
                let status = try session.execute(line: "prune")
                #expect(status == .success)

                // The BOM leaves with the first line, so Python's json module can read the
                // new first line.
                let before = Self.oddLog()
                var expected = before
                expected.remove(at: 5)
                expected.remove(at: 0)
                let after = TestSupport.readBytes(log)
                #expect(SafetySupport.difference(SafetySupport.lines(after), expected) == nil)
                #expect(after.last != 0x0A)

                // The archive contains the two lines, the first without its BOM.
                let archive = TestSupport.readBytes(LogWriter(path: log).archivePath)
                let archived = SafetySupport.lines(archive)
                #expect(SafetySupport.difference(archived, [Array(before[0].dropFirst(3)), before[5]]) == nil)
                #expect(archive.last == 0x0A)
            }
        }
    }
}
