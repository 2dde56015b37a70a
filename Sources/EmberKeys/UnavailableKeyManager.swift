import EmberCore

/// The key manager of a process where `[key_manager]` selects none it can build (Barbican in a
/// build without its client, the fixed-key manager without `fixed_key`): every call fails with
/// ``KeyManagerError/misconfigured(_:)`` and the reason, so unencrypted volumes work as before
/// and an encrypted one is refused with a clear fault instead of failing later.
public struct UnavailableKeyManager: KeyManager {
    /// Why no key manager could be built.
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public func createKey(
        _ context: KeyManagerContext,
        algorithm: String,
        bitLength: Int
    ) async throws(KeyManagerError) -> String {
        throw .misconfigured(reason)
    }

    public func store(_ context: KeyManagerContext, key: SymmetricKey) async throws(KeyManagerError) -> String {
        throw .misconfigured(reason)
    }

    public func key(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) -> SymmetricKey {
        throw .misconfigured(reason)
    }

    public func deleteKey(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) {
        throw .misconfigured(reason)
    }
}

extension KeyManagerFactory {
    /// The configured key manager, or an ``UnavailableKeyManager`` that says why there is
    /// none (a process without a usable key manager still serves unencrypted volumes, as
    /// cinder, whose key manager fails only when a key is asked for).
    public static func makeOrUnavailable(_ configuration: KeyManagerConfiguration) -> any KeyManager {
        do {
            if let manager = try make(configuration) { return manager }
            return UnavailableKeyManager(
                reason:
                    "[key_manager] backend = \(configuration.backend.rawValue) is not available in this build of Ember."
            )
        } catch {
            return UnavailableKeyManager(reason: error.description)
        }
    }
}
