#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A buffered writer to a file descriptor, or to memory for tests.
///
/// Data goes out when the buffer fills, on `flush()`, and before the process exits. A
/// closed pipe (EPIPE) marks the sink broken and drops later output silently, as `head`
/// users expect.
public final class OutputSink: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = Mutex(())
    private var buffer: [UInt8] = []
    private var captured: [UInt8] = []
    public private(set) var isBroken = false
    /// Whether text styles (colour, bold) are written.
    public var stylesEnabled: Bool

    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool { descriptor >= 0 && isatty(descriptor) != 0 }

    public init(descriptor: Int32, stylesEnabled: Bool = false) {
        self.descriptor = descriptor
        self.stylesEnabled = stylesEnabled
        buffer.reserveCapacity(1 << 16)
    }

    /// A sink that keeps everything in memory; read it with `capturedText`.
    public static func capture() -> OutputSink {
        OutputSink(descriptor: -1)
    }

    public var capturedText: String {
        lock.withLock { _ in
            String(decoding: captured + buffer, as: UTF8.self)
        }
    }

    public func write(_ text: String) {
        lock.withLock { _ in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 { flushLocked() }
        }
    }

    public func write(bytes: UnsafeRawBufferPointer) {
        lock.withLock { _ in
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { flushLocked() }
        }
    }

    public func write(bytes: [UInt8]) {
        lock.withLock { _ in
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { flushLocked() }
        }
    }

    public func line(_ text: String = "") {
        write(text + "\n")
        if flushesEachLine { flush() }
    }

    /// Flush after every line; set for stderr, so messages interleave with stdout in order.
    public var flushesEachLine = false

    public func flush() {
        lock.withLock { _ in flushLocked() }
    }

    private func flushLocked() {
        defer { buffer.removeAll(keepingCapacity: true) }
        if descriptor < 0 {
            captured.append(contentsOf: buffer)
            return
        }
        if isBroken { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                isBroken = true
                return
            }
            offset += written
        }
    }
}
