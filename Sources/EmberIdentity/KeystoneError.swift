/// Why a token could not be accepted: keystonemiddleware's `InvalidToken` (401) and
/// `ServiceError` (503).
public enum KeystoneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Keystone does not know the token, or it has expired.
    case invalidToken
    /// Keystone could not be reached or did not answer usefully.
    case unavailable(String)
    /// Keystone answered with something that is not a token.
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .invalidToken: "Token authorization failed"
        case .unavailable(let reason): "Keystone unavailable: \(reason)"
        case .malformedResponse(let reason): "Unexpected answer from Keystone: \(reason)"
        }
    }
}
