import Foundation
import Testing

@testable import DeeprKit

@Suite struct PriceTableTests {
    @Test func datedSnapshotUsesAliasPrice() {
        let usage = TokenUsage(inputTokens: 1_000_000, cachedTokens: 200_000, outputTokens: 100_000)
        let cost = PriceTable.builtIn.cost(model: "o3-deep-research-2025-06-26", usage: usage, webSearches: 10)
        // 800k × $10 + 200k × $2.50 + 100k × $40, per million, plus 10 × $0.01.
        #expect(cost == 8.0 + 0.5 + 4.0 + 0.1)
    }

    @Test func miniModelIsNotMatchedAsO3() {
        let usage = TokenUsage(inputTokens: 1_000_000, outputTokens: 0)
        #expect(PriceTable.builtIn.cost(model: "o4-mini-deep-research", usage: usage, webSearches: nil) == 2.0)
    }

    @Test func unknownModelIsUnpriced() {
        let usage = TokenUsage(inputTokens: 10, outputTokens: 10)
        #expect(PriceTable.builtIn.cost(model: "gpt-4o", usage: usage, webSearches: nil) == nil)
        #expect(PriceTable.builtIn.cost(model: nil, usage: usage, webSearches: nil) == nil)
    }

    @Test func totalOnlyUsageIsUnknownCost() {
        let usage = TokenUsage(totalTokens: 1000)
        #expect(PriceTable.builtIn.cost(model: "o3-deep-research", usage: usage, webSearches: nil) == nil)
    }

    @Test func overrideFileReplacesAndAdds() throws {
        let folder = TestSupport.temporaryFolder("prices")
        let path = folder.appendingPathComponent("prices.json").path
        TestSupport.write(#"{"models": {"o3-deep-research": {"input": 1, "cached_input": 0.5, "output": 2}, "gpt-4o": {"input": 3, "output": 4}}, "web_search_per_call": 0}"#, to: path)
        let table = try PriceTable.builtIn.merging(file: path)
        let usage = TokenUsage(inputTokens: 1_000_000, outputTokens: 1_000_000)
        #expect(table.cost(model: "o3-deep-research", usage: usage, webSearches: 5) == 3.0)
        #expect(table.cost(model: "gpt-4o-mini", usage: usage, webSearches: nil) == 7.0)
    }

    @Test func badOverrideFileNamesIt() throws {
        let folder = TestSupport.temporaryFolder("prices")
        let path = folder.appendingPathComponent("prices.json").path
        TestSupport.write(#"{"models": {"x": {"input": "cheap"}}}"#, to: path)
        #expect {
            try PriceTable.builtIn.merging(file: path)
        } throws: { error in
            DeeprError.from(error).message.contains(path)
        }
    }
}
