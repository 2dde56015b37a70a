import Crypto

/// MD5 (RFC 1321), for cinder-compatible ETags (cinder hashes the metadata JSON with
/// `hashlib.md5(..., usedforsecurity=False)`) and checksums other services send. Not for
/// anything security-related: swift-crypto's `Insecure.MD5` does the hashing.
public enum MD5 {
    /// The digest of `bytes` as 32 lowercase hex digits.
    public static func hexDigest(_ bytes: some Collection<UInt8>) -> String {
        let digest = Insecure.MD5.hash(data: Array(bytes))
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(32)
        for byte in digest {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
