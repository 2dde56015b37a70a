/// The Prometheus metrics, `[metrics]` (Ember's own section; cinder has none):
/// - `enabled` (`false`): count and time requests and serve `GET /metrics`.
/// - `port` (`0`): `0` serves `/metrics` on the API's own port, ahead of the paste pipeline and
///   without authentication; another port gets a listener of its own (any role can serve it
///   then, `ember volume` and `ember scheduler` included).
/// - `host` (`127.0.0.1`): the address that listener binds.
public struct MetricsConfiguration: Sendable, Equatable {
    public var enabled: Bool = false
    public var host: String = "127.0.0.1"
    public var port: Int = 0

    public init(enabled: Bool = false, host: String = "127.0.0.1", port: Int = 0) {
        self.enabled = enabled
        self.host = host
        self.port = port
    }

    public init(files: ConfigFiles) throws(ConfigurationError) {
        enabled = try files.bool("metrics", "enabled", default: false)
        host = files.string("metrics", "host", default: host)
        port = try files.int("metrics", "port", default: 0, minimum: 0, maximum: 65535)
    }

    /// Whether `/metrics` is answered on the API port.
    public var onAPIPort: Bool { enabled && port == 0 }
    /// Whether `/metrics` gets its own listener.
    public var ownListener: Bool { enabled && port > 0 }
}
