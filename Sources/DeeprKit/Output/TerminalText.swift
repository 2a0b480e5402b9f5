/// Removes terminal control sequences from text that came from the log, the API or a
/// report, so that a prompt cannot move the cursor, retitle the window or hide output.
///
/// ESC sequences (CSI, OSC and the two-byte forms) are removed whole; other C0 and C1
/// control characters and DEL are removed. In `.singleLine` mode line breaks and tabs
/// become spaces; in `.multiLine` mode newlines are kept and tabs become spaces.
public enum TerminalText {
    public enum Mode: Sendable {
        case singleLine
        case multiLine
    }

    public static func sanitize(_ text: String, _ mode: Mode = .singleLine) -> String {
        var needsWork = false
        for byte in text.utf8 where byte < 0x20 || byte == 0x7F || byte == 0xC2 {
            needsWork = true
            break
        }
        if !needsWork { return text }

        var output = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func nextScalar() -> Unicode.Scalar? {
            if let value = pending {
                pending = nil
                return value
            }
            return scalars.next()
        }

        while let scalar = nextScalar() {
            let value = scalar.value
            switch value {
            case 0x1B:
                skipEscapeSequence(&scalars, pending: &pending)
            case 0x9B:
                skipCSI(&scalars)
            case 0x9D:
                skipOSC(&scalars)
            case 0x0A:
                if mode == .multiLine {
                    output.append(scalar)
                } else {
                    output.append(" ")
                }
            case 0x0D:
                if mode == .singleLine { output.append(" ") }
            case 0x09:
                output.append(" ")
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                continue
            default:
                output.append(scalar)
            }
        }
        return String(output)
    }

    private static func skipEscapeSequence(_ scalars: inout String.UnicodeScalarView.Iterator,
                                           pending: inout Unicode.Scalar?)
    {
        guard let next = scalars.next() else { return }
        switch next.value {
        case 0x5B:  // '['
            skipCSI(&scalars)
        case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // ']' OSC, 'P' DCS, 'X' SOS, '^' PM, '_' APC
            skipOSC(&scalars)
        case 0x20...0x2F:
            // nF sequence: intermediates then one final byte.
            while let following = scalars.next() {
                if !(0x20...0x2F).contains(following.value) { break }
            }
        default:
            // A two-character sequence such as ESC c; drop the second character if it is a
            // printable final byte, else keep it.
            if next.value < 0x30 || next.value > 0x7E { pending = next }
        }
    }

    private static func skipCSI(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let following = scalars.next() {
            if (0x40...0x7E).contains(following.value) { return }
        }
    }

    /// Skips a string command up to BEL or ST (ESC \ or U+009C).
    private static func skipOSC(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let following = scalars.next() {
            if following.value == 0x07 || following.value == 0x9C { return }
            if following.value == 0x1B {
                _ = scalars.next()
                return
            }
        }
    }
}
