import EmberCore

/// One volume backend: a section named in `[DEFAULT] enabled_backends`.
///
/// Options of the section:
/// - `volume_driver` (`ember.volume.drivers.file.FileDriver`): the driver. Ember ships the file
///   driver only; cinder's driver names (LVM and others) are refused at start-up.
/// - `volume_backend_name` (the section name): the name volume types select with the
///   `volume_backend_name` extra spec; also the pool name.
/// - `file_volume_dir` (`$state_path/volumes/<section>`): where the file driver keeps volumes.
/// - `reserved_percentage` (0): the share of the capacity the scheduler keeps free.
/// - `max_over_subscription_ratio` (20.0): how far thin provisioning may over-commit.
/// - `backend_availability_zone` (`storage_availability_zone`): the zone of this backend.
/// - The target options (`target_helper`, `target_protocol`, `target_ip_address`,
///   `target_port`, `target_prefix`, `use_chap_auth`, `chap_username`, `chap_password`,
///   `volumes_dir`, Ember's `tgt_control_port`): see ``TargetConfiguration``.
public struct BackendConfiguration: Sendable, Equatable {
    /// The file driver's name in `volume_driver`.
    public static let fileDriver = "ember.volume.drivers.file.FileDriver"

    /// The section name: the `BACKEND` of `HOST@BACKEND`.
    public var name: String
    public var volumeDriver: String
    public var volumeBackendName: String
    public var fileVolumeDirectory: String
    public var reservedPercentage: Int
    public var maxOverSubscriptionRatio: Double
    public var availabilityZone: String
    /// How consumers reach the volumes (`target_helper` and its options).
    public var target: TargetConfiguration

    /// - Parameter target: the target options; by default `fake`, with `volumes_dir` the
    ///   parent of `directory` (cinder's `$state_path/volumes` beside the default
    ///   `file_volume_dir`).
    public init(
        name: String,
        directory: String,
        volumeBackendName: String? = nil,
        reservedPercentage: Int = 0,
        maxOverSubscriptionRatio: Double = 20,
        availabilityZone: String = "nova",
        target: TargetConfiguration? = nil
    ) {
        self.name = name
        volumeDriver = Self.fileDriver
        self.volumeBackendName = volumeBackendName ?? name
        fileVolumeDirectory = directory
        self.reservedPercentage = reservedPercentage
        self.maxOverSubscriptionRatio = maxOverSubscriptionRatio
        self.availabilityZone = availabilityZone
        let parent = directory.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        self.target = target ?? TargetConfiguration(volumesDirectory: parent.isEmpty ? "." : parent)
    }

    /// Reads the section `section`; an unsupported driver is a configuration error.
    public init(
        files: ConfigFiles,
        section: String,
        statePath: String,
        defaultZone: String
    ) throws(ConfigurationError) {
        let driver = files.string(section, "volume_driver", default: Self.fileDriver)
        let accepted = [Self.fileDriver, "ember.volume.drivers.FileDriver", "FileDriver"]
        guard accepted.contains(driver) else {
            throw .invalid(
                message:
                    "Backend [\(section)]: volume_driver \(driver) is not supported by Ember; "
                    + "use \(Self.fileDriver) (cinder's LVM and vendor drivers need cinder-volume)"
            )
        }
        let directory = files.string(section, "file_volume_dir", default: statePath + "/volumes/" + section)
        self.init(
            name: section,
            directory: directory,
            volumeBackendName: files.string(section, "volume_backend_name", default: section),
            reservedPercentage: try files.int(section, "reserved_percentage", default: 0, minimum: 0, maximum: 100),
            maxOverSubscriptionRatio: try files.double(section, "max_over_subscription_ratio", default: 20),
            availabilityZone: files.string(section, "backend_availability_zone", default: defaultZone),
            target: try TargetConfiguration(files: files, section: section, statePath: statePath)
        )
        if maxOverSubscriptionRatio < 1 {
            throw .invalid(
                message: "Backend [\(section)]: max_over_subscription_ratio must be at least 1.0"
            )
        }
    }
}
