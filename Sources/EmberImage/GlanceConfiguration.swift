import EmberCore

/// Where the image service is and how Ember talks to it.
///
/// `[glance]` (Ember's names, as nova spells them):
/// - `api_servers` (empty): comma-separated Glance endpoints (`[http[s]://]host:port[/path]`;
///   `http://` when no scheme is given). Empty means no image service: image operations then
///   fail as cinder's do when Glance cannot be reached.
/// - `num_retries` (`3`): how often a request that could not reach a server is retried, each
///   time on the next server.
/// - `request_timeout` (`600`): seconds a Glance connection may stay silent before the request
///   fails (glanceclient's default).
///
/// cinder's own names in `[DEFAULT]` are read too, so a `cinder.conf` works unchanged:
/// `glance_api_servers`, `glance_num_retries`, `glance_request_timeout` (the `[glance]` ones
/// win when both are set).
public struct GlanceConfiguration: Sendable, Equatable {
    /// The endpoints, normalised to `scheme://host:port[/path]` without a trailing slash.
    public var apiServers: [String] = []
    public var numRetries: Int = 3
    public var requestTimeout: Int = 600

    public init(apiServers: [String] = [], numRetries: Int = 3, requestTimeout: Int = 600) {
        self.apiServers = apiServers.map(Self.normalize)
        self.numRetries = numRetries
        self.requestTimeout = requestTimeout
    }

    public init(files: ConfigFiles) throws(ConfigurationError) {
        let legacyServers = files.list("DEFAULT", "glance_api_servers", default: [])
        apiServers = files.list("glance", "api_servers", default: legacyServers).map(Self.normalize)
        let legacyRetries = try files.int("DEFAULT", "glance_num_retries", default: numRetries, minimum: 0)
        numRetries = try files.int("glance", "num_retries", default: legacyRetries, minimum: 0)
        let legacyTimeout = try files.int("DEFAULT", "glance_request_timeout", default: requestTimeout, minimum: 1)
        requestTimeout = try files.int("glance", "request_timeout", default: legacyTimeout, minimum: 1)
    }

    /// Whether an image service is configured.
    public var isConfigured: Bool { !apiServers.isEmpty }

    /// cinder's `get_api_servers`: `http://` unless a scheme is given; no trailing slash.
    static func normalize(_ server: String) -> String {
        var text = server.contains("//") ? server : "http://" + server
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
