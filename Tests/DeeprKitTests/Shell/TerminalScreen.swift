@testable import DeeprKit

/// A small model of what a terminal shows after a stream of output, enough to check what
/// libedit drew on the line being edited.
///
/// It handles printable text with cell widths (wide characters take two cells), CR, LF,
/// backspace, and the CSI sequences libedit uses with TERM=xterm: cursor column (`G`),
/// cursor up, down, forward and back (`A` to `D`) and erase in line (`K`). Other escape
/// sequences are skipped. Lines do not wrap and the screen does not scroll, so only
/// short lines are modelled correctly.
struct TerminalScreen {
    private enum Cell: Equatable {
        /// A cell that was never written, left by a cursor movement.
        case blank
        case character(Character)
        /// The right half of a wide character.
        case continuation
    }

    private var rows: [[Cell]] = [[]]
    private var row = 0
    private var column = 0

    init(_ bytes: [UInt8]) {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\r":
                column = 0
            case "\n":
                row += 1
                while rows.count <= row { rows.append([]) }
            case "\u{08}":
                column = max(0, column - 1)
            case "\u{1B}":
                index = skipEscape(scalars, from: index)
            default:
                put(scalar)
            }
        }
    }

    /// The text of the cursor's row. Spaces that were written stay, so a trailing space
    /// after a completion shows, but cells that were never written or were erased do not.
    var cursorLine: String {
        var cells = rows[row]
        while cells.last == .blank { cells.removeLast() }
        var text = ""
        for cell in cells {
            switch cell {
            case .blank: text.append(" ")
            case .character(let character): text.append(character)
            case .continuation: break
            }
        }
        return text
    }

    private mutating func put(_ scalar: Unicode.Scalar) {
        let width = CellWidth.of(scalar)
        if scalar.value < 0x20 || scalar.value == 0x7F { return }
        if width == 0 {
            // A combining mark or variation selector joins the character before it.
            if column > 0, column <= rows[row].count, case .character(let previous) = rows[row][column - 1] {
                rows[row][column - 1] = .character(Character(String(previous) + String(scalar)))
            }
            return
        }
        while rows[row].count < column + width { rows[row].append(.blank) }
        rows[row][column] = .character(Character(scalar))
        if width == 2 { rows[row][column + 1] = .continuation }
        column += width
    }

    /// Applies the escape sequence after an ESC and returns the index after it.
    private mutating func skipEscape(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        guard start < scalars.count else { return start }
        guard scalars[start] == "[" else { return start + 1 }
        var index = start + 1
        var parameters = ""
        while index < scalars.count, !(0x40...0x7E).contains(scalars[index].value) {
            parameters.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard index < scalars.count else { return index }
        let final = scalars[index]
        let number = Int(parameters.split(separator: ";").first ?? "") ?? 1
        switch final {
        case "G":
            column = max(0, number - 1)
        case "C":
            column += number
        case "D":
            column = max(0, column - number)
        case "A":
            row = max(0, row - number)
        case "B":
            row += number
            while rows.count <= row { rows.append([]) }
        case "K" where parameters.isEmpty || parameters == "0":
            if rows[row].count > column { rows[row].removeSubrange(column...) }
        default:
            break
        }
        return index + 1
    }
}
