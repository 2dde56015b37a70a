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
