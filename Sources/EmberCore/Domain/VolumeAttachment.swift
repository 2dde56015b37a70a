import Foundation

/// An attachment row (`volume_attachment`): one volume attached (or being attached) to one instance.
public struct VolumeAttachment: Sendable, Equatable {
    public var id: String
    public var volumeID: String
    public var instanceUUID: String?
    public var attachedHost: String?
    public var mountpoint: String?
    public var attachTime: Date?
    public var detachTime: Date?
    public var attachStatus: VolumeAttachStatus
    /// `rw` or `ro`.
    public var attachMode: String?
    /// JSON text, as cinder stores it.
    public var connectionInfo: String?
    /// JSON text, as cinder stores it.
    public var connector: String?
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool

    public init(
        id: String = UUID().uuidString.lowercased(),
        volumeID: String,
        instanceUUID: String? = nil,
        attachedHost: String? = nil,
        mountpoint: String? = nil,
        attachTime: Date? = nil,
        detachTime: Date? = nil,
        attachStatus: VolumeAttachStatus = .reserved,
        attachMode: String? = nil,
        connectionInfo: String? = nil,
        connector: String? = nil,
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false
    ) {
        self.id = id
        self.volumeID = volumeID
        self.instanceUUID = instanceUUID
        self.attachedHost = attachedHost
        self.mountpoint = mountpoint
        self.attachTime = attachTime
        self.detachTime = detachTime
        self.attachStatus = attachStatus
        self.attachMode = attachMode
        self.connectionInfo = connectionInfo
        self.connector = connector
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
    }
}

/// One field change on an attachment row.
public enum AttachmentUpdate: Sendable, Equatable {
    case attachStatus(VolumeAttachStatus)
    case instanceUUID(String?)
    case attachedHost(String?)
    case mountpoint(String?)
    case attachTime(Date?)
    case detachTime(Date?)
    case attachMode(String?)
    case connectionInfo(String?)
    case connector(String?)
}
