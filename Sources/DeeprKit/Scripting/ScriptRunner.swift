import Foundation

/// Runs command scripts: files given with `-f`, lines given with `-c`, standard input that
/// is not a terminal, and `source`.
///
/// One command per line. Blank lines and lines starting with `#` are skipped; a line ending
/// in an odd number of backslashes continues on the next line; the last line may lack its
/// newline. By default the first failing line stops the script with `NAME:LINE: error: …`
/// on stderr and exit status 3. With `--keep-going` (or `set errexit off`) the rest still
/// runs, and the script still ends with status 3 if any line failed.
public struct ScriptRunner {
    public static let maximumDepth = 16

    let session: Session
    let name: String

    public init(session: Session, name: String) {
        self.session = session
        self.name = name
    }

    /// Runs the lines that `nextLine` returns until it returns nil.
    public func run(nextLine: () -> String?) -> ExitStatus {
        session.scriptDepth += 1
        defer { session.scriptDepth -= 1 }

        var lineNumber = 0
        var failed = false
        while let (text, startLine) = nextLogicalLine(nextLine, &lineNumber) {
            let trimmed = text.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }

            if session.settings.echo {
                session.out.line("\(session.settings.echoPrefix)\(trimmed)")
            }
            let location = "\(name):\(startLine)"
            let status: ExitStatus
            do {
                status = try session.execute(line: text)
            } catch {
                let presented = DeeprError.from(error)
                session.error(presented, location: location)
                status = presented.status
            }
            session.out.flush()

            if session.shouldExit { return failed ? .script : .success }
            if status != .success {
                failed = true
                if !session.settings.keepGoing {
                    return .script
                }
            }
        }
        return failed ? .script : .success
    }

    /// Runs a whole text, as `-c` and `source` do.
    public func run(text: String) -> ExitStatus {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var iterator = lines.makeIterator()
        return run { iterator.next() }
    }

    /// Joins continued lines. Returns the text and the number of its first line.
    private func nextLogicalLine(_ nextLine: () -> String?, _ lineNumber: inout Int) -> (String, Int)? {
        guard var line = nextLine() else { return nil }
        lineNumber += 1
        let start = lineNumber
        line = ScriptRunner.stripLineEnd(line)
        if start == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }

        while ScriptRunner.continues(line) {
            line.removeLast()
            guard let next = nextLine() else { break }
            lineNumber += 1
            line += ScriptRunner.stripLineEnd(next)
        }
        return (line, start)
    }

    static func stripLineEnd(_ line: String) -> String {
        var result = line
        while result.hasSuffix("\r") || result.hasSuffix("\n") || result.hasSuffix("\r\n") {
            result.removeLast()
        }
        return result
    }

    /// A line continues when it ends with an odd number of backslashes.
    static func continues(_ line: String) -> Bool {
        var count = 0
        for character in line.reversed() {
            guard character == "\\" else { break }
            count += 1
        }
        return count % 2 == 1
    }
}

/// Reads lines from a file descriptor without Foundation's buffering surprises; used for
/// standard input in batch mode.
public final class LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var finished = false

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next line without its `\n`, or nil at end of input. Invalid UTF-8 becomes U+FFFD.
    public func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if finished {
                guard !buffer.isEmpty else { return nil }
                let line = String(decoding: buffer, as: UTF8.self)
                buffer.removeAll()
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                finished = true
            } else {
                buffer.append(contentsOf: chunk[0..<count])
            }
        }
    }
}
