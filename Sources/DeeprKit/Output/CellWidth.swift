/// Terminal cell widths of text, as a terminal draws them.
///
/// A grapheme cluster takes 2 cells when its base is East Asian Wide or Fullwidth or an
/// emoji shown as a picture, 0 when it is only combining marks or format characters, and 1
/// otherwise. This follows what wcwidth-based terminals do for current Unicode; ambiguous
/// width characters count as 1.
public enum CellWidth {
    public static func of(_ text: String) -> Int {
        var total = 0
        var printableASCII = 0
        var asciiOnly = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                asciiOnly = false
                break
            }
            if byte >= 0x20, byte != 0x7F { printableASCII += 1 }
        }
        if asciiOnly { return printableASCII }
        for character in text {
            total += of(character)
        }
        return total
    }

    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F { return first.value < 0x20 ? 0 : 1 }

        var sawEmojiSelector = false
        for scalar in scalars where scalar.value == 0xFE0F {
            sawEmojiSelector = true
        }
        for scalar in scalars {
            let width = of(scalar)
            if width == 0 { continue }
            if width == 1 && sawEmojiSelector && scalar.properties.isEmoji { return 2 }
            return width
        }
        return 0
    }

    static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value == 0 { return 0 }
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }
        if value == 0x200B || value == 0x200C || value == 0x200D || value == 0x2060 || value == 0xFEFF { return 0 }

        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return 0
        default:
            break
        }
        if value >= 0x1160 && value <= 0x11FF { return 0 }  // Hangul medial vowels and final consonants
        if isWide(value) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF,
            0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,
            0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Cuts `text` to at most `width` cells at a grapheme boundary, ending with `…` when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }

        var result = ""
        var used = 0
        for character in text {
            let cells = of(character)
            if used + cells > width - 1 { break }
            result.append(character)
            used += cells
        }
        return result + "…"
    }

    /// Pads `text` with spaces to `width` cells, on the right unless `alignRight`.
    public static func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let missing = width - of(text)
        guard missing > 0 else { return text }
        let padding = String(repeating: " ", count: missing)
        return alignRight ? padding + text : text + padding
    }
}
