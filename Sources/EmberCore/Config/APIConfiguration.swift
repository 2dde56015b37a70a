/// The options of `cinder-api` that Ember honours, with cinder's names and defaults.
///
/// `[DEFAULT]`:
/// - `osapi_volume_listen` (`0.0.0.0`; `127.0.0.1` when unset and `auth_strategy` is a
///   noauth one, where every caller who reaches the port is whoever it claims to be):
///   address the API binds to.
/// - `osapi_volume_listen_port` (`8776`): port; `0` picks a free port (tests).
/// - `osapi_volume_workers` (number of CPUs): event-loop threads serving the API.
/// - `api_paste_config` (`api-paste.ini`): the paste.deploy file; a relative path is looked
///   up next to each configuration file, then in `/etc/ember` and `/etc/cinder`.
/// - `auth_strategy` (`noauth` in Ember; cinder's default is `keystone`): picks the pipeline.
/// - `osapi_max_request_body_size` (`114688`): deprecated name of
///   `[oslo_middleware] max_request_body_size`, which wins when both are set.
/// - `backlog` (`4096`): listen backlog; below 1 is refused as in cinder.
/// - `tcp_keepidle` (`600`): seconds of idleness before TCP keep-alive probes.
/// - `client_socket_timeout` (`900`): seconds an idle client connection is kept; `0` = forever.
/// - `wsgi_keep_alive` (`true`): false closes every connection after its answer.
/// - `osapi_volume_max_connections` (`0`, Ember): client connections open at once; one
///   accepted beyond it is closed at once (0: no limit but the process's file descriptors).
/// - `max_header_line` (`16384`): the longest header line (name, colon and value) accepted;
///   longer, or more than 100 header fields, or more than 64 KiB of headers in all, is
///   answered 400 as cinder's server does.
/// - `graceful_shutdown_timeout` (`60`): seconds in-flight requests get after SIGTERM.
/// - `graceful_shutdown_drain_time` (`0`, Ember): seconds the API keeps serving after SIGTERM
///   with `/healthcheck` answering 503 (and `Connection: close` on every answer), so a load
///   balancer's health checks take the process out of rotation before it stops accepting.
/// - `public_endpoint` (unset): base URL used in links instead of the request's host.
/// - `project_id_regex` (`[0-9a-f\-]+`): what a project id in a URL may look like.
///
/// `[oslo_middleware] enable_proxy_headers_parsing` (`false`): let `X-Forwarded-Proto`,
/// `X-Forwarded-Host` and `Forwarded` change the URLs Ember generates.
public struct APIConfiguration: Sendable, Equatable {
    public var listen: String = "0.0.0.0"
    /// True when `listen` is loopback only because the API runs without authentication and
    /// no address was configured (the start-up log says how to expose it).
    public var listenLimitedToLoopback = false
    public var port: Int = 8776
    public var workers: Int = 0
    public var pasteConfig: String = "api-paste.ini"
    public var authStrategy: String = "noauth"
    public var maxRequestBodySize: Int = 114_688
    public var backlog: Int = 4096
    public var tcpKeepIdle: Int = 600
    public var clientSocketTimeout: Int = 900
    public var keepAlive: Bool = true
    public var maxConnections: Int = 0
    public var maxHeaderLine: Int = 16384
    public var gracefulShutdownTimeout: Int = 60
    public var gracefulShutdownDrainTime: Int = 0
    public var publicEndpoint: String?
    public var projectIDPattern: String = "[0-9a-f\\-]+"
    public var enableProxyHeadersParsing: Bool = false
    public var apiRateLimit: Bool = true

    public init() {}

    public init(files: ConfigFiles) throws(ConfigurationError) {
        let configuredListen = files.optionalString("DEFAULT", "osapi_volume_listen")
        port = try files.int("DEFAULT", "osapi_volume_listen_port", default: port, minimum: 0, maximum: 65535)
        workers = try files.int("DEFAULT", "osapi_volume_workers", default: workers, minimum: 0)
        pasteConfig = files.string("DEFAULT", "api_paste_config", default: pasteConfig)
        authStrategy = try files.choice(
            "DEFAULT",
            "auth_strategy",
            default: authStrategy,
            choices: ["noauth", "noauth_include_project_id", "keystone"]
        )
        if let configuredListen {
            listen = configuredListen
        } else if authStrategy.hasPrefix("noauth") {
            listen = "127.0.0.1"
            listenLimitedToLoopback = true
        }
        let legacyLimit = try files.int(
            "DEFAULT",
            "osapi_max_request_body_size",
            default: maxRequestBodySize,
            minimum: 1
        )
        maxRequestBodySize = try files.int("oslo_middleware", "max_request_body_size", default: legacyLimit, minimum: 1)
        backlog = try files.int("DEFAULT", "backlog", default: backlog)
        tcpKeepIdle = try files.int("DEFAULT", "tcp_keepidle", default: tcpKeepIdle, minimum: 0)
        clientSocketTimeout = try files.int(
            "DEFAULT",
            "client_socket_timeout",
            default: clientSocketTimeout,
            minimum: 0
        )
        keepAlive = try files.bool("DEFAULT", "wsgi_keep_alive", default: keepAlive)
        maxConnections = try files.int(
            "DEFAULT",
            "osapi_volume_max_connections",
            default: maxConnections,
            minimum: 0
        )
        maxHeaderLine = try files.int("DEFAULT", "max_header_line", default: maxHeaderLine, minimum: 1)
        gracefulShutdownTimeout = try files.int(
            "DEFAULT",
            "graceful_shutdown_timeout",
            default: gracefulShutdownTimeout,
            minimum: 0
        )
        gracefulShutdownDrainTime = try files.int(
            "DEFAULT",
            "graceful_shutdown_drain_time",
            default: gracefulShutdownDrainTime,
            minimum: 0
        )
        publicEndpoint = files.optionalString("DEFAULT", "public_endpoint")
        projectIDPattern = try files.regularExpression("DEFAULT", "project_id_regex", default: projectIDPattern)
        enableProxyHeadersParsing = try files.bool(
            "oslo_middleware",
            "enable_proxy_headers_parsing",
            default: enableProxyHeadersParsing
        )
        apiRateLimit = try files.bool("DEFAULT", "api_rate_limit", default: apiRateLimit)
    }
}

/// `[ssl]`: HTTPS for the API. Setting `cert_file` and `key_file` turns it on.
///
/// - `cert_file`, `key_file`: PEM certificate chain and private key.
/// - `ca_file`: PEM bundle; when set, clients must present a certificate it signed.
/// - `version`: minimum protocol, `TLSv1_2` (default) or `TLSv1_3`.
/// - `ciphers`: OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites are fixed).
public struct SSLConfiguration: Sendable, Equatable {
    public var certFile: String
    public var keyFile: String
    public var caFile: String?
    public var minimumVersion: String = "TLSv1_2"
    public var ciphers: String?

    public init(
        certFile: String,
        keyFile: String,
        caFile: String? = nil,
        minimumVersion: String = "TLSv1_2",
        ciphers: String? = nil
    ) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.caFile = caFile
        self.minimumVersion = minimumVersion
        self.ciphers = ciphers
    }

    /// nil when `[ssl]` does not name both a certificate and a key.
    public init?(files: ConfigFiles) throws(ConfigurationError) {
        let cert = files.optionalString("ssl", "cert_file")
        let key = files.optionalString("ssl", "key_file")
        switch (cert, key) {
        case (nil, nil):
            return nil
        case (let cert?, let key?):
            self.certFile = cert
            self.keyFile = key
        default:
            throw .invalid(message: "[ssl] cert_file and key_file must be set together to enable HTTPS")
        }
        caFile = files.optionalString("ssl", "ca_file")
        ciphers = files.optionalString("ssl", "ciphers")
        let version = files.optionalString("ssl", "version") ?? "TLSv1_2"
        let accepted = ["TLSv1_2", "TLSv1.2", "TLSv1_3", "TLSv1.3"]
        guard accepted.contains(version) else {
            throw .malformedValue(
                path: files.lookup("ssl", "version")?.path ?? "",
                section: "ssl",
                option: "version",
                value: version,
                expected: "TLSv1_2 or TLSv1_3 (older protocols are not served)"
            )
        }
        minimumVersion = version.replacingOccurrences(of: ".", with: "_")
    }
}

/// `[DEFAULT]` logging options: `debug` (`false`), `log_file`, `log_dir`.
/// With neither file option, logs go to standard error.
public struct LoggingConfiguration: Sendable, Equatable {
    public var debug: Bool = false
    public var logFile: String?
    public var logDir: String?

    public init(debug: Bool = false, logFile: String? = nil, logDir: String? = nil) {
        self.debug = debug
        self.logFile = logFile
        self.logDir = logDir
    }

    public init(files: ConfigFiles) throws(ConfigurationError) {
        debug = try files.bool("DEFAULT", "debug", default: false)
        logFile = files.optionalString("DEFAULT", "log_file")
        logDir = files.optionalString("DEFAULT", "log_dir")
    }

    /// Where log lines go: `log_dir/log_file`, `log_file`, `log_dir/<binary>.log`, or nil for
    /// standard error, as oslo.log chooses.
    public func destination(binary: String) -> String? {
        switch (logFile, logDir) {
        case (let file?, _) where file.hasPrefix("/"): file
        case (let file?, let dir?): dir + "/" + file
        case (let file?, nil): file
        case (nil, let dir?): dir + "/" + binary + ".log"
        case (nil, nil): nil
        }
    }
}
