/// Text of one `output_text` part together with its `url_citation` annotations.
///
/// Each citation covers the Markdown link it names. Its `start_index` and `end_index` count
/// Unicode scalars (code points) from the start of this part's text, and `end_index` is
/// exclusive, so Python's `text[start:end]` returns the link exactly.
struct CitedText {
    private(set) var text = ""
    private(set) var annotations: [JSONValue] = []

    mutating func append(_ plain: String) {
        text += plain
    }

    /// Appends `[label](url)` and a citation that covers it.
    mutating func appendLink(label: String, url: String, title: String) {
        let start = text.unicodeScalars.count
        text += "[\(label)](\(url))"
        let end = text.unicodeScalars.count
        annotations.append([
            "type": "url_citation",
            "start_index": .int(start),
            "end_index": .int(end),
            "url": .string(url),
            "title": .string(title),
        ])
    }

    /// The part as an `output_text` content item.
    var contentPart: JSONValue {
        ["type": "output_text", "annotations": .array(annotations), "logprobs": [], "text": .string(text)]
    }
}

/// The report text of a completed mock job.
///
/// It names the job id and the prompt, so tests can tell reports apart. The second part contains
/// an emoji outside the Basic Multilingual Plane before its link, so a client that counts
/// citation offsets in UTF-16 units instead of code points lands one position off.
enum ReportText {
    /// Builds the two parts of the first message and the one part of the second message.
    static func parts(jobID: String, prompt: String) -> (firstMessage: [CitedText], secondMessage: [CitedText]) {
        let slug = ResponseID.hex(ResponseID.stableHash(jobID), width: 16)

        var findings = CitedText()
        findings.append(opening(jobID: jobID, prompt: prompt))
        findings.append("The main source covers the subject in depth ")
        findings.appendLink(
            label: "example.org", url: "https://example.org/research/\(slug)", title: "Background study \(slug)")
        findings.append(".\n\n")

        var figures = CitedText()
        figures.append("📊 Recent figures — collected for this mock report — come from a second survey ")
        figures.appendLink(
            label: "data.example.net", url: "https://data.example.net/surveys/\(slug)", title: "Survey data \(slug)")
        figures.append(".\n\n")

        var sources = CitedText()
        sources.append("## Sources\n\nThis is the end of report \(jobID). Further reading: ")
        sources.appendLink(
            label: "docs.example.com", url: "https://docs.example.com/guides/\(slug)", title: "Reading guide \(slug)")
        sources.append(".\n")

        return ([findings, figures], [sources])
    }

    /// Returns the report's heading and prompt lines, also used as the start of a truncated report.
    static func opening(jobID: String, prompt: String) -> String {
        "# Research report for \(jobID)\n\nPrompt: \(prompt)\n\n## Findings\n\n"
    }
}
