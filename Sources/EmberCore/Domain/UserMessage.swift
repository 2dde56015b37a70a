import Foundation

/// A user-visible message (`messages`, API 3.3): why an asynchronous operation failed.
public struct UserMessage: Sendable, Equatable {
    public var id: String
    public var projectID: String
    /// `ERROR` in practice.
    public var messageLevel: String
    public var requestID: String?
    public var resourceType: String?
    public var resourceUUID: String?
    public var eventID: String
    public var detailID: String?
    public var actionID: String?
    public var expiresAt: Date?
    public var createdAt: Date
    public var deleted: Bool

    public init(
        id: String = UUID().uuidString.lowercased(),
        projectID: String,
        messageLevel: String = "ERROR",
        requestID: String? = nil,
        resourceType: String? = nil,
        resourceUUID: String? = nil,
        eventID: String,
        detailID: String? = nil,
        actionID: String? = nil,
        expiresAt: Date? = nil,
        createdAt: Date = Date(),
        deleted: Bool = false
    ) {
        self.id = id
        self.projectID = projectID
        self.messageLevel = messageLevel
        self.requestID = requestID
        self.resourceType = resourceType
        self.resourceUUID = resourceUUID
        self.eventID = eventID
        self.detailID = detailID
        self.actionID = actionID
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.deleted = deleted
    }
}

extension UserMessage {
    /// cinder's `message_field.Action`: id → what was being done.
    public static let actions: [String: String] = [
        "001": "schedule allocate volume",
        "002": "attach volume",
        "003": "copy volume to image",
        "004": "update attachment",
        "005": "copy image to volume",
        "006": "unmanage volume",
        "007": "extend volume",
        "008": "create volume from backend storage",
        "009": "create snapshot",
        "010": "delete snapshot",
        "011": "update snapshot",
        "012": "update snapshot metadata",
        "013": "create backup",
        "014": "delete backup",
        "015": "restore backup",
        "016": "reimage volume",
    ]

    /// cinder's `message_field.Detail`: id → what went wrong.
    public static let details: [String: String] = [
        "001": "An unknown error occurred.",
        "002": "Driver is not initialized at present.",
        "003": "Could not find any available weighted backend.",
        "004": "Failed to upload volume to image at backend.",
        "005": "Volume's attach mode is invalid.",
        "006": "Not enough quota resource for operation.",
        "007": "Image used for creating volume exceeds available space.",
        "008": "Unmanaging encrypted volumes is not supported.",
        "009": "Compute service failed to extend volume.",
        "010": "Volume Driver failed to extend volume.",
        "011": "Image signature verification failed.",
        "012": "Driver failed to create the volume.",
        "013": "Snapshot failed to create.",
        "014": "Volume snapshot update metadata failed.",
        "015": "Snapshot is busy.",
        "016": "Snapshot failed to delete.",
        "017": "Backup status is invalid.",
        "018": "Backup service is down.",
        "019": "Failed to get backup device from the volume service.",
        "020": "Backup driver failed to create backup.",
        "021": "Failed to attach volume.",
        "022": "Failed to detach volume.",
        "023": "Cleanup of temporary volume/snapshot failed.",
        "024": "Backup failed to schedule. Service not found for creating backup.",
        "025": "Backup driver failed to delete backup.",
        "026": "Backup driver failed to restore backup.",
        "027": "Volume status is invalid.",
        "028": "Compute service failed to reimage volume.",
        "029":
            "The image disk format must be the same as the volume format for the volume type you are requesting.",
        "030": "Incremental backup not possible, forcing full backup.",
    ]

    /// cinder's `defined_messages.event_id_message_map`, for messages recorded without an
    /// action (the pre-Pike event ids).
    public static let legacyEvents: [String: String] = [
        "VOLUME_000001": "An unknown error occurred.",
        "VOLUME_000002":
            "No storage could be allocated for this volume request. You may be able to try another size or volume type.",
        "VOLUME_000003": "A readonly volume must be attached as readonly.",
        "VOLUME_000004":
            "Failed to copy volume to image as image quota has been met. Please delete images or have your limit increased, then try again.",
        "VOLUME_000005": "Unmanaging encrypted volumes is not supported.",
    ]

    /// The `user_message` the API shows (`MessagesController._build_user_message`):
    /// `"<action text>:<detail text>"`, an unknown action as `unknown action` and an unknown
    /// detail as the unknown error's text; without an action, the legacy event's text.
    public var userMessage: String? {
        guard let actionID else { return Self.legacyEvents[eventID] }
        let action = Self.actions[actionID] ?? "unknown action"
        let detail = detailID.flatMap { Self.details[$0] } ?? "An unknown error occurred."
        return action + ":" + detail
    }
}
