extension LogWriter {
    /// Sets fields on the winning line of each job and returns the edit.
    ///
    /// Only the values of the changed members are rewritten. Every other byte of the line
    /// stays: unknown fields, key order, separators, number formats and escapes (even a
    /// lone surrogate such as `\ud800`). New members go last, written with the line's own
    /// separators: Python's `json.dumps` style (`", "`, `": "`, ASCII escapes) on lines
    /// that use it, compact JSON on compact lines.
    public static func updates(_ fields: [String: JSONObject], in log: JobLog) -> LogEdit {
        var edit = LogEdit()
        for job in log.jobs {
            guard let changes = fields[job.id] else { continue }
            let record = job.record
            let differing = changes.entries.filter { record[$0.key] != $0.value }
            guard !differing.isEmpty else { continue }

            if let edited = JSONLineEditor.setting(differing, in: job.lineBytes) {
                edit.replacements[job.lineNumber] = edited
            } else {
                // Not reached for lines that parsed as jobs; kept as a safe fallback.
                var rewritten = record
                for (key, value) in differing { rewritten[key] = value }
                edit.replacements[job.lineNumber] = Array(JSONWriter.string(.object(rewritten), style: .python).utf8)
            }
        }
        return edit
    }
}

/// Changes top-level members of a one-line JSON object in place, keeping all other bytes.
enum JSONLineEditor {
    struct Member {
        var key: String
        /// The bytes of the member's value within the line.
        var value: Range<Int>
    }

    struct Layout {
        var members: [Member]
        /// The offset of the closing brace.
        var closingBrace: Int
        /// The bytes between a key and its value, such as `": "` or `":"`.
        var keySeparator: [UInt8]
        /// The bytes between a value and the next key, such as `", "` or `","`.
        var memberSeparator: [UInt8]
    }

    /// Returns the line with `entries` set (the last entry wins for a repeated key), or nil
    /// when the line is not a JSON object.
    static func setting(_ entries: [(key: String, value: JSONValue)], in line: [UInt8]) -> [UInt8]? {
        guard let layout = line.withUnsafeBytes({ layout(of: $0) }) else { return nil }
        let isCompact = !layout.keySeparator.contains(0x20)
        let style: JSONWriter.Style = isCompact ? .compact : .python

        var latest: [(key: String, value: JSONValue)] = []
        for entry in entries {
            latest.removeAll { $0.key == entry.key }
            latest.append(entry)
        }

        // Edits as (range to replace, new bytes), applied from the end of the line backwards.
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        var additions: [UInt8] = []
        var hasMembers = !layout.members.isEmpty
        for (key, value) in latest {
            var valueBytes: [UInt8] = []
            JSONWriter.write(value, into: &valueBytes, style: style)
            if let member = layout.members.last(where: { $0.key == key }) {
                edits.append((member.value, valueBytes))
                continue
            }
            if hasMembers { additions.append(contentsOf: layout.memberSeparator) }
            JSONWriter.writeString(key, into: &additions, asciiOnly: style == .python)
            additions.append(contentsOf: layout.keySeparator)
            additions.append(contentsOf: valueBytes)
            hasMembers = true
        }
        if !additions.isEmpty {
            let insertion = layout.members.last?.value.upperBound ?? layout.closingBrace
            edits.append((insertion..<insertion, additions))
        }

        var result = line
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            result.replaceSubrange(edit.range, with: edit.bytes)
        }
        return result
    }

    /// Finds the top-level members of the object on `line`, or nil when the line is not
    /// exactly one JSON object (a BOM and surrounding whitespace are allowed).
    static func layout(of line: UnsafeRawBufferPointer) -> Layout? {
        var reader = JSONReader(bytes: line, position: 0)
        reader.skipBOM()
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else { return nil }
        reader.position += 1

        var members: [Member] = []
        var keySeparator: [UInt8]?
        var memberSeparator: [UInt8]?
        var closingBrace = 0
        do {
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: "}") {
                closingBrace = reader.position
            } else {
                while true {
                    reader.skipWhitespace()
                    guard reader.peek() == UInt8(ascii: "\"") else { return nil }
                    let key = try reader.scanString()
                    let afterKey = reader.position
                    reader.skipWhitespace()
                    guard reader.peek() == UInt8(ascii: ":") else { return nil }
                    reader.position += 1
                    reader.skipWhitespace()
                    if keySeparator == nil { keySeparator = Array(line[afterKey..<reader.position]) }

                    let valueStart = reader.position
                    try LineScanner.skipValue(&reader, depth: 1)
                    members.append(Member(key: JSONReader.decode(line, key), value: valueStart..<reader.position))

                    let afterValue = reader.position
                    reader.skipWhitespace()
                    guard let next = reader.peek() else { return nil }
                    if next == UInt8(ascii: "}") {
                        closingBrace = reader.position
                        break
                    }
                    guard next == UInt8(ascii: ",") else { return nil }
                    reader.position += 1
                    reader.skipWhitespace()
                    if memberSeparator == nil { memberSeparator = Array(line[afterValue..<reader.position]) }
                }
            }
        } catch {
            return nil
        }
        reader.position = closingBrace + 1
        reader.skipWhitespace()
        guard reader.atEnd else { return nil }

        let keys = keySeparator ?? Array(": ".utf8)
        let defaultMembers = keys.contains(0x20) ? Array(", ".utf8) : Array(",".utf8)
        return Layout(members: members, closingBrace: closingBrace, keySeparator: keys,
                      memberSeparator: memberSeparator ?? defaultMembers)
    }
}
