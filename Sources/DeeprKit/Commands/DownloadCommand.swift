import Foundation

/// `download REF…`: saves the report of completed jobs.
public struct DownloadCommand: ShellCommand {
    public static let formats = ["txt", "md", "json"]

    public static let spec = CommandSpec(
        name: "download", aliases: ["get", "save"],
        summary: "save the report of completed jobs to reports/report_<id>.txt",
        positionals: [PositionalSpec("REF", .jobReference, minimum: 1, maximum: nil)],
        flags: [
            FlagSpec("format", short: "F", value: .choice(DownloadCommand.formats), repeatable: true,
                     help: "txt (default), md (title and numbered sources), json (the raw response); comma-separated for several"),
            FlagSpec("output", short: "o", value: .directory, help: "folder for the files (default: reports, or DEEPR_REPORTS_DIR)"),
            FlagSpec("force", short: "f", help: "overwrite a report file that already exists"),
            FlagSpec("no-preview", help: "do not print the first 1000 characters"),
        ],
        details: """
            The report is every output_text part of every message item of the response, in
            order: parts of one message are joined with nothing (as the official SDKs do),
            and messages are separated by a blank line. A job that completed without report
            text, or whose answer is a refusal, gets no file: download says so and fails
            (exit status 1). A job that ended incomplete with some text is saved with a
            first line marking it as partial.
            """,
        needsAPI: true)

    let references: [String]
    let formats: [String]
    let output: String?
    let force: Bool
    let preview: Bool

    public init(_ arguments: ParsedArguments) throws(DeeprError) {
        references = arguments.positionals
        let chosen = arguments.values("format")
        for format in chosen where !DownloadCommand.formats.contains(format) {
            throw .usage("invalid format '\(format)': expected txt, md or json")
        }
        formats = chosen.isEmpty ? ["txt"] : chosen
        output = arguments.value("output")
        force = arguments.has("force")
        preview = !arguments.has("no-preview")
    }

    public func run(in session: Session) throws -> ExitStatus {
        let directory = output ?? session.settings.reportsDirectory
        var failures = 0
        for reference in references {
            do {
                try download(reference, into: directory, session: session)
            } catch {
                let presented = DeeprError.from(error)
                if presented.status == .auth || presented.status == .interrupted { throw presented }
                if references.count == 1 { throw presented }
                session.error(presented)
                failures += 1
            }
        }
        return failures > 0 ? .runtime : .success
    }

    private func download(_ reference: String, into directory: String, session: Session) throws {
        let job = try JobReference.resolve(reference, in: session)
        let cached = session.remoteCache[job.id]
        let response = try session.fetchResponse(id: job.id, fresh: cached.map { $0.jobStatus.isActive } ?? true)

        if let fields = RemoteFields.fields(for: response, job: job) {
            try session.recordFields([job.id: fields])
        }

        let text = response.reportText
        var partialNote: String?
        switch response.status {
        case "completed":
            if text.isEmpty {
                if !response.refusals.isEmpty {
                    throw DeeprError.runtime("\(job.id) was refused by the model, so there is no report: "
                        + response.refusals.joined(separator: " "))
                }
                throw DeeprError.runtime("\(job.id) completed without report text; no file was written",
                                         hint: "'show \(job.id)' lists what the response holds")
            }
        case "incomplete":
            guard !text.isEmpty else {
                throw DeeprError.runtime("\(job.id) ended incomplete (\(response.incompleteReason ?? "no reason given")) with no report text; no file was written")
            }
            partialNote = "NOTE: partial report: the job ended incomplete (\(response.incompleteReason ?? "no reason given"))."
            session.warning("\(job.id) ended incomplete (\(response.incompleteReason ?? "no reason given")); saving the partial text")
        default:
            if response.jobStatus.isActive {
                throw DeeprError.runtime("\(job.id) is still \(response.status); there is no report yet",
                                         hint: "'watch \(job.id) --download' saves it when the job completes")
            }
            throw DeeprError.runtime("\(job.id) ended \(response.status); there is no report"
                + (response.error?.message.map { ": \($0)" } ?? ""))
        }

        try ReportFiles.ensureDirectory(directory)
        for format in formats {
            let path = (directory as NSString).appendingPathComponent("report_\(job.id).\(format)")
            let content: String
            switch format {
            case "md":
                content = ReportFiles.markdown(text, job: job, response: response, partialNote: partialNote)
            case "json":
                content = JSONWriter.string(.object(response.raw), style: .pretty) + "\n"
            default:
                content = (partialNote.map { $0 + "\n\n" } ?? "") + text + (text.hasSuffix("\n") ? "" : "\n")
            }
            if FileManager.default.fileExists(atPath: path), !force {
                throw DeeprError.runtime("'\(path)' already exists; nothing was overwritten", hint: "add --force to replace it")
            }
            try ReportFiles.writeAtomically(content, to: path)
            session.out.line("saved \(path) (\(NumberText.grouped(Int64(content.count))) characters)")
        }

        if preview {
            let shown = String(text.prefix(1000))
            session.out.line()
            session.out.line(TerminalText.sanitize(shown, .multiLine))
            if text.count > 1000 { session.out.line("… (\(NumberText.grouped(Int64(text.count - 1000))) more characters)") }
        }
    }
}

/// Writing report files.
enum ReportFiles {
    static func ensureDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw DeeprError.runtime("cannot save reports in '\(directory)': it is not a folder")
            }
            return
        }
        // Only the folder itself is created, so a mistyped path does not grow a new tree.
        let parent = (directory as NSString).deletingLastPathComponent
        guard parent.isEmpty || FileManager.default.fileExists(atPath: parent) else {
            throw DeeprError.runtime("cannot create the reports folder '\(directory)': '\(parent)' does not exist",
                                     hint: "create the parent folder first, or choose another --output")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        } catch {
            throw DeeprError.runtime("cannot create the reports folder '\(directory)': \(error.localizedDescription)")
        }
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a report
    /// and a failed write never replaces an existing one.
    static func writeAtomically(_ content: String, to path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard parent.isEmpty || (FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) && isDirectory.boolValue) else {
            throw DeeprError.runtime("cannot write '\(path)': the folder '\(parent)' does not exist")
        }
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(content.utf8)) else {
            throw DeeprError.runtime("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw DeeprError.runtime("cannot write '\(path)': \(reason)")
        }
    }

    /// A title, the report, and the cited sources as a numbered list.
    static func markdown(_ text: String, job: Job, response: APIResponse, partialNote: String?) -> String {
        let title = job.prompt.split(whereSeparator: \.isNewline).first.map { String($0).trimmingWhitespace() } ?? job.id
        var output = "# \(title.isEmpty ? job.id : title)\n\n"
        output += "_Job \(job.id), model \(response.model ?? job.model ?? "unknown")"
        if let completed = response.completedAt { output += ", completed \(completed.iso8601)" }
        output += "._\n\n"
        if let partialNote { output += "> \(partialNote)\n\n" }
        output += text
        if !text.hasSuffix("\n") { output += "\n" }
        if !response.citations.isEmpty {
            output += "\n## Sources\n\n"
            for (index, citation) in response.citations.enumerated() {
                let title = (citation.title?.isEmpty == false ? citation.title! : citation.url)
                    .replacingOccurrences(of: "]", with: "\\]")
                output += "\(index + 1). [\(title)](\(citation.url))\n"
            }
        }
        return output
    }
}
