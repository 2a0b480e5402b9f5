import Foundation
import Testing

@testable import DeeprKit

/// `list --all --limit 0 --json` on a generated log, checked against an independent reading
/// of the same file by Python's json module.
@Suite struct GenlogAcceptanceTests {
    static let oracle = #"""
        import json, sys, datetime
        log_path, output_path = sys.argv[1], sys.argv[2]
        expected, skipped = {}, []
        with open(log_path, "rb") as handle:
            for number, raw in enumerate(handle.read().split(b"\n"), 1):
                text = raw.decode("utf-8", "replace").lstrip("\ufeff").strip()
                if not text:
                    continue
                try:
                    value = json.loads(text)
                except ValueError:
                    skipped.append(number); continue
                rid = value.get("response_id") if isinstance(value, dict) else None
                if not isinstance(rid, str) or not rid:
                    skipped.append(number); continue
                prompt = next((value[k] for k in ("refined_prompt", "prompt", "original_prompt") if isinstance(value.get(k), str) and value[k]), "")
                ts = value.get("timestamp")
                if isinstance(ts, (int, float)):
                    created = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
                else:
                    created = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
                    if created.tzinfo is None:
                        created = created.replace(tzinfo=datetime.timezone.utc)
                expected[rid] = (value.get("status"), prompt, created.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        actual = json.load(open(output_path))
        got = {job["id"]: (job["status"], job["prompt"], job["created_at"]) for job in actual}
        assert len(actual) == len(got), "duplicate ids in output"
        missing = set(expected) - set(got); extra = set(got) - set(expected)
        assert not missing and not extra, f"missing {len(missing)}, extra {len(extra)}"
        wrong = [rid for rid in expected if expected[rid] != got[rid]]
        assert not wrong, f"{len(wrong)} differ, first: {wrong[0]}: {expected[wrong[0]]} != {got[wrong[0]]}"
        print(" ".join(map(str, skipped)))
        """#

    @Test func listJSONMatchesPythonReading() throws {
        let folder = TestSupport.temporaryFolder("genlog")
        let log = folder.appendingPathComponent("log.jsonl").path
        try GeneratedLog.write(jobs: 1000, seed: 11, to: log)

        let result = try TestSupport.run(["--log", log, "list", "--all", "--limit", "0", "--json"], directory: folder)
        #expect(result.status == 0)
        let output = folder.appendingPathComponent("out.json").path
        TestSupport.write(result.stdout, to: output)
        let oraclePath = folder.appendingPathComponent("oracle.py").path
        TestSupport.write(GenlogAcceptanceTests.oracle, to: oraclePath)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", oraclePath, log, output]
        let pipe = Pipe()
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let skippedText = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errorText)")

        let skipped = skippedText.split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(!skipped.isEmpty)
        let warning = try #require(result.stderr.split(separator: "\n").first { $0.contains("skipped") })
        for number in skipped.prefix(20) {
            #expect(warning.contains(number), "line \(number) is not named in: \(warning)")
        }
        #expect(warning.contains("skipped \(skipped.count) malformed"))
    }
}
