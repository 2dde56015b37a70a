import EmberCore

/// cinder's `ConfKeyManager`: one key, `[key_manager] fixed_key` (hex), under the all-zero id.
///
/// For test set-ups only, as cinder warns: every volume shares the same key. Creating a key
/// returns the fixed id; storing succeeds only for the fixed key itself; deleting the fixed id
/// keeps the key (there is only one) and any other id is an error.
public struct FixedKeyManager: KeyManager {
    /// The id of the one key, as cinder's.
    public static let keyID = "00000000-0000-0000-0000-000000000000"

    let secret: SymmetricKey

    /// `fixedKey` is the hex text of the key (an even number of hex digits).
    public init(fixedKey: String) throws(KeyManagerError) {
        guard let bytes = Self.bytes(hex: fixedKey), !bytes.isEmpty else {
            throw .misconfigured("[key_manager] fixed_key must be a key in hexadecimal, such as 64 hex digits.")
        }
        secret = SymmetricKey(algorithm: "AES", bitLength: bytes.count * 8, bytes: bytes)
    }

    public func createKey(
        _ context: KeyManagerContext,
        algorithm: String,
        bitLength: Int
    ) async throws(KeyManagerError) -> String {
        Self.keyID
    }

    public func store(_ context: KeyManagerContext, key: SymmetricKey) async throws(KeyManagerError) -> String {
        guard key == secret else { throw .unsupported("The fixed key manager cannot store arbitrary keys.") }
        return Self.keyID
    }

    public func key(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) -> SymmetricKey {
        guard id == Self.keyID else { throw .notFound(id: id) }
        return secret
    }

    public func deleteKey(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) {
        guard id == Self.keyID else { throw .notFound(id: id) }
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
