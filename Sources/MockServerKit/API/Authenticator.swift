import Foundation

/// Checks the `Authorization: Bearer` header of API requests.
struct Authenticator: Sendable {
    /// The only key accepted, or `nil` to accept any non-empty bearer token.
    let expectedKey: String?

    /// Returns a 401 response when the request has no acceptable key, else `nil`.
    func rejection(for request: HTTPRequest) -> HTTPResponse? {
        guard let token = Self.bearerToken(request.header("authorization")) else {
            return APIError.response(
                status: 401,
                message: "No API key was provided. Send it in the Authorization header as 'Bearer YOUR_KEY'.")
        }
        if let expectedKey, token != expectedKey {
            return APIError.response(
                status: 401,
                message: "Incorrect API key provided: \(Self.mask(token)). You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.",
                code: "invalid_api_key")
        }
        return nil
    }

    /// Returns the token of a `Bearer` credential (scheme in any case), or `nil`.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else {
            return nil
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return nil
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Masks a key as its first 3 and last 4 characters around `...`, for example
    /// `sk-...xyz4`. Keys shorter than 12 characters become `***`, so that most of a short key
    /// is never shown.
    static func mask(_ key: String) -> String {
        guard key.count >= 12 else {
            return "***"
        }
        return "\(key.prefix(3))...\(key.suffix(4))"
    }

    /// Returns an `Authorization` value that is safe to record: the scheme and a masked token.
    static func redact(_ header: String) -> String {
        guard let token = bearerToken(header) else {
            return "<redacted>"
        }
        return "Bearer \(mask(token))"
    }
}
