/// Output bytes gathered in one block, so that writing a job costs a few copies into the
/// block instead of growing an array. With a `drain`, a full block is handed to it and
/// reused. Without one, the block grows and its owner reads `bytes`. A block is used by
/// one thread at a time, and `@unchecked Sendable` lets a batch writer hand it to a worker.
final class ByteBlock: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    private let drain: ((UnsafeRawBufferPointer) -> Void)?
    /// A sum of values read ahead of formatting (see `JSONListing.BatchTask`), stored only
    /// so that the compiler keeps those reads.
    var readAheadChecksum: UInt = 0
    /// The last day written by `appendISO8601` and its `YYYY-MM-DDT` text.
    private var cachedDay = Int64.min
    private var cachedDate: (UInt64, UInt32, UInt8) = (0, 0, 0)

    init(capacity: Int, drain: ((UnsafeRawBufferPointer) -> Void)?) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
        self.drain = drain
    }

    deinit {
        storage.deallocate()
    }

    /// The bytes gathered since the last `flush` or `removeAll`.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage, count: count)
    }

    func removeAll() {
        count = 0
    }

    /// Hands the gathered bytes to `drain`, if there is one.
    func flush() {
        guard let drain, count > 0 else { return }
        drain(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }

    /// Makes room for `needed` more bytes, by draining or by growing.
    private func makeRoom(_ needed: Int) {
        if drain != nil {
            flush()
            return
        }
        var grown = capacity * 2
        while grown - count < needed { grown *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity = grown
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { makeRoom(1) }
        storage[count] = byte
        count += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count > capacity - count {
            makeRoom(bytes.count)
            if bytes.count > capacity - count, let drain {
                // Larger than the whole block: hand it on directly.
                drain(bytes)
                return
            }
        }
        (storage + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func append(string text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `text` as a JSON string literal, escaped exactly as
    /// `JSONWriter.writeString(_:into:asciiOnly: false)` does.
    func appendJSONString(_ text: String) {
        append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte)
                runStart = index + 1
            }
            append(UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
        }
        append(0x22)
    }

    private func appendEscape(_ byte: UInt8) {
        append(0x5C)
        switch byte {
        case 0x22: append(0x22)
        case 0x5C: append(0x5C)
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            append(UInt8(ascii: "u"))
            append(UInt8(ascii: "0"))
            append(UInt8(ascii: "0"))
            append(hexDigits.utf8Start[Int(byte >> 4)])
            append(hexDigits.utf8Start[Int(byte & 0xF)])
        }
    }

    /// Appends a non-negative or negative integer in decimal.
    func appendDecimal(_ value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var position = scratch.count
            var remaining = value.magnitude
            repeat {
                position -= 1
                scratch[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            if value < 0 {
                position -= 1
                scratch[position] = UInt8(ascii: "-")
            }
            append(UnsafeRawBufferPointer(rebasing: scratch[position...]))
        }
    }

    /// Appends `Timestamp.iso8601` (`2025-07-05T18:22:49.565537Z`) without building a
    /// String, for years 0 to 9999; other years go through `iso8601` itself.
    func appendISO8601(_ timestamp: Timestamp) {
        let (days, microsOfDay) = Timestamp.floorDivide(timestamp.microseconds, 86_400_000_000)
        if days != cachedDay {
            let (year, month, day) = Timestamp.civilDate(fromDays: days)
            guard (0...9999).contains(year) else {
                append(string: timestamp.iso8601)
                return
            }
            var text: (UInt64, UInt32, UInt8) = (0, 0, 0)
            withUnsafeMutableBytes(of: &text) { scratch in
                ByteBlock.writeDigits(year, width: 4, into: scratch, at: 0)
                scratch[4] = UInt8(ascii: "-")
                ByteBlock.writeDigits(month, width: 2, into: scratch, at: 5)
                scratch[7] = UInt8(ascii: "-")
                ByteBlock.writeDigits(day, width: 2, into: scratch, at: 8)
                scratch[10] = UInt8(ascii: "T")
            }
            cachedDay = days
            cachedDate = text
        }
        var time: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &time) { scratch in
            let seconds = microsOfDay / 1_000_000
            ByteBlock.writeDigits(seconds / 3600, width: 2, into: scratch, at: 0)
            scratch[2] = UInt8(ascii: ":")
            ByteBlock.writeDigits(seconds % 3600 / 60, width: 2, into: scratch, at: 3)
            scratch[5] = UInt8(ascii: ":")
            ByteBlock.writeDigits(seconds % 60, width: 2, into: scratch, at: 6)
            scratch[8] = UInt8(ascii: ".")
            ByteBlock.writeDigits(microsOfDay % 1_000_000, width: 6, into: scratch, at: 9)
            scratch[15] = UInt8(ascii: "Z")
        }
        withUnsafeBytes(of: &cachedDate) { append(UnsafeRawBufferPointer(rebasing: $0[0..<11])) }
        withUnsafeBytes(of: &time) { append($0) }
    }

    private static func writeDigits(_ value: Int64, width: Int, into scratch: UnsafeMutableRawBufferPointer, at offset: Int) {
        var remaining = value
        for position in stride(from: offset + width - 1, through: offset, by: -1) {
            scratch[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
    }
}
