/// Bounds on what one connection may send, so a client cannot exhaust memory or a thread.
public struct HTTPLimits: Sendable {
    /// Maximum size of the request line and header fields together, in bytes.
    public var maximumHeaderBytes = 64 * 1024
    /// Maximum `content-length` accepted, in bytes.
    public var maximumBodyBytes = 8 * 1024 * 1024
    /// Seconds a connection may stay silent, between requests or inside one, before it is closed.
    public var idleTimeoutSeconds = 30

    public init() {}
}
