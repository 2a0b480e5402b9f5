/// Checks, makes and hashes response ids.
enum ResponseID {
    /// Returns whether `id` is non-empty and uses only `[A-Za-z0-9_-]`, the characters real ids use.
    static func isValid(_ id: String) -> Bool {
        !id.isEmpty
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    return true
                default:
                    return false
                }
            }
    }

    /// Returns a new id: `resp_` and 48 random lower-case hex digits.
    static func random() -> String {
        "resp_" + randomHex(digits: 48)
    }

    /// Returns `digits` random lower-case hex digits.
    static func randomHex(digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        while text.count < digits {
            text += hex(generator.next(), width: 16)
        }
        return String(text.prefix(digits))
    }

    /// Returns a 64-bit FNV-1a hash of `text`. Unlike `hashValue` it is the same in every run,
    /// so token counts and item ids of one job never change between server starts.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Returns `value` as lower-case hex, left-padded with zeros to `width` digits.
    static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
