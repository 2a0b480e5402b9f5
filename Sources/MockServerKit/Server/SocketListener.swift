import Foundation

/// A failure to open the listening socket.
public struct ListenerError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// A TCP socket listening on a loopback address.
public final class SocketListener: Sendable {
    public let fileDescriptor: Int32
    public let address: LoopbackAddress
    /// The bound port; the kernel chose it when the requested port was 0.
    public let port: Int

    /// Binds `address:port` with `SO_REUSEADDR` and starts listening.
    public init(address: LoopbackAddress, port: Int, backlog: Int32 = 1024) throws(ListenerError) {
        let family = address == .ipv4 ? AF_INET : AF_INET6
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw ListenerError(description: "cannot create a socket: \(SocketIO.lastErrorText())")
        }

        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))

        let bound: Int32
        switch address {
        case .ipv4:
            bound = Self.bindIPv4(descriptor, port: port)
        case .ipv6:
            bound = Self.bindIPv6(descriptor, port: port)
        }
        guard bound == 0, listen(descriptor, backlog) == 0 else {
            let reason = SocketIO.lastErrorText()
            Glibc.close(descriptor)
            throw ListenerError(description: "cannot listen on \(address.urlHost):\(port): \(reason)")
        }

        guard let actualPort = Self.boundPort(descriptor, address: address) else {
            let reason = SocketIO.lastErrorText()
            Glibc.close(descriptor)
            throw ListenerError(description: "cannot read the bound port: \(reason)")
        }

        self.fileDescriptor = descriptor
        self.address = address
        self.port = actualPort
    }

    /// Waits for the next connection. Returns `nil` once the listener was shut down.
    /// Transient failures such as `EMFILE` are retried after a short pause.
    public func acceptConnection() -> Int32? {
        while true {
            let client = accept(fileDescriptor, nil, nil)
            if client >= 0 {
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return client
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                StandardStreams.error("deepr-mock-api: accept failed: \(SocketIO.lastErrorText()); retrying")
                usleep(50_000)
            default:
                return nil
            }
        }
    }

    /// Stops listening and wakes a thread blocked in `acceptConnection()`, which then returns
    /// `nil`. `close` alone does not wake it on Linux. Call `close()` once no thread can be
    /// accepting any more.
    public func shutDown() {
        shutdown(fileDescriptor, Int32(SHUT_RDWR))
    }

    /// Releases the socket.
    public func close() {
        Glibc.close(fileDescriptor)
    }

    // MARK: - Binding

    private static func bindIPv4(_ descriptor: Int32, port: Int) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: in_addr_t(0x7F00_0001).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    private static func bindIPv6(_ descriptor: Int32, port: Int) -> Int32 {
        var only: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &only, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(port).bigEndian)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    }

    private static func boundPort(_ descriptor: Int32, address: LoopbackAddress) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(descriptor, $0, &length)
            }
        }
        guard result == 0 else {
            return nil
        }

        return withUnsafePointer(to: &storage) { pointer in
            switch address {
            case .ipv4:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin_port))
                }
            case .ipv6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        }
    }
}
