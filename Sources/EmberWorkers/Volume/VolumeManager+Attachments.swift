import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension VolumeManager {
    /// `attach_volume(volume_id, instance_uuid, host_name, mountpoint, mode)` (a call): the
    /// legacy attach bookkeeping of cinder's manager. An attachment already recorded for the
    /// same server (or host) is returned as it is; otherwise a row is created `attaching`,
    /// the mode is kept in the `attached_mode` admin metadata, then the row becomes
    /// `attached` and the volume `in-use`/`attached`. Refusals are 400s worded
    /// `InvalidVolume: Invalid volume: …` for the API to prefix.
    func attachVolume(_ message: VolumeRPC.AttachVolume, context: RPCContext) async throws -> JSONValue {
        let id = message.volumeID
        let instanceUUID = message.instanceUUID
        let hostName = message.hostName.map(Self.sanitizeHostname)
        let mountpoint = message.mountpoint
        let mode = message.mode ?? "rw"
        return try await serialized(id) {
            guard let volume = try await liveVolume(id) else {
                throw EmberError.notFound("Volume \(id) could not be found.")
            }
            if volume.status == .attaching, let attachedMode = volume.adminMetadata["attached_mode"],
                attachedMode != mode
            {
                throw Self.invalidVolume("being attached by different mode")
            }
            let filter: ListFilter =
                instanceUUID.map { .equals("instance_uuid", $0) } ?? .equals("attached_host", hostName ?? "")
            let existing = try await store.listAttachments(ListQuery(scope: .allProjects, filters: [filter]))
            if let known = existing.items.first(where: { $0.volumeID == id }) {
                try await store.apply(VolumeTransitions.attachedLegacy, toVolume: id)
                return Self.json(known)
            }
            if volume.status == .inUse && !volume.multiattach && volume.migrationStatus == nil {
                throw Self.invalidVolume("volume is already attached and multiple attachments are not enabled")
            }
            var attachment = try await store.createAttachment(
                VolumeAttachment(volumeID: id, attachStatus: .attaching)
            )
            _ = try await store.updateVolumeMetadata(id: id, kind: .admin, ["attached_mode": mode], replace: false)
            if let instanceUUID, !Self.isUUIDLike(instanceUUID) {
                _ = try await store.updateAttachment(
                    id: attachment.id,
                    [.attachStatus(AttachmentTransitions.attachLegacyFailed.to)]
                )
                throw EmberError.badRequest("InvalidUUID: Expected a UUID but received \(instanceUUID).")
            }
            if volume.adminMetadata["readonly"] == "True" && mode != "ro" {
                _ = try await store.updateAttachment(
                    id: attachment.id,
                    [.attachStatus(AttachmentTransitions.attachLegacyFailed.to)]
                )
                throw EmberError.badRequest(
                    "InvalidVolumeAttachMode: Invalid attaching mode '\(mode)' for volume \(id)."
                )
            }
            logger.info(
                "Attaching volume",
                metadata: [
                    "volume.id": .string(id), "instance": .string(instanceUUID ?? "-"),
                    "mountpoint": .string(mountpoint ?? "-"), "host": .string(hostName ?? "-"),
                ]
            )
            attachment = try await store.updateAttachment(
                id: attachment.id,
                [
                    .mountpoint(mountpoint), .attachStatus(AttachmentTransitions.attachLegacy.to),
                    .instanceUUID(instanceUUID),
                    .attachedHost(hostName), .attachTime(Date()), .attachMode(mode),
                ]
            )
            try await store.apply(VolumeTransitions.attachedLegacy, toVolume: id, also: [.attachStatus(.attached)])
            logger.info("Attach volume completed successfully.", metadata: ["volume.id": .string(id)])
            return Self.json(attachment)
        }
    }

    /// `detach_volume(volume_id, attachment_id)` (a call): deletes the attachment, then sets
    /// the volume's status from the attachments left (`in-use`, or `available`/`detached`)
    /// and drops `attached_mode`. Without an id the only attachment is meant; several → 400.
    func detachVolume(_ message: VolumeRPC.DetachVolume, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        let attachmentID = message.attachmentID
        return try await serialized(id) {
            guard let volume = try await liveVolume(id) else {
                throw EmberError.notFound("Volume \(id) could not be found.")
            }
            var target: String
            if let attachmentID {
                target = attachmentID
            } else if volume.attachments.count > 1 {
                throw Self.invalidVolume(
                    "Detach volume failed: More than one attachment, but no attachment_id provided."
                )
            } else if let only = volume.attachments.first {
                target = only.id
            } else {
                logger.info("Volume detach called, but volume not attached.", metadata: ["volume.id": .string(id)])
                try await store.apply(
                    VolumeTransitions.detachedWithoutAttachments,
                    toVolume: id,
                    also: [.attachStatus(.detached)]
                )
                return RPCNoReply()
            }
            try await finishDetach(volume, attachmentID: target)
            logger.info("Detach volume completed successfully.", metadata: ["volume.id": .string(id)])
            return RPCNoReply()
        }
    }

    /// cinder's `volume_detached`: the attachment row goes (if it exists), the volume's
    /// statuses follow the remaining attachments as
    /// ``VolumeTransitions/afterDetach(remaining:status:migrationStatus:)`` says (the rule the
    /// attachments API's delete shares).
    func finishDetach(_ volume: Volume, attachmentID: String) async throws {
        if volume.attachments.contains(where: { $0.id == attachmentID }) {
            do {
                try await store.deleteAttachment(id: attachmentID)
            } catch {
                if case .notFound = error {} else { throw error }
            }
        }
        let remaining = try await store.listAttachments(
            ListQuery(scope: .allProjects, filters: [.equals("volume_id", volume.id)])
        ).items
        let changes = VolumeTransitions.afterDetach(
            remaining: remaining.map(\.attachStatus),
            status: volume.status,
            migrationStatus: volume.migrationStatus
        )
        _ = try await store.updateVolume(id: volume.id, changes)
        do {
            try await store.deleteVolumeMetadata(id: volume.id, kind: .admin, key: "attached_mode")
        } catch {
            if case .metadataKeyNotFound = error {} else { throw error }
        }
    }

    /// An `InvalidVolume` for the caller of a call: `InvalidVolume: Invalid volume: <reason>`.
    static func invalidVolume(_ reason: String) -> EmberError {
        EmberError.badRequest("InvalidVolume: Invalid volume: \(reason)")
    }

    /// The attachment row as cinder's `VolumeAttachment` object serialises its main fields.
    static func json(_ attachment: VolumeAttachment) -> JSONValue {
        [
            "id": .string(attachment.id),
            "volume_id": .string(attachment.volumeID),
            "instance_uuid": .optional(attachment.instanceUUID),
            "attached_host": .optional(attachment.attachedHost),
            "mountpoint": .optional(attachment.mountpoint),
            "attach_status": .string(attachment.attachStatus.rawValue),
            "attach_mode": .optional(attachment.attachMode),
        ]
    }

    /// `volume_utils.sanitize_hostname`: Latin-1 only, spaces and underscores as dashes,
    /// only word characters, `.` and `-`, lower-cased, no leading or trailing `.`/`-`.
    static func sanitizeHostname(_ name: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in name.unicodeScalars where scalar.value < 256 {
            if scalar == " " || scalar == "_" {
                kept.append("-")
            } else if scalar == "." || scalar == "-" || scalar.properties.isAlphabetic
                || scalar.properties.numericType != nil
            {
                kept.append(scalar)
            }
        }
        var text = String(kept).lowercased()
        while let first = text.first, first == "." || first == "-" { text.removeFirst() }
        while let last = text.last, last == "." || last == "-" { text.removeLast() }
        return text
    }

    /// oslo's `is_uuid_like`: a UUID in any of the accepted spellings.
    static func isUUIDLike(_ text: String) -> Bool {
        let hex = text.lowercased().replacingOccurrences(of: "urn:uuid:", with: "").filter {
            $0 != "-" && $0 != "{" && $0 != "}"
        }
        return hex.count == 32 && hex.allSatisfy(\.isHexDigit)
    }
}
