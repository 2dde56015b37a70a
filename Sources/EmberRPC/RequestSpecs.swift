import EmberCore

/// cinder's `request_spec` for `create_volume`, as the API builds it and the scheduler and
/// the volume's backend read it. Its keys on the wire are the property names (`volumeID`,
/// `imageID`, …), as Ember has always sent them.
public struct VolumeRequestSpec: Sendable, Equatable, Codable {
    public var volumeID: String
    public var size: Int
    public var volumeTypeID: String
    public var availabilityZone: String
    public var snapshotID: String?
    public var sourceVolumeID: String?
    /// The Glance image to fill the volume with (`image_id`).
    public var imageID: String?
    /// The backup to restore into the volume (`backup_id`, 3.47).
    public var backupID: String?
    /// The backend a clone or a volume from a snapshot must land on (`resource_backend`).
    public var resourceBackend: String?
    public var multiattach: Bool
    /// `OS-SCH-HNT:scheduler_hints`, as given.
    public var schedulerHints: JSONValue?

    public init(
        volumeID: String,
        size: Int,
        volumeTypeID: String,
        availabilityZone: String,
        snapshotID: String? = nil,
        sourceVolumeID: String? = nil,
        imageID: String? = nil,
        backupID: String? = nil,
        resourceBackend: String? = nil,
        multiattach: Bool = false,
        schedulerHints: JSONValue? = nil
    ) {
        self.volumeID = volumeID
        self.size = size
        self.volumeTypeID = volumeTypeID
        self.availabilityZone = availabilityZone
        self.snapshotID = snapshotID
        self.sourceVolumeID = sourceVolumeID
        self.imageID = imageID
        self.backupID = backupID
        self.resourceBackend = resourceBackend
        self.multiattach = multiattach
        self.schedulerHints = schedulerHints
    }
}

/// cinder's retype `request_spec`: the new type, the migration policy, both reservations and
/// the zones the volume may go to.
public struct RetypeSpec: Sendable, Equatable, Codable {
    /// The volume type a retype moves to, as the request spec carries it.
    public struct NewType: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        public var extraSpecs: [String: String]

        public init(id: String, name: String, extraSpecs: [String: String]) {
            self.id = id
            self.name = name
            self.extraSpecs = extraSpecs
        }

        enum CodingKeys: String, CodingKey {
            case id
            case name
            case extraSpecs = "extra_specs"
        }
    }

    public var volumeID: String
    public var volumeType: NewType
    /// `never` (the default) or `on-demand`.
    public var migrationPolicy: String?
    /// The new type's reservation.
    public var quotaReservations: [String]
    /// The old type's negative reservation.
    public var oldReservations: [String]
    /// The new type's zones, or the volume's.
    public var availabilityZones: [String]

    public init(
        volumeID: String,
        volumeType: NewType,
        migrationPolicy: String?,
        quotaReservations: [String],
        oldReservations: [String],
        availabilityZones: [String]
    ) {
        self.volumeID = volumeID
        self.volumeType = volumeType
        self.migrationPolicy = migrationPolicy
        self.quotaReservations = quotaReservations
        self.oldReservations = oldReservations
        self.availabilityZones = availabilityZones
    }

    enum CodingKeys: String, CodingKey {
        case volumeID = "volume_id"
        case volumeType = "volume_type"
        case migrationPolicy = "migration_policy"
        case quotaReservations = "quota_reservations"
        case oldReservations = "old_reservations"
        case availabilityZones = "availability_zones"
    }
}

/// The backend the scheduler chose for a retype or a migration: the `host` dict cinder's
/// volume manager receives (`{host, cluster_name, capabilities}`).
public struct DestinationBackend: Sendable, Equatable, Codable {
    /// `HOST@BACKEND#POOL`.
    public var host: String
    public var clusterName: String?
    public var availabilityZone: String?
    public var capabilities: JSONValue?

    public init(host: String, clusterName: String? = nil, availabilityZone: String?, capabilities: JSONObject?) {
        self.host = host
        self.clusterName = clusterName
        self.availabilityZone = availabilityZone
        self.capabilities = capabilities.map(JSONValue.object)
    }

    /// `HOST@BACKEND`, without the pool.
    public var backend: String { VolumeRPC.backend(ofHost: host) }

    enum CodingKeys: String, CodingKey {
        case host
        case clusterName = "cluster_name"
        case availabilityZone = "availability_zone"
        case capabilities
    }
}

/// The `image_meta` of an image transfer: the image travels by id.
public struct ImageReference: Sendable, Equatable, Codable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}
