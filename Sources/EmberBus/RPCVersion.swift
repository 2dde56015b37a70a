/// An RPC API version such as `3.15`, as cinder's `rpcapi.py` classes declare them.
///
/// Versions follow oslo.messaging's rule: a server implementing `X.Y` accepts a message of
/// version `X.Z` when `Z <= Y`; a different major version is never compatible.
public struct RPCVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The major version: a change here breaks compatibility.
    public var major: Int
    /// The minor version: additions that older servers may not understand.
    public var minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `"3.15"` (or `"3"`, read as `3.0`); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let major = Int(parts[0]), major >= 0 else { return nil }
        var minor = 0
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 0 else { return nil }
            minor = value
        }
        self.init(major, minor)
    }

    public var description: String { "\(major).\(minor)" }

    /// Whether a server implementing `self` can handle a message sent at `requested`.
    public func canHandle(_ requested: RPCVersion) -> Bool {
        requested.major == major && requested.minor <= minor
    }

    public static func < (lhs: RPCVersion, rhs: RPCVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let version = RPCVersion(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "not an RPC version: \(text)"
            )
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension RPCVersion {
    /// cinder 29.0.0 `SchedulerAPI.RPC_API_VERSION`.
    public static let scheduler = RPCVersion(3, 12)
    /// cinder 29.0.0 `VolumeAPI.RPC_API_VERSION`.
    public static let volume = RPCVersion(3, 20)
}
