/// One option Ember reads: where it lives, its default as a file would spell it, and what it
/// does. ``OptionCatalog`` lists every one; `etc/ember/ember.conf` is generated from it
/// (`ember config sample`), and a test reads a complete configuration through every reader
/// and checks that each option read is declared here with the default the reader uses.
public struct ConfigOption: Sendable, Equatable {
    /// The section; ``OptionCatalog/backendSection`` stands for each section
    /// `enabled_backends` names.
    public var section: String
    public var name: String
    /// The default as written in a file; nil when the option is unset by default.
    public var defaultValue: String?
    /// True when the default depends on something else (`host`: the machine's name), so the
    /// sample shows ``defaultValue`` as a description rather than a value.
    public var derivedDefault: Bool
    /// An example value the sample shows for an option without a default.
    public var example: String?
    public var help: String
    /// Never printed in clear (`ember config list` masks it).
    public var secret: Bool

    public init(
        _ section: String,
        _ name: String,
        default defaultValue: String? = nil,
        derived: Bool = false,
        example: String? = nil,
        secret: Bool = false,
        help: String
    ) {
        self.section = section
        self.name = name
        self.defaultValue = defaultValue
        self.derivedDefault = derived
        self.example = example
        self.help = help
        self.secret = secret
    }
}

/// Every option Ember reads, by section, in the order the sample file lists them: the one
/// declaration the sample configuration and `ember config list` come from.
public enum OptionCatalog {
    /// The placeholder section of a volume backend's options.
    public static let backendSection = "<backend>"

    /// A section of the sample: its name, the comment that opens it, its options.
    public struct Section: Sendable {
        public var name: String
        public var intro: String?
        public var options: [ConfigOption]
    }

    public static var all: [ConfigOption] { sections.flatMap(\.options) }

    /// The declaration of `[section] name`; a backend's section matches ``backendSection``.
    public static func option(_ section: String, _ name: String, backends: [String] = []) -> ConfigOption? {
        let key = backends.contains(section) ? backendSection : section
        return all.first { $0.section == key && $0.name == name }
    }

    public static let sections: [Section] = [
        Section(
            name: "DEFAULT",
            intro: nil,
            options: defaultAPI + defaultServices + defaultVolumeAPI + defaultBackup + defaultMessagesAndFilters
        ),
        Section(name: "database", intro: nil, options: database),
        Section(
            name: "ember_bus",
            intro: "The PostgreSQL bus (transport_url = postgresql://…).",
            options: bus
        ),
        Section(name: "ssl", intro: "HTTPS for the API.", options: ssl),
        Section(name: "oslo_middleware", intro: nil, options: osloMiddleware),
        Section(
            name: "keystone_authtoken",
            intro:
                "Used when [DEFAULT] auth_strategy = keystone: keystonemiddleware's options, read the same way. "
                + "memcached_servers and the memcache_* options are ignored with a warning (tokens are cached in memory).",
            options: keystone
        ),
        Section(name: "glance", intro: nil, options: glance),
        Section(
            name: "key_manager",
            intro: "Keys of encrypted volumes (castellan's and cinder's options).",
            options: keyManager
        ),
        Section(
            name: "barbican",
            intro: "Barbican, when [key_manager] backend = barbican (castellan's options, read the same way).",
            options: barbican
        ),
        Section(
            name: "barbican_service_user",
            intro:
                "The service user whose token goes with the caller's to Barbican when [barbican] "
                + "send_service_user_token = true (keystoneauth's password plugin, as castellan reads it).",
            options: barbicanServiceUser
        ),
        Section(name: "oslo_policy", intro: nil, options: policy),
        Section(name: "metrics", intro: "Prometheus metrics (Ember's own; cinder has none).", options: metrics),
        Section(
            name: "cors",
            intro:
                "Cross-origin requests from browsers (oslo.middleware's cors filter); off until allowed_origin is set.",
            options: cors
        ),
        Section(name: "profiler", intro: nil, options: profiler),
        Section(
            name: backendSection,
            intro:
                "A volume backend: a section named in [DEFAULT] enabled_backends (e.g. [backend-1] with "
                + "enabled_backends = backend-1).",
            options: backend
        ),
    ]

    static let defaultAPI: [ConfigOption] = [
        ConfigOption(
            "DEFAULT",
            "osapi_volume_listen",
            default: "0.0.0.0, or 127.0.0.1 when auth_strategy is noauth",
            derived: true,
            help:
                "Address the Block Storage API binds to. Without authentication every caller is who it claims to "
                + "be, so an unset address is loopback then."
        ),
        ConfigOption(
            "DEFAULT",
            "osapi_volume_listen_port",
            default: "8776",
            help: "Port of the API (0: any free port)."
        ),
        ConfigOption(
            "DEFAULT",
            "osapi_volume_workers",
            default: "0",
            help: "Event-loop threads serving the API (0: one per CPU core)."
        ),
        ConfigOption(
            "DEFAULT",
            "api_paste_config",
            default: "api-paste.ini",
            help:
                "The paste.deploy file; a relative path is looked up next to the configuration files, then in the "
                + "working directory, /etc/ember and /etc/cinder."
        ),
        ConfigOption(
            "DEFAULT",
            "auth_strategy",
            default: "noauth",
            help:
                "noauth (X-Auth-Token: user:project, every caller an admin), noauth_include_project_id, or keystone "
                + "(cinder's default is keystone)."
        ),
        ConfigOption(
            "DEFAULT",
            "osapi_max_request_body_size",
            default: "114688",
            help: "Deprecated name of [oslo_middleware] max_request_body_size, which wins when both are set."
        ),
        ConfigOption("DEFAULT", "backlog", default: "4096", help: "Listen backlog (at least 1)."),
        ConfigOption(
            "DEFAULT",
            "tcp_keepidle",
            default: "600",
            help: "Seconds of idleness before TCP keep-alive probes."
        ),
        ConfigOption(
            "DEFAULT",
            "client_socket_timeout",
            default: "900",
            help:
                "Seconds an idle client connection is kept open (0: forever); also the most a client may take "
                + "to send a request's headers (a slow client is closed)."
        ),
        ConfigOption(
            "DEFAULT",
            "wsgi_keep_alive",
            default: "true",
            help: "Keep client connections open between requests; false closes each after its answer."
        ),
        ConfigOption(
            "DEFAULT",
            "osapi_volume_max_connections",
            default: "0",
            help:
                "Ember: client connections the API keeps open at once; a connection accepted beyond it is "
                + "closed at once. 0: no limit but the process's file descriptors."
        ),
        ConfigOption(
            "DEFAULT",
            "max_header_line",
            default: "16384",
            help:
                "The longest request header line accepted, in bytes; longer lines, more than 100 headers "
                + "or more than 64 KiB of headers are answered 400."
        ),
        ConfigOption(
            "DEFAULT",
            "graceful_shutdown_timeout",
            default: "60",
            help: "Seconds in-flight requests get to finish after SIGTERM before the rest is cancelled."
        ),
        ConfigOption(
            "DEFAULT",
            "graceful_shutdown_drain_time",
            default: "0",
            help:
                "Ember: seconds the API keeps serving after SIGTERM before it stops accepting, with /healthcheck "
                + "answering 503 and every answer closing its connection, so a load balancer's health checks "
                + "take the process out of rotation first (etc/haproxy/ember-api.cfg). 0 stops accepting at once."
        ),
        ConfigOption(
            "DEFAULT",
            "public_endpoint",
            example: "https://volume.example.org:8776",
            help: "Base URL for links in responses instead of the request's host (behind a proxy)."
        ),
        ConfigOption(
            "DEFAULT",
            "project_id_regex",
            default: "[0-9a-f\\-]+",
            help: "What a project id in a URL may look like; other ids answer 404. A bad pattern stops start-up."
        ),
        ConfigOption(
            "DEFAULT",
            "api_rate_limit",
            default: "true",
            help: "false selects the paste pipeline's <auth_strategy>_nolimit variant, as cinder."
        ),
        ConfigOption(
            "DEFAULT",
            "enable_v1_api",
            default: "true",
            help: "Serve the seed's /v1 API (and list it in the version document)."
        ),
        ConfigOption(
            "DEFAULT",
            "enable_v2_api",
            default: "true",
            help: "Serve the seed's /v2 API (and list it in the version document)."
        ),
        ConfigOption(
            "DEFAULT",
            "use_forwarded_for",
            default: "false",
            help: "Take the client address from X-Forwarded-For (the 2013 pipeline's option)."
        ),
        ConfigOption(
            "DEFAULT",
            "osapi_volume_extension",
            default: "cinder.api.contrib.standard_extensions",
            help:
                "API extensions (repeatable): standard_extensions loads every extension Ember has; "
                + "cinder.api.contrib.select_extensions loads the modules named in osapi_volume_ext_list."
        ),
        ConfigOption(
            "DEFAULT",
            "osapi_volume_ext_list",
            example: "Quotas, Volume_host_attribute, Types_manage",
            help: "cinder's capitalised extension module names, for select_extensions."
        ),
        ConfigOption(
            "DEFAULT",
            "debug",
            default: "false",
            help: "Log at debug level. SIGHUP re-reads the files and applies it without a restart."
        ),
        ConfigOption("DEFAULT", "log_file", example: "ember.log", help: "Write the log to this file (in log_dir)."),
        ConfigOption("DEFAULT", "log_dir", example: "/var/log/ember", help: "The directory of log_file."),
    ]

    static let defaultServices: [ConfigOption] = [
        ConfigOption(
            "DEFAULT",
            "state_path",
            default: "the working directory's ember-data",
            derived: true,
            help: "Where Ember keeps its state (the embedded database, file-backed volumes, backups)."
        ),
        ConfigOption(
            "DEFAULT",
            "host",
            default: "the machine's host name",
            derived: true,
            help: "The name this node's services report (volume topics are cinder-volume.HOST@BACKEND)."
        ),
        ConfigOption(
            "DEFAULT",
            "cluster",
            example: "cluster1",
            help:
                "The cluster this node's volume services join (CLUSTER@BACKEND): every member consumes cinder-volume.CLUSTER@BACKEND and serves that backend active-active."
        ),
        ConfigOption(
            "DEFAULT",
            "storage_availability_zone",
            default: "nova",
            help: "The availability zone of backends that do not set backend_availability_zone."
        ),
        ConfigOption(
            "DEFAULT",
            "report_interval",
            default: "10",
            help: "Seconds between service heartbeats (services.updated_at)."
        ),
        ConfigOption(
            "DEFAULT",
            "periodic_interval",
            default: "60",
            help: "Seconds between capability reports of each volume backend to the schedulers."
        ),
        ConfigOption(
            "DEFAULT",
            "service_down_time",
            default: "60",
            help:
                "Seconds after which a capability report is stale (the scheduler adds one periodic_interval) and "
                + "after which os-services and os-hosts show a service without a heartbeat as down."
        ),
        ConfigOption(
            "DEFAULT",
            "migration_create_volume_timeout_secs",
            default: "300",
            help: "Seconds a migration waits for the destination backend to create the new volume."
        ),
        ConfigOption(
            "DEFAULT",
            "enabled_backends",
            example: "backend-1, backend-2",
            help:
                "Sections naming the volume backends `ember volume` (and `ember all`) run. Empty: `ember all` runs "
                + "one file backend named \"file\" under $state_path/volumes/file."
        ),
        ConfigOption(
            "DEFAULT",
            "transport_url",
            default: "ember://",
            secret: true,
            help:
                "The message bus: ember:// is the in-process bus of `ember all`; "
                + "postgresql://user:pass@host:port/db is a durable bus that separate processes share."
        ),
        ConfigOption(
            "DEFAULT",
            "rpc_response_timeout",
            default: "60",
            help: "Seconds an RPC call waits for its reply."
        ),
    ]

    static let defaultVolumeAPI: [ConfigOption] = [
        ConfigOption(
            "DEFAULT",
            "default_volume_type",
            default: "__DEFAULT__",
            help: "The type of volumes created without one."
        ),
        ConfigOption(
            "DEFAULT",
            "default_group_type",
            example: "consistent-groups",
            help: "The group type GET /group_types/default shows (unset: that call is a 404)."
        ),
        ConfigOption(
            "DEFAULT",
            "default_availability_zone",
            example: "nova",
            help: "The zone of volumes created without one (default: storage_availability_zone)."
        ),
        ConfigOption(
            "DEFAULT",
            "allow_availability_zone_fallback",
            default: "false",
            help: "Create in the default zone when the requested zone does not exist."
        ),
        ConfigOption("DEFAULT", "osapi_max_limit", default: "1000", help: "The largest page a list returns."),
        ConfigOption(
            "DEFAULT",
            "enable_force_upload",
            default: "false",
            help: "os-volume_upload_image honours \"force\" (uploads an in-use volume) only when true."
        ),
        ConfigOption("DEFAULT", "quota_volumes", default: "10", help: "Default quota: volumes (-1: unlimited)."),
        ConfigOption("DEFAULT", "quota_snapshots", default: "10", help: "Default quota: snapshots."),
        ConfigOption(
            "DEFAULT",
            "quota_gigabytes",
            default: "1000",
            help: "Default quota: GiB of volumes and snapshots."
        ),
        ConfigOption("DEFAULT", "quota_backups", default: "10", help: "Default quota: backups."),
        ConfigOption("DEFAULT", "quota_backup_gigabytes", default: "1000", help: "Default quota: GiB of backups."),
        ConfigOption("DEFAULT", "quota_groups", default: "10", help: "Default quota: groups."),
        ConfigOption(
            "DEFAULT",
            "per_volume_size_limit",
            default: "-1",
            help: "The largest volume in GiB (-1: no limit)."
        ),
        ConfigOption(
            "DEFAULT",
            "reservation_expire",
            default: "86400",
            help: "Seconds until an uncommitted quota reservation expires."
        ),
        ConfigOption(
            "DEFAULT",
            "no_snapshot_gb_quota",
            default: "false",
            help: "Snapshots do not count against the gigabytes quota."
        ),
        // Volume transfers (cinder/transfer/api.py).
        ConfigOption(
            "DEFAULT",
            "volume_transfer_salt_length",
            default: "8",
            help: "The number of characters in the salt."
        ),
        ConfigOption(
            "DEFAULT",
            "volume_transfer_key_length",
            default: "16",
            help: "The number of characters in the autogenerated auth key."
        ),
        ConfigOption(
            "DEFAULT",
            "use_default_quota_class",
            default: "true",
            help: "The `default` quota class overrides the quota_* defaults."
        ),
        ConfigOption(
            "DEFAULT",
            "quota_driver",
            default: "cinder.quota.DbQuotaDriver",
            help:
                "The quota driver: Ember keeps cinder's database quotas whatever is set; read by "
                + "`ember status upgrade check`, which fails cinder.quota.NestedDbQuotaDriver (removed in Wallaby)."
        ),
    ]

    static let defaultBackup: [ConfigOption] = [
        ConfigOption(
            "DEFAULT",
            "backup_driver",
            default: "cinder.backup.drivers.posix.PosixBackupDriver",
            help: "The backup driver (`ember backup`): cinder's POSIX chunked driver."
        ),
        ConfigOption(
            "DEFAULT",
            "backup_posix_path",
            default: "$state_path/backup",
            derived: true,
            help: "Where backups are kept."
        ),
        ConfigOption(
            "DEFAULT",
            "backup_container",
            default: "",
            help:
                "The directory under backup_posix_path of backups that name no container (empty: one per backup, "
                + "<id[0:2]>/<id[2:4]>/<id>)."
        ),
        ConfigOption(
            "DEFAULT",
            "backup_file_size",
            default: "1999994880",
            help: "The largest object a backup is cut into (bytes; a multiple of backup_sha_block_size_bytes)."
        ),
        ConfigOption(
            "DEFAULT",
            "backup_sha_block_size_bytes",
            default: "32768",
            help: "The block an incremental backup compares by SHA-256 (bytes)."
        ),
        ConfigOption(
            "DEFAULT",
            "backup_compression_algorithm",
            default: "zlib",
            help: "zlib (also gzip) or none (also off, no)."
        ),
        ConfigOption(
            "DEFAULT",
            "backup_use_same_host",
            default: "false",
            help: "Restore and delete on the host that made the backup when it is up."
        ),
        ConfigOption(
            "DEFAULT",
            "glance_api_servers",
            example: "http://127.0.0.1:9292",
            help: "cinder's older name of [glance] api_servers, which wins when both are set."
        ),
        ConfigOption(
            "DEFAULT",
            "glance_num_retries",
            default: "3",
            help: "cinder's older name of [glance] num_retries."
        ),
        ConfigOption(
            "DEFAULT",
            "glance_request_timeout",
            default: "600",
            help: "cinder's older name of [glance] request_timeout."
        ),
    ]

    static let database: [ConfigOption] = [
        ConfigOption(
            "database",
            "connection",
            default: "sqlite:///$state_path/ember.sqlite",
            secret: true,
            help:
                "SQLAlchemy-style URL: sqlite:///relative.db, sqlite:////absolute.db, or "
                + "postgresql://user:pass@host:port/db (also postgresql+psycopg2://, ?sslmode=, and unix sockets "
                + "with ?host=/var/run/postgresql)."
        ),
        ConfigOption("database", "max_pool_size", default: "5", help: "PostgreSQL connections per process."),
        ConfigOption(
            "database",
            "max_retries",
            default: "10",
            help: "Start-up connection attempts (-1: forever)."
        ),
        ConfigOption(
            "database",
            "retry_interval",
            default: "10",
            help: "The longest wait (seconds) between start-up connection attempts."
        ),
        ConfigOption(
            "database",
            "sync_on_startup",
            default: "true for ember all, false for separate roles",
            derived: true,
            help: "Apply migrations at start; separate roles expect `ember manage db sync`."
        ),
        ConfigOption(
            "database",
            "operation_timeout",
            default: "30",
            help: "Seconds any one database operation may take before it fails with a 503."
        ),
    ]

    static let bus: [ConfigOption] = [
        ConfigOption(
            "ember_bus",
            "visibility_timeout",
            default: "60",
            help: "Seconds a claimed message stays invisible before it is delivered again."
        ),
        ConfigOption(
            "ember_bus",
            "poll_interval",
            default: "1",
            help: "Seconds between polls when no notification arrives."
        ),
        ConfigOption(
            "ember_bus",
            "max_attempts",
            default: "5",
            help: "Deliveries before a message is dead-lettered."
        ),
        ConfigOption(
            "ember_bus",
            "max_queue_depth",
            default: "10000",
            help: "Messages a topic may hold before casts to it fail."
        ),
        ConfigOption("ember_bus", "table_prefix", default: "ember_bus", help: "The prefix of the bus's tables."),
        ConfigOption(
            "ember_bus",
            "operation_timeout",
            default: "30",
            help:
                "Seconds one bus statement (a cast, a claim) may take, the wait for a connection included, before it "
                + "fails as unavailable (a cast's API request then answers 503)."
        ),
    ]

    static let ssl: [ConfigOption] = [
        ConfigOption("ssl", "cert_file", example: "/etc/ember/tls/cert.pem", help: "Set with key_file to serve HTTPS."),
        ConfigOption("ssl", "key_file", example: "/etc/ember/tls/key.pem", help: "The certificate's private key."),
        ConfigOption("ssl", "ca_file", example: "/etc/ember/tls/ca.pem", help: "Makes client certificates mandatory."),
        ConfigOption("ssl", "version", default: "TLSv1_2", help: "Minimum protocol: TLSv1_2 or TLSv1_3."),
        ConfigOption("ssl", "ciphers", example: "ECDHE+AESGCM", help: "An OpenSSL cipher list for TLS 1.2."),
    ]

    static let osloMiddleware: [ConfigOption] = [
        ConfigOption(
            "oslo_middleware",
            "enable_proxy_headers_parsing",
            default: "false",
            help: "Trust X-Forwarded-Proto / X-Forwarded-Host / Forwarded from a proxy in front of Ember."
        ),
        ConfigOption(
            "oslo_middleware",
            "max_request_body_size",
            default: "114688",
            help: "Largest request body accepted (bytes); larger ones answer 413."
        ),
    ]

    static let keystone: [ConfigOption] = [
        ConfigOption(
            "keystone_authtoken",
            "auth_type",
            example: "password",
            help: "How the service user authenticates: password (or v3password); auth_plugin is the older name."
        ),
        ConfigOption(
            "keystone_authtoken",
            "auth_plugin",
            example: "password",
            help: "The older name of auth_type."
        ),
        ConfigOption("keystone_authtoken", "auth_url", example: "http://keystone.example:5000/v3", help: "Keystone."),
        ConfigOption(
            "keystone_authtoken",
            "username",
            example: "ember",
            help: "The service user that validates tokens (needs Keystone's service or admin role)."
        ),
        ConfigOption("keystone_authtoken", "password", secret: true, help: "The service user's password."),
        ConfigOption("keystone_authtoken", "project_name", example: "service", help: "The service user's project."),
        ConfigOption("keystone_authtoken", "project_id", help: "The service user's project, by id."),
        ConfigOption("keystone_authtoken", "user_domain_name", example: "Default", help: "The service user's domain."),
        ConfigOption(
            "keystone_authtoken",
            "user_domain_id",
            help: "The service user's domain, by id (default: default)."
        ),
        ConfigOption(
            "keystone_authtoken",
            "project_domain_name",
            example: "Default",
            help: "The domain of the service user's project."
        ),
        ConfigOption(
            "keystone_authtoken",
            "project_domain_id",
            help: "The domain of the service user's project, by id (default: default)."
        ),
        ConfigOption(
            "keystone_authtoken",
            "www_authenticate_uri",
            example: "http://keystone.example:5000/v3",
            help: "The URI clients are told to authenticate at (WWW-Authenticate on a 401; default auth_url)."
        ),
        ConfigOption("keystone_authtoken", "auth_uri", help: "The older name of www_authenticate_uri."),
        ConfigOption(
            "keystone_authtoken",
            "token_cache_time",
            default: "300",
            help:
                "Seconds a validated token is trusted without asking Keystone again (never past its expiry; -1: ask every time)."
        ),
        ConfigOption(
            "keystone_authtoken",
            "ember_token_cache_size",
            default: "10000",
            help: "How many validated tokens are kept (an Ember option)."
        ),
        ConfigOption(
            "keystone_authtoken",
            "service_token_roles",
            default: "service",
            help: "An X-Service-Token counts only with one of these roles."
        ),
        ConfigOption(
            "keystone_authtoken",
            "service_token_roles_required",
            default: "true",
            help: "An X-Service-Token without those roles is a 401."
        ),
        ConfigOption(
            "keystone_authtoken",
            "include_service_catalog",
            default: "true",
            help: "Pass the token's catalog on (X-Service-Catalog)."
        ),
        ConfigOption(
            "keystone_authtoken",
            "http_connect_timeout",
            default: "10",
            help: "Seconds to connect to Keystone."
        ),
        ConfigOption(
            "keystone_authtoken",
            "http_request_max_retries",
            default: "3",
            help: "Retries of a Keystone request that cannot connect."
        ),
        ConfigOption(
            "keystone_authtoken",
            "delay_auth_decision",
            default: "false",
            help: "Not supported: true stops start-up (Ember rejects unauthenticated requests itself)."
        ),
    ]

    static let metrics: [ConfigOption] = [
        ConfigOption(
            "metrics",
            "enabled",
            default: "false",
            help: "Count and time requests and serve GET /metrics in Prometheus's text format."
        ),
        ConfigOption(
            "metrics",
            "port",
            default: "0",
            help:
                "0: /metrics on the API port, ahead of the pipeline and without authentication. Another port: "
                + "a listener of its own, in any role (ember volume and ember scheduler too)."
        ),
        ConfigOption("metrics", "host", default: "127.0.0.1", help: "The address the metrics listener binds."),
    ]

    static let keyManager: [ConfigOption] = [
        ConfigOption(
            "key_manager",
            "backend",
            default: "barbican",
            help:
                "barbican (castellan's alias or class path), or cinder.keymgr.conf_key_mgr.ConfKeyManager: "
                + "one fixed key for every volume, for test set-ups only."
        ),
        ConfigOption(
            "key_manager",
            "fixed_key",
            example: "0000000000000000000000000000000000000000000000000000000000000000",
            secret: true,
            help: "The fixed-key manager's key, in hex (64 digits for a 256-bit key)."
        ),
    ]

    static let barbican: [ConfigOption] = [
        ConfigOption(
            "barbican",
            "barbican_endpoint",
            example: "http://127.0.0.1:9311",
            help: "Barbican's URL. Unset: the key-manager endpoint of the caller's Keystone catalog."
        ),
        ConfigOption(
            "barbican",
            "barbican_api_version",
            example: "v1",
            help: "The API version appended to the endpoint. Unset: v1."
        ),
        ConfigOption(
            "barbican",
            "auth_endpoint",
            default: "http://localhost/identity/v3",
            help: "Keystone, where the caller's catalog is read when barbican_endpoint is unset."
        ),
        ConfigOption(
            "barbican",
            "barbican_endpoint_type",
            default: "public",
            help: "The catalog interface of the endpoint: public, internal or admin."
        ),
        ConfigOption(
            "barbican",
            "barbican_region_name",
            example: "RegionOne",
            help: "The catalog region of the endpoint. Unset: any region."
        ),
        ConfigOption(
            "barbican",
            "number_of_retries",
            default: "60",
            help: "How often a key order that is not yet ACTIVE is read again before key creation fails."
        ),
        ConfigOption(
            "barbican",
            "retry_delay",
            default: "1",
            help: "Seconds between two reads of a key order that is not yet ACTIVE."
        ),
        ConfigOption(
            "barbican",
            "verify_ssl",
            default: "true",
            help: "Check the TLS certificates of Barbican and Keystone (false: accept any)."
        ),
        ConfigOption(
            "barbican",
            "verify_ssl_path",
            example: "/etc/ssl/certs/ca-certificates.crt",
            help: "The CA bundle certificates are checked against when verify_ssl is true. Unset: the system's."
        ),
        ConfigOption(
            "barbican",
            "timeout",
            example: "30",
            help:
                "Seconds one request to Barbican or Keystone may take (keystoneauth's session option). Unset: no limit."
        ),
        ConfigOption(
            "barbican",
            "send_service_user_token",
            default: "false",
            help:
                "Also send the token of [barbican_service_user] (X-Service-Token), so Barbican accepts a request "
                + "whose user token expired meanwhile."
        ),
    ]

    static let barbicanServiceUser: [ConfigOption] = [
        ConfigOption(
            "barbican_service_user",
            "auth_type",
            example: "password",
            help: "password (the only plugin Ember provides). Unset: no service user."
        ),
        ConfigOption(
            "barbican_service_user",
            "auth_url",
            example: "http://127.0.0.1:5000/v3",
            help: "Keystone, where the service user's token is issued."
        ),
        ConfigOption("barbican_service_user", "username", example: "cinder", help: "The service user's name."),
        ConfigOption("barbican_service_user", "password", secret: true, help: "The service user's password."),
        ConfigOption(
            "barbican_service_user",
            "project_name",
            example: "service",
            help: "The project the token is scoped to (or project_id)."
        ),
        ConfigOption("barbican_service_user", "project_id", help: "The project the token is scoped to, by id."),
        ConfigOption(
            "barbican_service_user",
            "user_domain_name",
            example: "Default",
            help: "The service user's domain (or user_domain_id; neither: the domain with id default)."
        ),
        ConfigOption("barbican_service_user", "user_domain_id", help: "The service user's domain, by id."),
        ConfigOption(
            "barbican_service_user",
            "project_domain_name",
            example: "Default",
            help: "The project's domain (or project_domain_id; neither: the domain with id default)."
        ),
        ConfigOption("barbican_service_user", "project_domain_id", help: "The project's domain, by id."),
    ]

    static let glance: [ConfigOption] = [
        ConfigOption(
            "glance",
            "api_servers",
            example: "http://127.0.0.1:9292",
            help:
                "Glance's image API v2 (comma-separated; http:// when no scheme), for volumes from images, "
                + "os-volume_upload_image and os-reimage. Unset: no image service; those requests fail as cinder's "
                + "do when Glance is unreachable."
        ),
        ConfigOption(
            "glance",
            "num_retries",
            default: "3",
            help: "Retries of a request that cannot reach a server (each on the next server)."
        ),
        ConfigOption("glance", "request_timeout", default: "600", help: "Seconds a Glance connection may stay silent."),
    ]

    static let policy: [ConfigOption] = [
        ConfigOption(
            "oslo_policy",
            "policy_file",
            default: "policy.yaml",
            help:
                "Rules overriding cinder 29.0.0's defaults by name (YAML or JSON); a relative path is looked up "
                + "next to the configuration files, then in the working directory, /etc/ember and /etc/cinder. "
                + "With the default name a missing file means cinder's defaults only. SIGHUP re-reads it."
        ),
        ConfigOption(
            "oslo_policy",
            "enforce_new_defaults",
            default: "true",
            help: "Only true is supported (cinder 29.0.0's new defaults); false stops start-up."
        ),
    ]

    static let cors: [ConfigOption] = [
        ConfigOption(
            "cors",
            "allowed_origin",
            example: "https://dashboard.example.org",
            help: "Origins allowed to call the API from a browser (none by default)."
        ),
        ConfigOption("cors", "allow_credentials", default: "true", help: "Allow credentials in cross-origin requests."),
        ConfigOption(
            "cors",
            "expose_headers",
            default: "X-Auth-Token, X-Subject-Token, X-Service-Token, X-OpenStack-Request-ID, OpenStack-API-Version",
            help: "Response headers a browser may read."
        ),
        ConfigOption("cors", "max_age", default: "3600", help: "Seconds a browser may cache a preflight answer."),
        ConfigOption(
            "cors",
            "allow_methods",
            default: "GET, PUT, POST, DELETE, PATCH, HEAD",
            help: "Methods allowed in cross-origin requests."
        ),
        ConfigOption(
            "cors",
            "allow_headers",
            default:
                "X-Auth-Token, X-Identity-Status, X-Roles, X-Service-Catalog, X-User-Id, X-Tenant-Id, "
                + "X-OpenStack-Request-ID, X-Trace-Info, X-Trace-HMAC, OpenStack-API-Version",
            help: "Request headers allowed in cross-origin requests."
        ),
    ]

    static let profiler: [ConfigOption] = [
        ConfigOption(
            "profiler",
            "enabled",
            default: "false",
            help: "osprofiler is not supported: the filter passes requests through and logs a warning when true."
        )
    ]

    static let backend: [ConfigOption] = [
        ConfigOption(
            backendSection,
            "volume_driver",
            default: "ember.volume.drivers.file.FileDriver",
            help: "The driver: Ember's file driver (sparse files; cinder's LVM and vendor drivers are refused)."
        ),
        ConfigOption(
            backendSection,
            "volume_backend_name",
            default: "the section's name",
            derived: true,
            help: "The name volume types select with the volume_backend_name extra spec (and the pool name)."
        ),
        ConfigOption(
            backendSection,
            "file_volume_dir",
            default: "$state_path/volumes/<section>",
            derived: true,
            help: "Where the file driver keeps volume-<id> and snapshot-<id> files."
        ),
        ConfigOption(
            backendSection,
            "reserved_percentage",
            default: "0",
            help: "Share of the capacity the scheduler keeps free (0-100)."
        ),
        ConfigOption(
            backendSection,
            "max_over_subscription_ratio",
            default: "20.0",
            help: "How far thin provisioning may over-commit the capacity (at least 1.0)."
        ),
        ConfigOption(
            backendSection,
            "backend_availability_zone",
            default: "$storage_availability_zone",
            derived: true,
            help: "The availability zone of this backend."
        ),
        ConfigOption(
            backendSection,
            "target_helper",
            default: "fake",
            help:
                "How consumers reach the volumes. fake: the file's path on the volume host, a `local` connection, "
                + "no daemon needed. tgtadm: each volume becomes an iSCSI target of tgtd (Debian's tgt) on "
                + "initialize_connection and attachment update, removed on terminate and delete, re-created at "
                + "start-up for attached volumes (cinder's other helpers are refused)."
        ),
        ConfigOption(
            backendSection,
            "target_protocol",
            default: "iscsi",
            help: "The only protocol tgtadm serves here."
        ),
        ConfigOption(
            backendSection,
            "target_ip_address",
            default: "127.0.0.1",
            help:
                "The portal address written into provider_location and connection_info (cinder's default is "
                + "$my_ip): an address the consumers' hosts reach; tgtd must listen on it."
        ),
        ConfigOption(backendSection, "target_port", default: "3260", help: "The portal's port."),
        ConfigOption(
            backendSection,
            "target_prefix",
            default: "iqn.2010-10.org.openstack:",
            help: "A volume's target IQN is this prefix + volume-<id>."
        ),
        ConfigOption(
            backendSection,
            "use_chap_auth",
            default: "false",
            help:
                "Targets always require CHAP, as cinder's TgtAdm: per-volume credentials are generated and stored "
                + "in provider_auth (\"CHAP <user> <password>\"), unless this is true and both chap_username and "
                + "chap_password are set, which then serve every volume."
        ),
        ConfigOption(
            backendSection,
            "chap_username",
            default: "",
            help: "The CHAP user of every volume (use_chap_auth)."
        ),
        ConfigOption(
            backendSection,
            "chap_password",
            default: "",
            secret: true,
            help: "The CHAP password of every volume (use_chap_auth)."
        ),
        ConfigOption(
            backendSection,
            "volumes_dir",
            default: "$state_path/volumes",
            derived: true,
            help:
                "Where each target's tgt-admin persistence file (volume-<id>, mode 0600) is written; a tgtd with "
                + "\"include <volumes_dir>/*\" in its targets.conf restores the targets on its own restart."
        ),
        ConfigOption(
            backendSection,
            "tgt_control_port",
            example: "17",
            help:
                "Ember-only: tgtd's control socket /var/run/tgtd/socket.N (tgtadm -C N), for a tgtd that is not "
                + "the machine's default one (tgtd -C N). Unset: socket.0."
        ),
    ]

    // MARK: - The sample file

    /// The sample configuration (`etc/ember/ember.conf`): every option commented out with its
    /// default (or an example), under its help text.
    public static func sample() -> String {
        var lines = [
            "# Ember configuration, read the way oslo.config reads cinder.conf: a cinder.conf works too.",
            "# Generated by `ember config sample` from the option declarations (EmberCore's",
            "# OptionCatalog): every option Ember reads, commented out, with its default.",
            "# `ember --config-file FILE` (repeatable, later files win) and `--config-dir DIR` (its",
            "# *.conf files, sorted) choose the files; with neither, Ember reads ./etc/ember/ember.conf,",
            "# then /etc/ember/ember.conf, then /etc/cinder/cinder.conf. `ember config list` prints the",
            "# values in effect.",
        ]
        for section in sections {
            lines.append("")
            let example = section.name == backendSection
            if let intro = section.intro { lines += wrap(intro, prefix: "# ") }
            lines.append(example ? "#[backend-1]" : "[\(section.name)]")
            for option in section.options {
                lines += wrap(option.help, prefix: "# ")
                if option.derivedDefault, let value = option.defaultValue {
                    lines.append("#\(option.name) = <\(value)>")
                } else if let value = option.defaultValue {
                    lines.append("#\(option.name) = \(value)")
                } else if let example = option.example {
                    lines.append("# (no default; for example)")
                    lines.append("#\(option.name) = \(example)")
                } else {
                    lines.append("#\(option.name) =")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as comment lines of at most 100 characters.
    static func wrap(_ text: String, prefix: String) -> [String] {
        var lines: [String] = []
        var line = prefix
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > 100 && line != prefix {
                lines.append(line)
                line = prefix
            }
            line += (line == prefix ? "" : " ") + word
        }
        if line != prefix { lines.append(line) }
        return lines
    }
}

extension OptionCatalog {
    /// User messages (`cinder/message/api.py`) and the list filters of `cinder/api/common.py`.
    static let defaultMessagesAndFilters: [ConfigOption] = [
        ConfigOption(
            "DEFAULT",
            "message_ttl",
            default: "2592000",
            help: "Seconds a user message is kept at least (its guaranteed_until)."
        ),
        ConfigOption(
            "DEFAULT",
            "message_reap_interval",
            default: "86400",
            help: "Seconds between the scheduler's runs that delete expired user messages."
        ),
        ConfigOption(
            "DEFAULT",
            "resource_query_filters_file",
            example: "/etc/ember/resource_filters.json",
            help:
                "JSON file of the list filters non-admins may use per resource (GET /resource_filters). "
                + "Unset: cinder's shipped resource_filters.json (the same as etc/ember/resource_filters.json)."
        ),
    ]
}
