import EmberBus
import EmberCore
import EmberStore
import Foundation
import Logging

/// Writes user messages (API 3.3) the way cinder's `message_api.create` does: event id
/// `VOLUME_<resource type>_<action>_<detail>`, level `ERROR`, created now by the worker's
/// clock and expiring `message_ttl` later (30 days by default). The API renders the text
/// from the action and detail ids (`MessageAPI`).
struct UserMessageRecorder: Sendable {
    /// cinder's `message_field.Action` ids Ember uses.
    enum Action: String {
        case scheduleAllocateVolume = "001"
        case copyVolumeToImage = "003"
        case extendVolume = "007"
        case createVolumeFromBackend = "008"
        case snapshotCreate = "009"
        case snapshotDelete = "010"
        case backupCreate = "013"
        case backupDelete = "014"
        case backupRestore = "015"
    }

    /// cinder's `message_field.Detail` ids Ember uses.
    enum Detail: String {
        case unknownError = "001"
        case noBackendAvailable = "003"
        case failedToUploadVolume = "004"
        case driverFailedExtend = "010"
        case driverFailedCreate = "012"
        case snapshotCreateError = "013"
        case backupInvalidState = "017"
        case backupServiceDown = "018"
        case backupCreateDriverError = "020"
        case attachError = "021"
        case backupScheduleError = "024"
        case backupDeleteDriverError = "025"
        case backupRestoreError = "026"
        case volumeInvalidState = "027"
    }

    let store: any MessageStore
    let logger: Logger
    var clock: any EmberClock = .system
    /// `message_ttl` in seconds.
    var timeToLive: TimeInterval = 2_592_000

    /// Records a message for `resourceID` in the caller's project; failures are only logged.
    func record(
        _ action: Action,
        _ detail: Detail,
        resourceType: String = "VOLUME",
        resourceID: String,
        projectID: String?,
        context: RPCContext
    ) async {
        guard let projectID = projectID ?? context.projectID else { return }
        let now = clock.now
        let message = UserMessage(
            projectID: projectID,
            requestID: context.requestID,
            resourceType: resourceType,
            resourceUUID: resourceID,
            eventID: "VOLUME_\(resourceType)_\(action.rawValue)_\(detail.rawValue)",
            detailID: detail.rawValue,
            actionID: action.rawValue,
            expiresAt: now.addingTimeInterval(timeToLive),
            createdAt: now
        )
        do {
            _ = try await store.createMessage(message)
        } catch {
            logger.warning("Failed to create user message", metadata: ["error": "\(error)"])
        }
    }
}
