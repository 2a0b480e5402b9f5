/// A plain text table aligned by terminal cell width.
///
/// Every cell is stripped of control sequences. Columns are as wide as their widest cell;
/// the flexible column (the prompt) gets what is left of the terminal width and is cut at
/// a grapheme boundary with `…`.
public struct Table {
    public struct Column {
        public var title: String
        public var alignRight: Bool
        public var flexible: Bool

        public init(_ title: String, alignRight: Bool = false, flexible: Bool = false) {
            self.title = title
            self.alignRight = alignRight
            self.flexible = flexible
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []
    /// Per-row style applied to the whole line (for example the status colour).
    public var rowStyles: [Session.TextStyle?] = []

    public init(columns: [Column]) {
        self.columns = columns
    }

    public mutating func append(_ cells: [String], style: Session.TextStyle? = nil) {
        rows.append(cells.map { TerminalText.sanitize($0) })
        rowStyles.append(style)
    }

    /// Renders the table, header first, to fit `width` cells.
    public func render(width: Int, session: Session, sink: OutputSink) -> String {
        var widths = columns.map { CellWidth.of($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count && !columns[index].flexible {
                widths[index] = max(widths[index], CellWidth.of(cell))
            }
        }
        let fixed = widths.enumerated().filter { !columns[$0.offset].flexible }.reduce(0) { $0 + $1.element }
        let gaps = (columns.count - 1) * 2
        if let flexibleIndex = columns.firstIndex(where: \.flexible) {
            let longest = rows.reduce(CellWidth.of(columns[flexibleIndex].title)) { max($0, CellWidth.of($1[flexibleIndex])) }
            widths[flexibleIndex] = min(longest, max(12, width - fixed - gaps))
        }

        var output = ""
        let header = line(columns.map(\.title), widths)
        output += session.style(header, .bold, for: sink) + "\n"
        for (index, row) in rows.enumerated() {
            let text = line(row, widths)
            if let style = rowStyles[index] {
                output += session.style(text, style, for: sink) + "\n"
            } else {
                output += text + "\n"
            }
        }
        return output
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var parts: [String] = []
        for (index, column) in columns.enumerated() {
            let cell = index < cells.count ? cells[index] : ""
            let fitted = CellWidth.truncate(cell, to: widths[index])
            if index == columns.count - 1, !column.alignRight {
                parts.append(fitted)
            } else {
                parts.append(CellWidth.pad(fitted, to: widths[index], alignRight: column.alignRight))
            }
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

/// Human forms of times for tables and `show`.
public enum TimeText {
    /// `2025-07-05 20:22` in the local time zone.
    public static func local(_ timestamp: Timestamp, seconds: Bool = false) -> String {
        var time = time_t(Timestamp.floorDivide(timestamp.microseconds, 1_000_000).0)
        var fields = tm()
        localtime_r(&time, &fields)
        var buffer = [Int8](repeating: 0, count: 64)
        let format = seconds ? "%Y-%m-%d %H:%M:%S %Z" : "%Y-%m-%d %H:%M"
        let count = strftime(&buffer, buffer.count, format, &fields)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `3d`, `5h`, `12m`, `40s`, or `in 5m` for a time in the future.
    public static func age(_ timestamp: Timestamp, now: Timestamp) -> String {
        let delta = (now.microseconds - timestamp.microseconds) / 1_000_000
        let magnitude = abs(delta)
        let text: String
        switch magnitude {
        case ..<60: text = "\(magnitude)s"
        case ..<3600: text = "\(magnitude / 60)m"
        case ..<86_400: text = "\(magnitude / 3600)h"
        case ..<(86_400 * 365): text = "\(magnitude / 86_400)d"
        default: text = "\(magnitude / (86_400 * 365))y"
        }
        return delta < 0 ? "in \(text)" : text
    }

    /// `30m 0s`, `1h 5m`, `12s`.
    public static func duration(seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60)s" }
        return "\(total / 3600)h \((total % 3600) / 60)m"
    }
}

#if canImport(Glibc)
import Glibc
#endif
