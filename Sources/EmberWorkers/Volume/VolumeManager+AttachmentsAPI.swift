import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

/// The volume service's side of the attachments API (3.27): `attachment_update` and
/// `attachment_delete` of `cinder/volume/manager.py`. The connection itself comes from
/// ``initializeConnection(_:)`` and goes with ``terminateConnection(_:)``, the methods the
/// legacy `os-initialize_connection`/`os-terminate_connection` use, so both flows export a
/// volume the same way (a local path or an iSCSI target, as the backend is configured).
extension VolumeManager {
    /// `attachment_update(vref, connector, attachment_id)` (a call): the mode comes from the
    /// attachment when `attachment_create` gave one (3.54), else from the connector (`rw`
    /// when absent); the driver's connection info is flattened (`data` merged into the top
    /// level) with `attachment_id` and `enforce_multipath`; the row records the connector
    /// and goes `attaching` with the host, mountpoint (`na` when absent) and mode, and the
    /// volume `attaching` (`volume_attached` with `mark_attached=False`; `os-complete` makes
    /// both `attached`/`in-use`).
    func attachmentUpdate(_ message: VolumeRPC.AttachmentUpdate, context: RPCContext) async throws -> JSONValue {
        let id = message.volumeID
        return try await serialized(id) {
            guard try await liveVolume(id) != nil else {
                throw EmberError.notFound("Volume \(id) could not be found.")
            }
            let attachment = try await attachmentRow(message.attachmentID)
            guard case .object(var connector) = message.connector else {
                throw EmberError.badRequest("Invalid input received: The connector must be an object.")
            }
            var mode = connector["mode"]?.stringValue ?? "rw"
            if let chosen = attachment.attachMode, chosen != "null" {
                mode = chosen
                connector["mode"] = .string(chosen)
            }
            let info = try await initializeConnection(
                VolumeRPC.InitializeConnection(volumeID: id, connector: .object(connector))
            )
            var connection = JSONObject()
            if case .object(var top) = info {
                let data = top["data"]?.objectValue ?? JSONObject()
                top["data"] = nil
                connection = data
                for entry in top.entries { connection[entry.key] = entry.value }
            }
            connection["attachment_id"] = .string(attachment.id)
            connection["enforce_multipath"] = connector["enforce_multipath"] ?? .bool(false)
            if let instance = attachment.instanceUUID, !Self.isUUIDLike(instance) {
                throw EmberError.badRequest("InvalidUUID: Expected a UUID but received \(instance).")
            }
            _ = try await store.updateAttachment(
                id: attachment.id,
                [
                    .connector(JSONValue.object(connector).serialized()),
                    .attachStatus(AttachmentTransitions.connect.to),
                    .mountpoint(connector["mountpoint"]?.stringValue ?? "na"),
                    .attachedHost(connector["host"]?.stringValue ?? ""),
                    .attachTime(Date()),
                    .attachMode(mode),
                ]
            )
            _ = try await store.updateVolume(
                id: id,
                VolumeTransitions.attachmentConnect.changes(also: [.attachStatus(.attaching)])
            )
            logger.info("attachment_update completed successfully.", metadata: ["volume.id": .string(id)])
            return .object(connection)
        }
    }

    /// `attachment_delete(attachment_id, vref)` (a call): terminates the attachment's
    /// connection when it has a connector (a row reserved for a shelved server never
    /// connected). The row and the volume's statuses are the API's to change afterwards
    /// (`finish_detach`), so that its notification and answer come after them.
    func attachmentDelete(_ message: VolumeRPC.AttachmentDelete, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        return try await serialized(id) {
            let attachment = try await attachmentRow(message.attachmentID)
            guard let text = attachment.connector, let connector = try? JSONValue.parse(text), connector != .null
            else {
                logger.debug(
                    "No connector for attachment; skipping storage backend terminate_connection call.",
                    metadata: ["attachment.id": .string(attachment.id)]
                )
                return RPCNoReply()
            }
            _ = try await terminateConnection(
                VolumeRPC.TerminateConnection(volumeID: id, connector: connector, force: false)
            )
            logger.info("Terminate volume connection completed successfully.", metadata: ["volume.id": .string(id)])
            return RPCNoReply()
        }
    }

    /// The live attachment row `id`; cinder's `VolumeAttachmentNotFound` (404) when gone.
    func attachmentRow(_ id: String) async throws -> VolumeAttachment {
        do {
            return try await store.attachment(id: id)
        } catch {
            if case .notFound = error {
                throw EmberError.notFound("Volume attachment could not be found with filter: attachment_id = \(id).")
            }
            throw error
        }
    }
}
