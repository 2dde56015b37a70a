import EmberBus
import EmberCore
import EmberStore
import Foundation
import Logging

/// What `POST /attachments` asks for (`cinder/api/v3/attachments.py:create`).
public struct AttachmentCreateRequest: Sendable, Equatable {
    public var volumeID: String
    /// The server (or any consumer) the volume is attached to; nil reserves for no one.
    public var instanceUUID: String?
    /// os-brick's connector; nil (or an empty object) only reserves the volume.
    public var connector: JSONValue?
    /// `rw`/`ro` from 3.54; cinder's default is the string `null`.
    public var mode: String

    public init(volumeID: String, instanceUUID: String?, connector: JSONValue?, mode: String = "null") {
        self.volumeID = volumeID
        self.instanceUUID = instanceUUID
        self.connector = connector
        self.mode = mode
    }
}

/// The attachments API of `cinder/volume/api.py` (3.27–3.54): `attachment_create`
/// (`_attachment_reserve`), `attachment_update`, `attachment_delete` and the controller's
/// `os-complete`. Status rules come from ``AttachmentTransitions`` and the attachment
/// transitions of ``VolumeTransitions``, shared with the legacy `os-reserve`…`os-detach`
/// actions; every change of a volume runs under ``exclusively(onVolume:_:)``, as cinder
/// serialises them under its per-volume lock.
///
/// Like cinder, create and update answer the row as it was read before the backend call,
/// with the new `connection_info` and `attach_mode` set: the `attaching` the backend wrote
/// shows on the next read.
extension VolumeAPI {
    // MARK: - Reads

    /// `VolumeAttachment.get_by_id`: a live attachment whose volume is in the caller's
    /// project (any project for admins); else cinder's `VolumeAttachmentNotFound`.
    public nonisolated func attachment(id: String, caller: Identity) async throws -> VolumeAttachment {
        let notFound = EmberError.notFound("Volume attachment could not be found with filter: attachment_id = \(id).")
        let attachment: VolumeAttachment
        do {
            attachment = try await store.attachment(id: id)
        } catch {
            if case .notFound = error { throw notFound }
            throw error
        }
        if !caller.isAdmin {
            do {
                _ = try await store.volume(id: attachment.volumeID, scope: scope(for: caller))
            } catch {
                if case .notFound = error { throw notFound }
                throw error
            }
        }
        return attachment
    }

    /// `VolumeAttachmentList.get_all(_by_project)`: scoped by the volume's project.
    /// A page of attachments; an unknown marker is a 404 as cinder's.
    public nonisolated func listAttachments(_ query: ListQuery) async throws -> Page<VolumeAttachment> {
        try await Self.page(of: "VolumeAttachment") { () async throws(StoreError) in
            try await store.listAttachments(query)
        }
    }

    /// The project of an attachment's volume, for the policy target (cinder's
    /// `VolumeAttachment.project_id`).
    public nonisolated func attachmentProject(_ attachment: VolumeAttachment) async -> String? {
        try? await store.volume(id: attachment.volumeID, scope: .allProjects).projectID
    }

    /// The `format` admin metadata of an attachment's volume, which cinder's `show` copies
    /// into the connection info.
    public nonisolated func attachmentVolumeFormat(_ attachment: VolumeAttachment) async -> String? {
        try? await store.volume(id: attachment.volumeID, scope: .allProjects).adminMetadata["format"]
    }

    // MARK: - Create (reserve, and connect when a connector is given)

    /// `attachment_create`: refuses a volume in an `error*` status (400 `InvalidVolume`),
    /// reserves it (``VolumeTransitions/attachmentReserve(multiattach:)``; a multiattach
    /// volume that is `in-use` and bootable first needs `volume:multiattach_bootable_volume`,
    /// checked by `authorizeMultiattachBootable`), inserts a `reserved` row for
    /// `instanceUUID`, and with a connector asks the backend to connect it (RPC call
    /// `attachment_update`). The mode is `ro` when the volume's `readonly` admin metadata is
    /// set at all (cinder's deprecated override), else the requested one.
    public nonisolated func createAttachment(
        _ request: AttachmentCreateRequest,
        caller: Identity,
        requestID: String,
        authorizeMultiattachBootable: @Sendable (Volume) throws -> Void
    ) async throws -> VolumeAttachment {
        try await exclusively(onVolume: request.volumeID) {
            let volume = try await self.volume(id: request.volumeID, caller: caller)
            if !VolumeTransitions.attachmentCreate.allows(volume.status) {
                throw EmberError.badRequest(
                    "Invalid volume: Volume attachments can not be created if the volume is in an error state. The Volume \(volume.id) currently has a status of: \(volume.status.rawValue) "
                )
            }
            try await reserveForAttachment(
                volume,
                instanceUUID: request.instanceUUID,
                authorizeMultiattachBootable: authorizeMultiattachBootable
            )
            var attachment = try await store.createAttachment(
                VolumeAttachment(
                    volumeID: volume.id,
                    instanceUUID: request.instanceUUID,
                    attachStatus: AttachmentTransitions.initialStatus
                )
            )
            var connectionInfo: JSONValue = .object([:])
            if let connector = request.connector, case .object(let fields) = connector, !fields.isEmpty {
                connectionInfo = try await connect(
                    volume,
                    connector: connector,
                    attachmentID: attachment.id,
                    caller: caller,
                    requestID: requestID,
                    failure: (
                        "Unable to create attachment for volume", "Unable to create attachment for volume.", false
                    )
                )
            }
            let mode = volume.adminMetadata["readonly"] != nil ? "ro" : request.mode
            _ = try await store.updateAttachment(
                id: attachment.id,
                [.connectionInfo(connectionInfo.serialized()), .attachMode(mode)]
            )
            attachment.connectionInfo = connectionInfo.serialized()
            attachment.attachMode = mode
            logger.info(
                "Attachment created",
                metadata: ["volume.id": .string(volume.id), "attachment.id": .string(attachment.id)]
            )
            return attachment
        }
    }

    /// `_attachment_reserve`'s conditional update, and its exception for the same instance
    /// attaching again (LP #1694530): a volume `in-use` or `reserved` that already has an
    /// attachment for `instanceUUID` is reserved again without a status change.
    nonisolated func reserveForAttachment(
        _ volume: Volume,
        instanceUUID: String?,
        authorizeMultiattachBootable: @Sendable (Volume) throws -> Void
    ) async throws {
        if volume.multiattach && volume.status == .inUse && volume.bootable {
            try authorizeMultiattachBootable(volume)
        }
        let reserve = VolumeTransitions.attachmentReserve(multiattach: volume.multiattach)
        if try await store.apply(reserve, toVolume: volume.id) != nil { return }
        if let instanceUUID, VolumeTransitions.attachmentReserveOverride.contains(volume.status) {
            let fresh = try await store.volume(id: volume.id, scope: .allProjects)
            if fresh.attachments.contains(where: { $0.instanceUUID == instanceUUID }) { return }
        }
        let expected = VolumeStatus.allCases.filter(reserve.allows).map(\.rawValue)
        throw EmberError.badRequest(
            "Invalid volume: Volume \(volume.id) status must be \(Self.orList(expected)) to reserve, but the current status is \(volume.status.rawValue)."
        )
    }

    // MARK: - Update (connect)

    /// `attachment_update`: the volume must not be in an `error*` status (409
    /// `ResourceConflict`); a volume that is not multiattach (by the column or its type) and
    /// has several attachments must not have a connected one yet (409, "duplicate
    /// connectors"); then the backend connects the row (RPC call) and the connection info
    /// is stored on it.
    public nonisolated func updateAttachment(
        _ attachment: VolumeAttachment,
        connector: JSONValue,
        caller: Identity,
        requestID: String
    ) async throws -> VolumeAttachment {
        try await exclusively(onVolume: attachment.volumeID) {
            let volume = try await self.volume(id: attachment.volumeID, caller: caller)
            if !VolumeTransitions.attachmentUpdate.allows(volume.status) {
                throw EmberError.conflict(
                    "Resource conflict: Volume attachments can not be updated if the volume is in an error state. The Volume \(volume.id) currently has a status of: \(volume.status.rawValue) "
                )
            }
            var sharable = volume.multiattach
            if !sharable { sharable = try await typeIsMultiattach(volume) }
            if volume.attachments.count > 1, !sharable {
                let hosts = Set(
                    volume.attachments.filter { Self.hasConnectionInfo($0) }.map { Self.connectorHost($0) }
                )
                if !hosts.isEmpty {
                    throw EmberError.conflict("Resource conflict: duplicate connectors detected on volume \(volume.id)")
                }
            }
            let info = try await connect(
                volume,
                connector: connector,
                attachmentID: attachment.id,
                caller: caller,
                requestID: requestID,
                failure: ("Unable to update attachment", "Unable to update the attachment.", true)
            )
            _ = try await store.updateAttachment(id: attachment.id, [.connectionInfo(info.serialized())])
            var answered = attachment
            answered.connectionInfo = info.serialized()
            return answered
        }
    }

    // MARK: - Complete (3.44)

    /// `os-complete`: the attachment → `attached`, the volume → `in-use`/`attached`,
    /// whatever they were (cinder writes both without a condition).
    public nonisolated func completeAttachment(_ attachment: VolumeAttachment, caller: Identity) async throws {
        try await exclusively(onVolume: attachment.volumeID) {
            _ = try await self.volume(id: attachment.volumeID, caller: caller)
            _ = try await store.updateAttachment(
                id: attachment.id,
                [.attachStatus(AttachmentTransitions.complete.to)]
            )
            try await store.apply(
                VolumeTransitions.attachmentComplete,
                toVolume: attachment.volumeID,
                also: [.attachStatus(.attached)]
            )
            logger.info(
                "Attachment completed",
                metadata: ["volume.id": .string(attachment.volumeID), "attachment.id": .string(attachment.id)]
            )
        }
    }

    // MARK: - Delete

    /// `attachment_delete`: `attachment_deletion_allowed` (a non-service caller may not drop
    /// an attachment that connects a server: 409), the backend terminates the connection
    /// (RPC call, skipped for a `reserved` row), then `finish_detach`: the row goes, the
    /// volume's statuses follow the attachments left
    /// (``VolumeTransitions/afterDetach(remaining:status:migrationStatus:)``) and
    /// `attached_mode` is dropped. Returns the attachments left on the volume.
    public nonisolated func deleteAttachment(
        _ attachment: VolumeAttachment,
        caller: Identity,
        requestID: String
    ) async throws -> [VolumeAttachment] {
        try await exclusively(onVolume: attachment.volumeID) {
            let volume = try await store.volume(id: attachment.volumeID, scope: .allProjects)
            try await requireAttachmentDeletionAllowed(attachment.id, volume: volume, caller: caller)
            if AttachmentTransitions.deleteCallsBackend(attachment.attachStatus) {
                do {
                    try await caster.attachmentDelete(
                        volume,
                        attachmentID: attachment.id,
                        caller: caller,
                        requestID: requestID
                    )
                } catch {
                    throw Self.attachmentFailure(
                        error,
                        "Unable to delete attachment",
                        generic: "Unable to delete the attachment.",
                        passInvalid: true
                    )
                }
            }
            let remaining = try await finishDetach(volumeID: volume.id, attachmentID: attachment.id)
            logger.info(
                "Attachment deleted",
                metadata: ["volume.id": .string(volume.id), "attachment.id": .string(attachment.id)]
            )
            return remaining
        }
    }

    /// cinder's `Volume.finish_detach`: the row goes (already gone is fine), the volume's
    /// statuses follow the attachments left and `attached_mode` is dropped; returns the
    /// attachments left.
    nonisolated func finishDetach(volumeID: String, attachmentID: String) async throws -> [VolumeAttachment] {
        do {
            try await store.deleteAttachment(id: attachmentID)
        } catch {
            if case .notFound = error {} else { throw error }
        }
        let remaining = try await store.listAttachments(
            ListQuery(scope: .allProjects, filters: [.equals("volume_id", volumeID)])
        ).items
        let current = try await store.volume(id: volumeID, scope: .allProjects)
        _ = try await store.updateVolume(
            id: volumeID,
            VolumeTransitions.afterDetach(
                remaining: remaining.map(\.attachStatus),
                status: current.status,
                migrationStatus: current.migrationStatus
            )
        )
        do {
            try await store.deleteVolumeMetadata(id: volumeID, kind: .admin, key: "attached_mode")
        } catch {
            if case .metadataKeyNotFound = error {} else { throw error }
        }
        return remaining
    }

    // MARK: - Helpers

    /// `_is_multiattach(volume_type)`: the type's `multiattach` extra spec is `<is> True`.
    nonisolated func typeIsMultiattach(_ volume: Volume) async throws -> Bool {
        guard let type = try? await types.volumeType(id: volume.volumeTypeID) else { return false }
        return type.extraSpecs["multiattach"] == "<is> True"
    }

    /// Whether cinder's `if a.connection_info` holds: stored and not an empty object.
    static func hasConnectionInfo(_ attachment: VolumeAttachment) -> Bool {
        guard let text = attachment.connectionInfo, let value = try? JSONValue.parse(text) else { return false }
        switch value {
        case .null: return false
        case .object(let object): return !object.isEmpty
        default: return true
        }
    }

    /// The `host` of an attachment's stored connector ("" when none).
    static func connectorHost(_ attachment: VolumeAttachment) -> String {
        guard let text = attachment.connector, let value = try? JSONValue.parse(text) else { return "" }
        return value["host"]?.stringValue ?? ""
    }

    /// `utils.build_or_str`: `a`, `a or b`, `a, b or c`.
    static func orList(_ words: [String]) -> String {
        guard let last = words.last else { return "" }
        return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " or " + last
    }

    /// How cinder's attachments controller answers a failed backend call: a 4xx the
    /// controller re-raises (`Invalid` for update and delete; only `InvalidVolume` for create)
    /// keeps its status and text (without the `ClassName: ` prefix the manager adds); another
    /// 4xx (a `CinderException`) is the 500 `"<prefix> (<message>)."`; anything else the 500
    /// `generic`.
    /// The backend's `attachment_update` call: the connection info, or the call's failure
    /// worded as `failure` says (cinder's prefix, its generic text, whether an invalid-volume
    /// error keeps its own words).
    nonisolated func connect(
        _ volume: Volume,
        connector: JSONValue,
        attachmentID: String,
        caller: Identity,
        requestID: String,
        failure: (prefix: String, generic: String, passInvalid: Bool)
    ) async throws -> JSONValue {
        do {
            return try await caster.attachmentUpdate(
                volume,
                connector: connector,
                attachmentID: attachmentID,
                caller: caller,
                requestID: requestID
            )
        } catch {
            throw Self.attachmentFailure(
                error,
                failure.prefix,
                generic: failure.generic,
                passInvalid: failure.passInvalid
            )
        }
    }

    static func attachmentFailure(
        _ error: any Error,
        _ prefix: String,
        generic: String,
        passInvalid: Bool
    )
        -> any Error
    {
        if let ember = error as? EmberError { return ember }
        guard case .remote(let remote)? = error as? BusError, let status = remote.status, status < 500 else {
            return EmberError(status: 500, message: generic)
        }
        var message = remote.message
        var className = ""
        if let colon = message.range(of: ": "), !message[..<colon.lowerBound].contains(" ") {
            className = String(message[..<colon.lowerBound])
            message = String(message[colon.upperBound...])
        }
        if status == 404 || passInvalid || className == "InvalidVolume" {
            return EmberError(status: status, message: message)
        }
        return EmberError(status: 500, message: "\(prefix) (\(message)).")
    }
}
