/// The loopback address the server binds to. No other address can be expressed, so the mock
/// can never listen on a network interface.
public enum LoopbackAddress: Sendable, Equatable {
    case ipv4
    case ipv6

    /// Accepts `127.0.0.1`, `localhost` (bound as 127.0.0.1), `::1` and `[::1]`, and nothing else.
    public init?(host: String) {
        switch host.lowercased() {
        case "127.0.0.1", "localhost":
            self = .ipv4
        case "::1", "[::1]":
            self = .ipv6
        default:
            return nil
        }
    }

    /// The host as it appears in a URL: `127.0.0.1` or `[::1]`.
    public var urlHost: String {
        switch self {
        case .ipv4: return "127.0.0.1"
        case .ipv6: return "[::1]"
        }
    }
}
