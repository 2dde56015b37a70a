import EmberCore

/// Options the scheduler and the volume workers share, with cinder's names and defaults.
///
/// `[DEFAULT]`:
/// - `host` (the machine's host name): the name services report; volume topics are
///   `cinder-volume.HOST@BACKEND`.
/// - `storage_availability_zone` (`nova`): the zone of every backend that does not set
///   `backend_availability_zone`.
/// - `report_interval` (10): seconds between service heartbeats in the `services` table.
/// - `periodic_interval` (60): seconds between capability reports of each volume backend.
/// - `service_down_time` (60): seconds after which a capability report is stale; the
///   scheduler adds one `periodic_interval` so that a backend reporting on schedule never
///   flaps.
/// - `enabled_backends` (empty): the sections naming the volume backends; empty means one
///   file backend named `file` in the embedded mode (see ``BackendConfiguration``).
/// - `state_path` (`./ember-data`): file backends keep volumes under `$state_path/volumes`.
/// - `migration_create_volume_timeout_secs` (300): how long a migration waits for the
///   destination backend to create the new volume.
/// - `message_ttl` (2592000): seconds a user message is kept at least (its `expires_at`).
/// - `message_reap_interval` (86400): seconds between the scheduler's runs that delete the
///   expired user messages.
/// - `cluster` (unset): the cluster this node's volume services belong to; each backend
///   joins `CLUSTER@BACKEND` and also consumes `cinder-volume.CLUSTER@BACKEND`, so several
///   `ember volume` processes serve one backend active-active.
/// - `quota_volumes` (10), `quota_snapshots` (10), `quota_gigabytes` (1000),
///   `per_volume_size_limit` (-1), `use_default_quota_class` (true): the limits a volume
///   service checks when it learns a managed object's size (cinder's manager-side
///   `QuotaReserveTask`).
public struct WorkerConfiguration: Sendable, Equatable {
    public var host: String
    /// `[DEFAULT] cluster`: nil when the node's services are not clustered.
    public var cluster: String?
    public var storageAvailabilityZone = "nova"
    public var reportInterval: Duration = .seconds(10)
    public var periodicInterval: Duration = .seconds(60)
    public var serviceDownTime: Duration = .seconds(60)
    public var migrationCreateVolumeTimeout: Duration = .seconds(300)
    public var messageTTL: Duration = .seconds(2_592_000)
    public var messageReapInterval: Duration = .seconds(86_400)
    /// The default limits by resource (`per_volume_gigabytes` for `per_volume_size_limit`).
    public var defaultQuotas = ["volumes": 10, "snapshots": 10, "gigabytes": 1000, "per_volume_gigabytes": -1]
    public var useDefaultQuotaClass = true
    public var statePath: String
    /// The backends, in `enabled_backends` order.
    public var backends: [BackendConfiguration]

    public init(host: String, statePath: String, backends: [BackendConfiguration] = []) {
        self.host = host
        self.statePath = statePath
        self.backends = backends
    }

    /// Reads `[DEFAULT]` and every section `enabled_backends` names.
    ///
    /// - Parameter defaultBackend: without `enabled_backends`, configure one file backend named
    ///   `file` (the embedded mode); otherwise no backend.
    public init(files: ConfigFiles, host: String, statePath: String, defaultBackend: Bool) throws(ConfigurationError) {
        self.init(host: host, statePath: statePath)
        cluster = files.optionalString("DEFAULT", "cluster").flatMap { $0.isEmpty ? nil : $0 }
        storageAvailabilityZone = files.string("DEFAULT", "storage_availability_zone", default: storageAvailabilityZone)
        reportInterval = .seconds(try files.int("DEFAULT", "report_interval", default: 10, minimum: 1))
        periodicInterval = .seconds(try files.int("DEFAULT", "periodic_interval", default: 60, minimum: 1))
        serviceDownTime = .seconds(try files.int("DEFAULT", "service_down_time", default: 60, minimum: 1))
        migrationCreateVolumeTimeout = .seconds(
            try files.int("DEFAULT", "migration_create_volume_timeout_secs", default: 300, minimum: 1)
        )
        messageTTL = .seconds(try files.int("DEFAULT", "message_ttl", default: 2_592_000))
        messageReapInterval = .seconds(try files.int("DEFAULT", "message_reap_interval", default: 86_400, minimum: 1))
        for (resource, option) in [
            ("volumes", "quota_volumes"), ("snapshots", "quota_snapshots"), ("gigabytes", "quota_gigabytes"),
            ("per_volume_gigabytes", "per_volume_size_limit"),
        ] {
            defaultQuotas[resource] = try files.int(
                "DEFAULT",
                option,
                default: defaultQuotas[resource] ?? -1,
                minimum: -1
            )
        }
        useDefaultQuotaClass = try files.bool("DEFAULT", "use_default_quota_class", default: true)
        var names = files.list("DEFAULT", "enabled_backends", default: [])
        if names.isEmpty && defaultBackend { names = ["file"] }
        for name in names {
            backends.append(
                try BackendConfiguration(
                    files: files,
                    section: name,
                    statePath: statePath,
                    defaultZone: storageAvailabilityZone
                )
            )
        }
    }
}
