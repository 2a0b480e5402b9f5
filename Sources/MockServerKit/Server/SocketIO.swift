import Foundation

/// Blocking socket helpers shared by the listener and the connection handlers.
enum SocketIO {
    /// Sends all of `bytes`, retrying short writes. Returns `false` when the peer is gone or the
    /// send timeout passed. `MSG_NOSIGNAL` keeps a closed peer from raising `SIGPIPE`.
    @discardableResult
    static func sendAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(socket, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// Sets the receive and send timeouts of `socket`, in whole seconds.
    static func setTimeouts(_ socket: Int32, seconds: Int) {
        var interval = timeval(tv_sec: seconds, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &interval, size)
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &interval, size)
    }

    /// Turns off Nagle's algorithm, so a small response is not held back waiting for an ACK.
    static func disableNagle(_ socket: Int32) {
        var enabled: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Returns the text of the current `errno`.
    static func lastErrorText() -> String {
        String(cString: strerror(errno))
    }
}
