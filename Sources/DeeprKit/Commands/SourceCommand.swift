import Foundation

/// `source FILE`: runs a script inside the session. Nesting is limited to 16 levels; the
/// outer script's name and line numbers are kept for its own errors.
public struct SourceCommand: ShellCommand {
    public static let spec = CommandSpec(
        name: "source", aliases: ["."],
        summary: "run the commands of a script file in this session",
        positionals: [PositionalSpec("FILE", .path, minimum: 1)],
        details: """
            Errors inside the file are reported as FILE:LINE. The first failing line stops
            the file unless errexit is off (set errexit off, or --keep-going). Row-number
            references inside the file use the file's own last listing.
            """)

    let path: String

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        path = arguments.positionals[0]
    }

    public func run(in session: Session) throws -> ExitStatus {
        guard session.scriptDepth < ScriptRunner.maximumDepth else {
            throw DeeprError.usage("'source \(path)' nests more than \(ScriptRunner.maximumDepth) scripts deep",
                                   hint: "a script probably sources itself")
        }
        guard ScriptFiles.isRegularFile(path), let data = FileManager.default.contents(atPath: path) else {
            let reason = ScriptFiles.unreadableReason(path)
            throw DeeprError.runtime("cannot read script '\(path)': \(reason)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let savedListing = session.lastListing
        session.lastListing = nil
        defer { session.lastListing = savedListing }
        return ScriptRunner(session: session, name: path).run(text: text)
    }
}
