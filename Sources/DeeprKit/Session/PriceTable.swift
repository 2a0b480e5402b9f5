import Foundation

/// Prices in USD per million tokens, matched by model-name prefix so dated snapshots
/// (`o3-deep-research-2025-06-26`) resolve to their alias's price.
public struct PriceTable: Sendable {
    public struct ModelPrice: Sendable, Equatable {
        public var input: Double
        public var cachedInput: Double
        public var output: Double
    }

    /// Longest prefix first, so a more specific entry wins.
    public private(set) var models: [(prefix: String, price: ModelPrice)]
    /// USD per web-search call.
    public var webSearchCall: Double

    /// The built-in prices.
    /// - o3-deep-research: $10 input and $40 output per 1M tokens, from OpenAI's launch post
    ///   "Deep research in the API" (June 2025); $2.50 cached input from copies of OpenAI's
    ///   pricing page (checked 2026-03-21), not confirmed on an OpenAI page.
    /// - o4-mini-deep-research: $2 input, $0.50 cached input, $8 output, from OpenAI's model
    ///   page for o4-mini-deep-research (read 2026).
    /// - Web search on reasoning models: $10 per 1,000 calls, from the same launch post.
    /// Override them with `--prices FILE` or `$XDG_CONFIG_HOME/deepr-manager/prices.json`.
    public static let builtIn = PriceTable(
        models: [
            ("o4-mini-deep-research", ModelPrice(input: 2.00, cachedInput: 0.50, output: 8.00)),
            ("o3-deep-research", ModelPrice(input: 10.00, cachedInput: 2.50, output: 40.00)),
        ],
        webSearchCall: 0.01)

    public init(models: [(prefix: String, price: ModelPrice)], webSearchCall: Double) {
        self.models = models.sorted { $0.prefix.count > $1.prefix.count }
        self.webSearchCall = webSearchCall
    }

    public func price(for model: String?) -> ModelPrice? {
        guard let model else { return nil }
        return models.first { model.hasPrefix($0.prefix) }?.price
    }

    /// Estimated cost in USD, or nil when the model is unpriced or the usage lacks the input
    /// and output split. Cached input tokens are billed at the cached rate; reasoning tokens
    /// are part of the output tokens.
    public func cost(model: String?, usage: TokenUsage?, webSearches: Int?) -> Double? {
        guard let price = price(for: model), let usage, let input = usage.inputTokens,
            let output = usage.outputTokens
        else { return nil }
        let cached = min(usage.cachedTokens ?? 0, input)
        var total = Double(input - cached) * price.input / 1e6
        total += Double(cached) * price.cachedInput / 1e6
        total += Double(output) * price.output / 1e6
        total += Double(webSearches ?? 0) * webSearchCall
        return total
    }

    /// Reads an override file: `{"models": {"PREFIX": {"input": N, "cached_input": N,
    /// "output": N}}, "web_search_per_call": N}`. Listed models replace or add to the
    /// built-in ones.
    public func merging(file path: String) throws(DeeprError) -> PriceTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .runtime("cannot read the price file '\(path)'", hint: "check the path given to --prices")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: [UInt8](data))
        } catch {
            throw .runtime("invalid JSON in the price file '\(path)': \(error)")
        }
        var merged = models
        if let entries = value["models"]?.objectValue {
            for (prefix, entry) in entries.entries {
                guard let input = entry["input"]?.doubleValue, let output = entry["output"]?.doubleValue else {
                    throw .runtime("the price of '\(prefix)' in '\(path)' needs numeric \"input\" and \"output\" (USD per 1M tokens)")
                }
                let cached = entry["cached_input"]?.doubleValue ?? input
                merged.removeAll { $0.prefix == prefix }
                merged.append((prefix, ModelPrice(input: input, cachedInput: cached, output: output)))
            }
        }
        let search = value["web_search_per_call"]?.doubleValue ?? webSearchCall
        return PriceTable(models: merged, webSearchCall: search)
    }
}

extension PriceTable {
    /// Formats a cost for tables: `$1.23`, `<$0.01`, or `-` when unknown.
    public static func format(_ cost: Double?) -> String {
        guard let cost else { return "-" }
        if cost > 0, cost < 0.01 { return "<$0.01" }
        return String(format: "$%.2f", cost)
    }
}
