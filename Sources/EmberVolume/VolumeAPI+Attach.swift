import EmberBus
import EmberCore
import EmberStore
import Foundation
import Logging

/// The legacy attach actions of `cinder/volume/api.py` behind `POST /volumes/{id}/action`:
/// `os-reserve`, `os-unreserve`, `os-begin_detaching`, `os-roll_detaching` (conditional
/// updates only) and `os-attach`, `os-detach`, `os-initialize_connection`,
/// `os-terminate_connection` (bus calls to the volume's backend).
extension VolumeAPI {
    // MARK: - Reserve and detaching marks (database only)

    /// `reserve_volume`: `available` (or `in-use` too when multiattach) → `attaching`.
    public nonisolated func reserveVolume(id: String, caller: Identity) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            let reserve = VolumeTransitions.reserve(multiattach: volume.multiattach)
            guard try await store.apply(reserve, toVolume: id) != nil else {
                let expected = VolumeStatus.allCases.filter(reserve.allows)
                throw EmberError.badRequest(
                    "Invalid volume: Volume status must be \(expected.map(\.rawValue).joined(separator: " or ")) to reserve, but the status is \(volume.status.rawValue)."
                )
            }
            logger.info("Reserve volume completed successfully.", metadata: ["volume.id": .string(id)])
        }
    }

    /// `unreserve_volume`: `attaching` → `in-use` when the volume has attachments, else
    /// `available`; anything else is left alone.
    public nonisolated func unreserveVolume(id: String, caller: Identity) async throws {
        try await exclusively(onVolume: id) {
            _ = try await volume(id: id, caller: caller)
            try await unreserve(id: id)
        }
    }

    nonisolated func unreserve(id: String) async throws {
        if try await store.apply(VolumeTransitions.unreserveAttached, toVolume: id) == nil {
            try await store.apply(VolumeTransitions.unreserveDetached, toVolume: id)
        }
    }

    /// `begin_detaching`: `in-use` and `attached` (and not migrating) → `detaching`. A
    /// migrating volume passes silently, as in cinder.
    public nonisolated func beginDetaching(id: String, caller: Identity) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            let detaching = try await store.apply(VolumeTransitions.beginDetaching, toVolume: id)
            let migrating = !VolumeCondition.availableMigrationStatus.contains(volume.migrationStatus)
            guard detaching != nil || migrating else {
                throw EmberError.badRequest(
                    "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach."
                )
            }
        }
    }

    /// `roll_detaching`: `detaching` → `in-use`; anything else is left alone.
    public nonisolated func rollDetaching(id: String, caller: Identity) async throws {
        try await exclusively(onVolume: id) {
            _ = try await volume(id: id, caller: caller)
            try await store.apply(
                VolumeTransitions.rollDetaching,
                toVolume: id
            )
        }
    }

    // MARK: - Attach and detach (calls to the backend)

    /// `attach`: adds the `readonly` admin metadata if missing, refuses a read-write attach
    /// of a read-only volume, then asks the backend (a call) to record the attachment.
    public nonisolated func attach(
        id: String,
        _ request: AttachRequest,
        caller: Identity,
        requestID: String
    ) async throws -> JSONValue {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            if !VolumeTransitions.attach.allows(volume.status) {
                throw EmberError.badRequest("Invalid volume: The volume cannot be attached in maintenance mode.")
            }
            var readonly = volume.adminMetadata["readonly"]
            if readonly == nil {
                readonly = "False"
                _ = try await store.updateVolumeMetadata(id: id, kind: .admin, ["readonly": "False"], replace: false)
            }
            if readonly == "True" && request.mode != "ro" {
                throw EmberError.badRequest("Invalid attaching mode '\(request.mode)' for volume \(id).")
            }
            do {
                let attachment = try await caster.attachVolume(
                    volume,
                    attach: request,
                    caller: caller,
                    requestID: requestID
                )
                logger.info("Attach volume completed successfully.", metadata: ["volume.id": .string(id)])
                return attachment
            } catch {
                throw Self.remoteBadRequest(error, prefix: "Error attaching volume")
            }
        }
    }

    /// `detach`: checks the caller may delete the attachment, then asks the backend (a
    /// call) to remove it.
    public nonisolated func detach(
        id: String,
        attachmentID: String?,
        caller: Identity,
        requestID: String,
        errorPrefix: String = "Error detaching volume"
    ) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            try await requireAttachmentDeletionAllowed(attachmentID, volume: volume, caller: caller)
            if !VolumeTransitions.detach.allows(volume.status) {
                throw EmberError.badRequest("Invalid volume: The volume cannot be detached in maintenance mode.")
            }
            do {
                try await caster.detachVolume(volume, attachmentID: attachmentID, caller: caller, requestID: requestID)
            } catch {
                throw Self.remoteBadRequest(error, prefix: errorPrefix)
            }
            logger.info("Detach volume completed successfully.", metadata: ["volume.id": .string(id)])
        }
    }

    /// `initialize_connection`: the backend's connection info for `connector` (a call).
    public nonisolated func initializeConnection(
        id: String,
        connector: JSONValue,
        caller: Identity,
        requestID: String
    ) async throws -> JSONValue {
        let volume = try await self.volume(id: id, caller: caller)
        if !VolumeTransitions.initializeConnection.allows(volume.status) {
            throw EmberError.badRequest(
                "Invalid volume: The volume connection cannot be initialized in maintenance mode."
            )
        }
        return try await caster.initializeConnection(volume, connector: connector, caller: caller, requestID: requestID)
    }

    /// `terminate_connection`: checks the caller may drop the attachment, asks the backend
    /// (a call), then unreserves the volume.
    public nonisolated func terminateConnection(
        id: String,
        connector: JSONValue,
        caller: Identity,
        requestID: String
    ) async throws {
        let volume = try await self.volume(id: id, caller: caller)
        try await requireAttachmentDeletionAllowed(nil, volume: volume, caller: caller)
        try await caster.terminateConnection(
            volume,
            connector: connector,
            force: false,
            caller: caller,
            requestID: requestID
        )
        try await unreserve(id: id)
    }

    /// `attachment_deletion_allowed` (bug #2004555): only a service may drop an attachment
    /// that connects a server. Ember has no compute client to ask whether the server still
    /// uses it, so such an attachment is refused as when the compute service confirms it.
    nonisolated func requireAttachmentDeletionAllowed(
        _ attachmentID: String?,
        volume: Volume,
        caller: Identity
    ) async throws {
        if caller.roles.contains("service") { return }
        var attachment: VolumeAttachment?
        if let attachmentID {
            attachment = volume.attachments.first { $0.id == attachmentID }
            if attachment == nil, let other = try? await store.attachment(id: attachmentID) {
                guard other.volumeID == volume.id else {
                    throw EmberError.badRequest("Invalid input received: Mismatched volume and attachment")
                }
                attachment = other
            }
        } else {
            if volume.attachments.isEmpty { return }
            if volume.attachments.count == 1 { attachment = volume.attachments[0] }
        }
        // cinder's `not attachment.connection_info`: none stored, or an empty object (what
        // `attachment_create` stores without a connector).
        if let attachment, attachment.instanceUUID == nil || !Self.hasConnectionInfo(attachment) { return }
        throw EmberError.conflict(
            // cinder 29.0.0's ConflictNovaUsingAttachment text starts with its class name.
            "ConflictNovaUsingAttachment: Detach volume from instance \(attachment?.instanceUUID ?? "") using the Compute API"
        )
    }

    /// A 4xx error from a backend call, worded as cinder's controller words a `RemoteError`
    /// (`Error attaching volume - InvalidVolume: …`); anything else passes through.
    static func remoteBadRequest(_ error: any Error, prefix: String) -> any Error {
        guard case .remote(let remote)? = error as? BusError, let status = remote.status, status < 500 else {
            return error
        }
        return EmberError(status: 400, message: "\(prefix) - \(remote.message)")
    }
}
