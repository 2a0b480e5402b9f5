import Foundation
import Testing

@testable import DeeprKit

/// `--grep` rules jobs out with `PromptText` before `JobFilter` checks them, so a job that
/// `JobFilter` matches must never be ruled out.
@Suite struct PromptSearchTests {
    /// ASCII, controls, and characters that fold, decompose or change length under case
    /// folding: accents precomposed and combining, ß and ẞ, long s, Kelvin and Angstrom
    /// signs, dotted and dotless i, ligatures, full-width letters, Greek sigmas, a
    /// titlecase digraph, an emoji and Hangul.
    static let alphabet: [String] = Array("abcdefijkorsxyzABEIJKS019 -_.,()#\"\\/").map(String.init) + [
        "\n", "\r\n", "\t", "\u{01}", "é", "e\u{301}", "É", "E\u{301}", "ß", "ẞ", "ſ", "\u{212A}", "\u{212B}", "İ", "ı",
        "i\u{307}", "ﬁ", "ﬀ", "ǰ", "æ", "ø", "Ａ", "ｅ", "Σ", "σ", "ς", "ǅ", "😀", "한", "\u{301}", "Ⅻ", "ŉ",
    ]
    static let needleAlphabet = Array("aeijksfnoxyzAEIJKSFN 0.-").map(String.init)

    func randomText(_ length: Int, from alphabet: [String], using generator: inout some RandomNumberGenerator) -> String {
        (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
    }

    func log(prompts: [String]) throws -> JobLog {
        var lines: [String] = []
        for (index, prompt) in prompts.enumerated() {
            // Alternate the three prompt fields, and give some jobs two of them.
            var object: [String: String] = ["response_id": "resp_grep\(index)"]
            object[["prompt", "refined_prompt", "original_prompt"][index % 3]] = prompt
            if index % 4 == 0 { object["original_prompt"] = String(prompt.reversed()) }
            let data = try JSONSerialization.data(withJSONObject: object)
            lines.append(String(decoding: data, as: UTF8.self))
        }
        return JobLog.parse(LogBytes(copying: Array(lines.joined(separator: "\n").utf8)), path: "grep.jsonl")
    }

    @Test func neverRulesOutAMatchingJob() throws {
        var generator = SystemRandomNumberGenerator()
        var matchedJobs = 0
        var ruledOut = 0
        for _ in 0..<200 {
            let prompts = (0..<12).map { _ in
                randomText(Int.random(in: 0..<14, using: &generator), from: PromptSearchTests.alphabet, using: &generator)
            }
            let log = try log(prompts: prompts)
            #expect(log.jobs.count == prompts.count)
            for _ in 0..<12 {
                let needle = randomText(Int.random(in: 1...3, using: &generator), from: PromptSearchTests.needleAlphabet,
                                        using: &generator)
                var filter = JobFilter()
                filter.grep = needle
                let candidates = try #require(log.promptCandidates(containing: needle))
                for (index, job) in log.jobs.enumerated() {
                    let matches = filter.matches(job)
                    if matches { matchedJobs += 1 }
                    if !candidates[index] { ruledOut += 1 }
                    #expect(!matches || candidates[index], "ruled out '\(needle)' in \(job.allPrompts)")
                }
            }
        }
        // The check above means little unless both cases occur often.
        #expect(matchedJobs > 1000)
        #expect(ruledOut > 1000)
    }

    @Test func appliesOnlyToPrintableASCII() throws {
        let log = try log(prompts: ["café", "plain"])
        #expect(log.promptCandidates(containing: "") == nil)
        #expect(log.promptCandidates(containing: "é") == nil)
        #expect(log.promptCandidates(containing: "a\tb") == nil)
        #expect(log.promptCandidates(containing: "CAF") == [true, false])
        #expect(log.promptCandidates(containing: "ain") == [false, true])
    }
}
