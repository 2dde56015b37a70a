import EmberCore
import Foundation

/// Which key manager Ember uses, `[key_manager]` as castellan and cinder read it.
///
/// - `backend` (`barbican`): `barbican` (castellan's alias, or its class path
///   `castellan.key_manager.barbican_key_manager.BarbicanKeyManager`), or cinder's fixed-key
///   manager `cinder.keymgr.conf_key_mgr.ConfKeyManager` (also `fixed_key`) for test set-ups.
/// - `fixed_key` (unset): the fixed key in hex, read by the fixed-key manager.
///
/// Barbican's own options are castellan's `[barbican]` (``BarbicanConfiguration``).
public struct KeyManagerConfiguration: Sendable, Equatable {
    public enum Backend: String, Sendable, Equatable {
        case barbican
        case fixedKey = "fixed_key"
    }

    public var backend: Backend
    public var fixedKey: String?
    public var barbican: BarbicanConfiguration

    public init(
        backend: Backend = .barbican,
        fixedKey: String? = nil,
        barbican: BarbicanConfiguration = BarbicanConfiguration()
    ) {
        self.backend = backend
        self.fixedKey = fixedKey
        self.barbican = barbican
    }

    public init(files: ConfigFiles) throws(ConfigurationError) {
        let name = files.string("key_manager", "backend", default: "barbican")
        guard let backend = Self.backend(named: name) else {
            throw .invalid(
                message:
                    "[key_manager] backend = \(name) is not a key manager Ember has: use barbican or "
                    + "cinder.keymgr.conf_key_mgr.ConfKeyManager."
            )
        }
        self.backend = backend
        fixedKey = files.optionalString("key_manager", "fixed_key")
        barbican = try BarbicanConfiguration(files: files)
    }

    /// The backend a `[key_manager] backend` value names: castellan's alias or class path, or
    /// cinder's fixed-key manager's class path.
    static func backend(named name: String) -> Backend? {
        switch name.trimmingCharacters(in: .whitespaces) {
        case "barbican", "castellan.key_manager.barbican_key_manager.BarbicanKeyManager": .barbican
        case "fixed_key", "cinder.keymgr.conf_key_mgr.ConfKeyManager", "ConfKeyManager": .fixedKey
        default: nil
        }
    }
}
