import AsyncHTTPClient
import EmberCore
import Logging

/// Builds the key manager `[key_manager] backend` selects.
public enum KeyManagerFactory {
    /// The configured key manager. Barbican's needs the HTTP client its requests go through
    /// (``KeyManagerService`` owns one built from `[barbican]`); without one the Barbican
    /// backend is nil, as it cannot be reached from this process.
    public static func make(
        _ configuration: KeyManagerConfiguration,
        http: HTTPClient? = nil,
        logger: Logger = Logger(label: "ember.keys")
    ) throws(KeyManagerError) -> (any KeyManager)? {
        switch configuration.backend {
        case .fixedKey:
            guard let fixedKey = configuration.fixedKey else {
                throw .misconfigured("[key_manager] fixed_key is not set; the fixed-key manager needs it.")
            }
            return try FixedKeyManager(fixedKey: fixedKey)
        case .barbican:
            guard let http else { return nil }
            return BarbicanKeyManager(configuration: configuration.barbican, http: http, logger: logger)
        }
    }
}
