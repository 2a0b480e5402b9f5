/// How a command names a job.
///
/// - a full id, `resp_68a1f0c24d7c8190b3e1a9d2c4f50617`;
/// - a unique prefix of at least 4 characters after `resp_`, with or without `resp_`;
/// - `N` or `#N`: row N of the last listing shown in this session (in one-shot mode, of the
///   default listing);
/// - `last`: the newest job.
///
/// Job ids contain only ASCII letters, digits, `_` and `-`; anything else is rejected before
/// it can reach a file name or a URL path.
public enum JobReference {
    public static let minimumPrefixLength = 4

    /// Whether `id` is safe to use in a file name or URL path.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 200 && id.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    public static func invalidIDError(_ text: String) -> DeeprError {
        let shown = TerminalText.sanitize(text)
        return .usage("invalid job id '\(shown)': ids contain only letters, digits, '_' and '-'",
                      hint: "give a full id such as resp_68a1f0c24d7c…, a unique prefix, a row number or 'last'")
    }

    /// Resolves a reference to a job in the log.
    public static func resolve(_ text: String, in session: Session) throws -> Job {
        let log = try session.store.current()
        let reference = text.trimmingWhitespace()

        if reference == "last" {
            guard let newest = log.jobs.max(by: { ($0.createdAt ?? Timestamp(microseconds: .min)) < ($1.createdAt ?? Timestamp(microseconds: .min)) }) else {
                throw DeeprError.usage("'last' names the newest job, but the log has no jobs",
                                       hint: "the log is \(log.path)")
            }
            return newest
        }

        var rowText = Substring(reference)
        if rowText.hasPrefix("#") { rowText = rowText.dropFirst() }
        if !rowText.isEmpty, rowText.allSatisfy(\.isASCII), rowText.allSatisfy(\.isNumber) {
            let listing = try session.listingForReferences()
            let row = Int(rowText) ?? 0
            guard row >= 1, row <= listing.count else {
                // Digits that are no row may still start an id, unless written as #N.
                if !reference.hasPrefix("#"), rowText.count >= minimumPrefixLength,
                    let job = try? resolveID(String(rowText), in: session, log: log)
                {
                    return job
                }
                let range = listing.isEmpty ? "the last listing was empty" : "the last listing has rows 1 to \(listing.count)"
                throw DeeprError.usage("no row \(rowText): \(range)",
                                       hint: "run 'list' and use a row number from it; for an id that starts with digits, add resp_")
            }
            let id = listing[row - 1]
            guard let job = log.jobs.first(where: { $0.id == id }) else {
                throw DeeprError.usage("row \(row) was \(id), which is no longer in the log")
            }
            return job
        }

        return try resolveID(reference, in: session, log: log)
    }

    /// Resolves a full id or an id prefix.
    static func resolveID(_ reference: String, in session: Session, log: JobLog) throws -> Job {
        guard isValidID(reference) else { throw invalidIDError(reference) }

        if let job = session.job(withID: reference, in: log) {
            return job
        }

        let bare = reference.hasPrefix("resp_") ? String(reference.dropFirst(5)) : reference
        guard bare.count >= minimumPrefixLength else {
            throw DeeprError.usage("job id prefix '\(reference)' is too short: give at least \(minimumPrefixLength) characters after 'resp_'",
                                   hint: "press TAB after a few characters to see the matching ids")
        }

        var matches = try session.store.ids(withPrefix: "resp_" + bare, limit: 11)
        if matches.isEmpty, !reference.hasPrefix("resp_") {
            matches = try session.store.ids(withPrefix: reference, limit: 11)
        }
        if matches.count == 1, let job = session.job(withID: matches[0], in: log) {
            return job
        }
        if matches.isEmpty {
            throw DeeprError.usage("no such job: '\(reference)'",
                                   hint: "'list --all' shows every job in \(log.path)")
        }
        let shown = matches.prefix(10).map { "  \($0)" }.joined(separator: "\n")
        let more = matches.count > 10 ? "\n  …" : ""
        throw DeeprError.usage("job id prefix '\(reference)' is ambiguous; it matches:\n\(shown)\(more)",
                               hint: "type more characters of the id")
    }
}
