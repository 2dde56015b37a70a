import Crypto

/// The secrets of a volume transfer, as cinder's `transfer/api.py` makes them: the salt and
/// the auth key are random lowercase hex strings (a digest of random bytes, so a user can
/// type them; cinder takes SHA-224, which swift-crypto lacks, Ember SHA-256: the digits are
/// as random either way), and the row keeps only `HMAC-SHA1(key: salt, message: auth_key)`
/// in hex.
public enum TransferKey {
    /// `_get_random_string(length)`: `length` random lowercase hex digits.
    public static func randomString(length: Int) -> String {
        var text = ""
        while text.count < length {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<255).map { _ in UInt8.random(in: 0...255, using: &generator) }
            text += hex(SHA256.hash(data: bytes))
        }
        return String(text.prefix(max(0, length)))
    }

    /// `_get_crypt_hash(salt, auth_key)`: the HMAC-SHA1 of `authKey` keyed by `salt`, in hex.
    public static func cryptHash(salt: String, authKey: String) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(authKey.utf8),
            using: SymmetricKey(data: Array(salt.utf8))
        )
        return hex(code)
    }

    /// Whether `authKey` is the key `cryptHash` was made from, compared in constant time.
    public static func matches(authKey: String, salt: String, cryptHash: String) -> Bool {
        let computed = Array(Self.cryptHash(salt: salt, authKey: authKey).utf8)
        let stored = Array(cryptHash.utf8)
        guard computed.count == stored.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(computed, stored) { difference |= left ^ right }
        return difference == 0
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
