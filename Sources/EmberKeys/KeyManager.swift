import EmberCore

/// A symmetric key as castellan's `SymmetricKey`: its algorithm (`AES`), its length in bits and
/// its bytes.
public struct SymmetricKey: Sendable, Equatable {
    public var algorithm: String
    public var bitLength: Int
    public var bytes: [UInt8]

    public init(algorithm: String, bitLength: Int, bytes: [UInt8]) {
        self.algorithm = algorithm
        self.bitLength = bitLength
        self.bytes = bytes
    }
}

/// Whom a key manager acts for: castellan is always called with the caller's context, so a
/// Barbican secret belongs to the caller's project and is read with the caller's token.
public struct KeyManagerContext: Sendable, Equatable {
    /// The API request id (`req-…`), for the logs.
    public var requestID: String
    public var userID: String?
    public var projectID: String?
    /// The caller's Keystone token; nil in noauth mode.
    public var authToken: String?

    public init(requestID: String, userID: String? = nil, projectID: String? = nil, authToken: String? = nil) {
        self.requestID = requestID
        self.userID = userID
        self.projectID = projectID
        self.authToken = authToken
    }
}

/// Why a key manager could not do what it was asked (castellan's `KeyManagerError` and
/// `ManagedObjectNotFoundError`, cinder's `NotAuthorized`).
public enum KeyManagerError: Error, Equatable, CustomStringConvertible {
    /// The key manager refused the caller (no context, or a 401/403 from Barbican).
    case notAuthorized(String)
    /// No key has this id.
    case notFound(id: String)
    /// The key manager cannot do this (the fixed key cannot store a different key).
    case unsupported(String)
    /// The key manager could not be reached or failed (a 5xx, a refused connection).
    case unavailable(String)
    /// The configuration does not allow it (no `fixed_key`, no Barbican endpoint).
    case misconfigured(String)

    public var description: String {
        switch self {
        case .notAuthorized(let reason): "Not authorized by the key manager: \(reason)"
        case .notFound(let id): "Key \(id) could not be found."
        case .unsupported(let reason), .unavailable(let reason), .misconfigured(let reason): reason
        }
    }
}

/// What cinder asks of castellan's key manager for volume encryption: create a key for a new
/// encrypted volume, store a copy of a key for a clone or a snapshot, read a key, delete a key.
public protocol KeyManager: Sendable {
    /// A new symmetric key (`AES`, `bitLength` bits) kept by the key manager; returns its id.
    func createKey(
        _ context: KeyManagerContext,
        algorithm: String,
        bitLength: Int
    ) async throws(KeyManagerError) -> String

    /// Keeps `key` under a new id and returns the id.
    func store(_ context: KeyManagerContext, key: SymmetricKey) async throws(KeyManagerError) -> String

    /// The key with this id.
    func key(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) -> SymmetricKey

    /// Deletes the key with this id.
    func deleteKey(_ context: KeyManagerContext, id: String) async throws(KeyManagerError)
}

extension KeyManager {
    /// cinder's `volume_utils.clone_encryption_key`: a new id holding the same secret, so a
    /// clone or a snapshot can be deleted without taking its source's key with it.
    public func cloneKey(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) -> String {
        let secret = try await key(context, id: id)
        return try await store(context, key: secret)
    }
}
