import EmberCore
import EmberStore

/// The status overrides of `os-admin-actions` (`cinder/api/contrib/admin_actions.py`): an
/// admin puts a volume or snapshot stuck after a failure back into a status the rules of
/// ``VolumeTransitions`` and ``SnapshotTransitions`` can take it on from.
extension VolumeAPI {
    /// `os-reset_status` on a volume: any of `status`, `attachStatus` and `migrationStatus`
    /// (`none` clears it); resetting `attach_status` to `detached` drops every attachment and
    /// the `attached_mode`, as cinder's `_clean_volume_attachment`.
    public nonisolated func resetVolumeStatus(
        _ volume: Volume,
        status: VolumeStatus?,
        attachStatus: VolumeAttachStatus?,
        migrationStatus: String?
    ) async throws {
        if let status,
            let refusal = VolumeTransitions.resetRefusal(to: status, hasAttachments: !volume.attachments.isEmpty)
        {
            throw EmberError.badRequest(refusal)
        }
        var also: [VolumeUpdate] = []
        if let attachStatus { also.append(.attachStatus(attachStatus)) }
        if let migrationStatus { also.append(.migrationStatus(migrationStatus == "none" ? nil : migrationStatus)) }
        try await exclusively(onVolume: volume.id) {
            try await store.apply(VolumeTransitions.resetStatus, toVolume: volume.id, given: status, also: also)
            if attachStatus == .detached {
                for attachment in volume.attachments { try await store.deleteAttachment(id: attachment.id) }
                try? await store.deleteVolumeMetadata(id: volume.id, kind: .admin, key: "attached_mode")
            }
        }
        logger.info(
            "Volume status reset by an admin",
            metadata: [
                "volume.id": .string(volume.id), "status": .string(status?.rawValue ?? "-"),
                "attach_status": .string(attachStatus?.rawValue ?? "-"),
                "migration_status": .string(migrationStatus ?? "-"),
            ]
        )
    }
}
