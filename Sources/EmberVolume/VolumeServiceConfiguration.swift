import EmberCore
import Foundation

/// Options of `cinder/volume/api.py`, `cinder/quota.py` and `cinder/api/common.py` that the
/// volume API honours, with cinder's names and defaults.
///
/// `[DEFAULT]`:
/// - `default_volume_type` (`__DEFAULT__`): the type of volumes created without one.
/// - `default_group_type` (unset): the group type `GET /group_types/default` shows.
/// - `storage_availability_zone` (`nova`): the zone this deployment's backends are in.
/// - `default_availability_zone` (unset: `storage_availability_zone`): the zone of volumes
///   created without one.
/// - `allow_availability_zone_fallback` (false): an unknown zone falls back to the default
///   instead of a 400.
/// - `osapi_max_limit` (1000): the most items one list page returns.
/// - `quota_volumes` (10), `quota_snapshots` (10), `quota_gigabytes` (1000), `quota_backups`
///   (10), `quota_backup_gigabytes` (1000), `quota_groups` (10), `per_volume_size_limit` (-1):
///   default limits; -1 is unlimited.
/// - `reservation_expire` (86400): seconds before an uncommitted reservation is rolled back.
/// - `no_snapshot_gb_quota` (false): snapshots do not count against `gigabytes`.
/// - `use_default_quota_class` (true): the `default` quota class overrides the defaults.
/// - `service_down_time` (60): seconds without a heartbeat after which `os-services` and
///   `os-hosts` show a service as down.
/// - `enable_force_upload` (false): `os-volume_upload_image` honours `force` (uploads an
///   `in-use` volume); otherwise `force` is ignored.
/// - `volume_transfer_salt_length` (8), `volume_transfer_key_length` (16): the characters of
///   a transfer's salt and of its generated auth key (`cinder/transfer/api.py`).
/// - `resource_query_filters_file` (unset: cinder's shipped `resource_filters.json`): the
///   list filters non-admins may use and `GET /resource_filters` reports (``ResourceFilters``).
public struct VolumeServiceConfiguration: Sendable, Equatable {
    /// `[DEFAULT] host`: the name the API reports for itself in `get-log`.
    public var host = ProcessInfo.processInfo.hostName
    public var defaultVolumeType = "__DEFAULT__"
    public var defaultGroupType: String?
    public var storageAvailabilityZone = "nova"
    public var defaultAvailabilityZone: String?
    public var allowAvailabilityZoneFallback = false
    public var maxLimit = 1000
    public var defaultQuotas: [String: Int] = [
        "volumes": 10, "snapshots": 10, "gigabytes": 1000, "backups": 10, "backup_gigabytes": 1000, "groups": 10,
        "per_volume_gigabytes": -1,
    ]
    public var reservationExpire = 86_400
    public var noSnapshotGigabytesQuota = false
    public var useDefaultQuotaClass = true
    public var serviceDownTime = 60
    public var enableForceUpload = false
    public var transferSaltLength = 8
    public var transferKeyLength = 16
    /// The filters of `resource_query_filters_file`.
    public var resourceFilters = ResourceFilters.cinderDefault

    public init() {}

    public init(files: ConfigFiles) throws(ConfigurationError) {
        host = files.string("DEFAULT", "host", default: host)
        defaultVolumeType = files.string("DEFAULT", "default_volume_type", default: defaultVolumeType)
        defaultGroupType = files.optionalString("DEFAULT", "default_group_type")
        storageAvailabilityZone = files.string("DEFAULT", "storage_availability_zone", default: storageAvailabilityZone)
        defaultAvailabilityZone = files.optionalString("DEFAULT", "default_availability_zone")
        allowAvailabilityZoneFallback = try files.bool(
            "DEFAULT",
            "allow_availability_zone_fallback",
            default: allowAvailabilityZoneFallback
        )
        maxLimit = try files.int("DEFAULT", "osapi_max_limit", default: maxLimit, minimum: 1)
        let options = [
            ("volumes", "quota_volumes"), ("snapshots", "quota_snapshots"), ("gigabytes", "quota_gigabytes"),
            ("backups", "quota_backups"), ("backup_gigabytes", "quota_backup_gigabytes"), ("groups", "quota_groups"),
            ("per_volume_gigabytes", "per_volume_size_limit"),
        ]
        for (resource, option) in options {
            defaultQuotas[resource] = try files.int(
                "DEFAULT",
                option,
                default: defaultQuotas[resource] ?? -1,
                minimum: -1
            )
        }
        reservationExpire = try files.int("DEFAULT", "reservation_expire", default: reservationExpire, minimum: 1)
        noSnapshotGigabytesQuota = try files.bool("DEFAULT", "no_snapshot_gb_quota", default: noSnapshotGigabytesQuota)
        useDefaultQuotaClass = try files.bool("DEFAULT", "use_default_quota_class", default: useDefaultQuotaClass)
        serviceDownTime = try files.int("DEFAULT", "service_down_time", default: serviceDownTime, minimum: 1)
        enableForceUpload = try files.bool("DEFAULT", "enable_force_upload", default: enableForceUpload)
        transferSaltLength = try files.int(
            "DEFAULT",
            "volume_transfer_salt_length",
            default: transferSaltLength,
            minimum: 0
        )
        transferKeyLength = try files.int(
            "DEFAULT",
            "volume_transfer_key_length",
            default: transferKeyLength,
            minimum: 0
        )
        resourceFilters = try ResourceFilters(files: files)
    }

    /// The zone new volumes land in when the request names none.
    public var effectiveDefaultZone: String { defaultAvailabilityZone ?? storageAvailabilityZone }
}
