import Foundation

/// A volume row (`volumes`) with its metadata, admin metadata, image metadata and live attachments.
public struct Volume: Sendable, Equatable {
    public var id: String
    public var userID: String?
    public var projectID: String?
    public var snapshotID: String?
    public var sourceVolumeID: String?
    public var host: String?
    public var clusterName: String?
    public var size: Int
    public var availabilityZone: String?
    public var status: VolumeStatus
    public var attachStatus: VolumeAttachStatus
    public var migrationStatus: String?
    public var previousStatus: String?
    /// REST `name`.
    public var displayName: String?
    /// REST `description`.
    public var displayDescription: String?
    public var volumeTypeID: String
    public var providerLocation: String?
    public var providerAuth: String?
    public var providerID: String?
    public var encryptionKeyID: String?
    public var consistencyGroupID: String?
    public var groupID: String?
    public var bootable: Bool
    public var multiattach: Bool
    public var replicationStatus: String?
    /// REST `consumes_quota` (3.65).
    public var useQuota: Bool
    /// `nil` means "forced locking" (cinder's tri-state).
    public var sharedTargets: Bool?
    public var serviceUUID: String?
    /// cinder's `_name_id`: the id the backend knows the volume by after a migration.
    public var nameID: String?
    public var scheduledAt: Date?
    public var launchedAt: Date?
    public var terminatedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool
    /// User metadata (`volume_metadata`).
    public var metadata: [String: String]
    /// Admin metadata (`volume_admin_metadata`): `readonly`, `attached_mode`, …
    public var adminMetadata: [String: String]
    /// Image metadata (`volume_glance_metadata`), REST `volume_image_metadata`.
    public var imageMetadata: [String: String]
    /// Attachment rows that are not deleted, oldest first.
    public var attachments: [VolumeAttachment]

    public init(
        id: String = UUID().uuidString.lowercased(),
        userID: String?,
        projectID: String?,
        size: Int,
        volumeTypeID: String,
        status: VolumeStatus = .creating,
        attachStatus: VolumeAttachStatus = .detached,
        displayName: String? = nil,
        displayDescription: String? = nil,
        availabilityZone: String? = nil,
        snapshotID: String? = nil,
        sourceVolumeID: String? = nil,
        host: String? = nil,
        clusterName: String? = nil,
        migrationStatus: String? = nil,
        previousStatus: String? = nil,
        providerLocation: String? = nil,
        providerAuth: String? = nil,
        providerID: String? = nil,
        encryptionKeyID: String? = nil,
        consistencyGroupID: String? = nil,
        groupID: String? = nil,
        bootable: Bool = false,
        multiattach: Bool = false,
        replicationStatus: String? = nil,
        useQuota: Bool = true,
        sharedTargets: Bool? = true,
        serviceUUID: String? = nil,
        nameID: String? = nil,
        scheduledAt: Date? = nil,
        launchedAt: Date? = nil,
        terminatedAt: Date? = nil,
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false,
        metadata: [String: String] = [:],
        adminMetadata: [String: String] = [:],
        imageMetadata: [String: String] = [:],
        attachments: [VolumeAttachment] = []
    ) {
        self.id = id
        self.userID = userID
        self.projectID = projectID
        self.snapshotID = snapshotID
        self.sourceVolumeID = sourceVolumeID
        self.host = host
        self.clusterName = clusterName
        self.size = size
        self.availabilityZone = availabilityZone
        self.status = status
        self.attachStatus = attachStatus
        self.migrationStatus = migrationStatus
        self.previousStatus = previousStatus
        self.displayName = displayName
        self.displayDescription = displayDescription
        self.volumeTypeID = volumeTypeID
        self.providerLocation = providerLocation
        self.providerAuth = providerAuth
        self.providerID = providerID
        self.encryptionKeyID = encryptionKeyID
        self.consistencyGroupID = consistencyGroupID
        self.groupID = groupID
        self.bootable = bootable
        self.multiattach = multiattach
        self.replicationStatus = replicationStatus
        self.useQuota = useQuota
        self.sharedTargets = sharedTargets
        self.serviceUUID = serviceUUID
        self.nameID = nameID
        self.scheduledAt = scheduledAt
        self.launchedAt = launchedAt
        self.terminatedAt = terminatedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
        self.metadata = metadata
        self.adminMetadata = adminMetadata
        self.imageMetadata = imageMetadata
        self.attachments = attachments
    }
}

/// One field change on a volume row, for `update` and `conditionalUpdate`.
public enum VolumeUpdate: Sendable, Equatable {
    case status(VolumeStatus)
    case attachStatus(VolumeAttachStatus)
    case migrationStatus(String?)
    case previousStatus(String?)
    /// `previous_status = status` evaluated in the same statement (cinder does this for uploads).
    case previousStatusFromStatus
    case host(String?)
    case clusterName(String?)
    case size(Int)
    case availabilityZone(String?)
    case displayName(String?)
    case displayDescription(String?)
    case volumeTypeID(String)
    case providerLocation(String?)
    case providerAuth(String?)
    case providerID(String?)
    case encryptionKeyID(String?)
    case bootable(Bool)
    case multiattach(Bool)
    case replicationStatus(String?)
    case projectID(String)
    case userID(String)
    case groupID(String?)
    case useQuota(Bool)
    case serviceUUID(String?)
    case sharedTargets(Bool?)
    case scheduledAt(Date?)
    case launchedAt(Date?)
    case terminatedAt(Date?)
    case nameID(String?)
    case snapshotID(String?)
    case sourceVolumeID(String?)
}

/// What a conditional update expects of the current row; every set field must hold.
///
/// This is cinder's `conditional_update(values, expected_values, filters)`: the row is changed
/// only when all conditions hold at the moment of the `UPDATE`, so two racing requests cannot
/// both move a volume out of `available`.
public struct VolumeCondition: Sendable, Equatable {
    /// The current status must be one of these.
    public var status: Set<VolumeStatus>?
    /// The current status must be none of these.
    public var statusNotIn: Set<VolumeStatus>?
    public var attachStatus: Set<VolumeAttachStatus>?
    public var attachStatusNotIn: Set<VolumeAttachStatus>?
    /// The current `migration_status` must be one of these; `nil` in the set matches NULL
    /// (cinder's `AVAILABLE_MIGRATION_STATUS = (None, 'deleting', 'error', 'success')`).
    public var migrationStatus: Set<String?>?
    public var projectID: String?
    /// The volume must have no snapshot that is not deleted.
    public var hasNoSnapshots: Bool
    /// `group_id` and `consistencygroup_id` must be NULL.
    public var notInGroup: Bool
    /// true: the volume must have an attachment row that is live and not `detached`
    /// (cinder's `volume_has_attachments_filter`); false: it must have none; nil: either.
    public var hasAttachments: Bool?
    /// The volume's type must not be this one (retype to a different type).
    public var volumeTypeIDNot: String?
    /// The volume's `host` must not be this one (migration to another host).
    public var hostNot: String?

    public init(
        status: Set<VolumeStatus>? = nil,
        statusNotIn: Set<VolumeStatus>? = nil,
        attachStatus: Set<VolumeAttachStatus>? = nil,
        attachStatusNotIn: Set<VolumeAttachStatus>? = nil,
        migrationStatus: Set<String?>? = nil,
        projectID: String? = nil,
        hasNoSnapshots: Bool = false,
        notInGroup: Bool = false,
        hasAttachments: Bool? = nil,
        volumeTypeIDNot: String? = nil,
        hostNot: String? = nil
    ) {
        self.status = status
        self.statusNotIn = statusNotIn
        self.attachStatus = attachStatus
        self.attachStatusNotIn = attachStatusNotIn
        self.migrationStatus = migrationStatus
        self.projectID = projectID
        self.hasNoSnapshots = hasNoSnapshots
        self.notInGroup = notInGroup
        self.hasAttachments = hasAttachments
        self.volumeTypeIDNot = volumeTypeIDNot
        self.hostNot = hostNot
    }

    /// cinder's `AVAILABLE_MIGRATION_STATUS`.
    public static let availableMigrationStatus: Set<String?> = [nil, "deleting", "error", "success"]
}

extension Volume {
    /// The admin metadata key that remembers the image a volume is being created from, so a
    /// volume manager that restarts mid-create (its `initHost()`) fills it from the image
    /// too. Admin metadata other than `readonly`/`attached_mode` is never shown.
    public static let createImageKey = "ember_create_image_id"

    /// The admin metadata key that remembers the backup a volume is being created from
    /// (3.47 `backup_id`), for the same restart: the volume manager resuming the create hands
    /// it to the backup service rather than leaving it blank.
    public static let createBackupKey = "ember_create_backup_id"
}
