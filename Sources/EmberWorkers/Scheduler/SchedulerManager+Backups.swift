import EmberBus
import EmberCore
import EmberStore
import EmberVolume
import Foundation

extension SchedulerManager {
    /// `create_backup(backup)`: picks a live backup host (the volume's own host when it runs
    /// one and `backup_use_same_host` is set, else any in the zone; an incremental keeps its
    /// parent's host) and casts to it. Without one the volume gets its status back and the
    /// backup `error` ("Service not found for creating backup.").
    func createBackup(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = envelope.arguments["backup_id"]?.stringValue ?? envelope.arguments["backup"]?["id"]?.stringValue
        else { return .null }
        let backup: Backup
        do {
            backup = try await store.backup(id: id, scope: .allProjects)
        } catch {
            if case .notFound = error { return .null }
            throw error
        }
        let volume = try await store.liveVolume(id: backup.volumeID)
        var host = backup.host
        if host == nil {
            let zone = backup.availabilityZone ?? volume?.availabilityZone
            let now = clock.now
            let window = configuration.serviceDownTime.seconds
            let services = try await store.listServices(host: nil, binary: "cinder-backup", topic: nil, disabled: false)
                .filter { abs(now.timeIntervalSince($0.updatedAt ?? $0.createdAt)) <= window }
                .filter { zone == nil || $0.availabilityZone == zone }
            let volumeHost = volume?.host.map { String($0.split(separator: "@").first ?? "") }
            host = services.first(where: { $0.host == volumeHost })?.host ?? services.randomElement()?.host
        }
        guard let host else {
            logger.error("Service not found for creating backup.", metadata: ["backup.id": .string(id)])
            if let volume, volume.status == .backingUp {
                _ = try await store.conditionalUpdateVolume(
                    id: volume.id,
                    set: [
                        .status(volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available),
                        .previousStatus(volume.status.rawValue),
                    ],
                    where: VolumeCondition(status: [.backingUp])
                )
            }
            if let snapshotID = backup.snapshotID {
                _ = try await store.conditionalUpdateSnapshot(
                    id: snapshotID,
                    set: [.status(.available)],
                    where: SnapshotCondition(status: [.backingUp])
                )
            }
            _ = try await store.updateBackup(
                id: id,
                [.status(.error), .failReason("Service not found for creating backup.")]
            )
            await messages.record(
                .backupCreate,
                .backupScheduleError,
                resourceType: "VOLUME_BACKUP",
                resourceID: id,
                projectID: backup.projectID,
                context: envelope.context
            )
            return .null
        }
        let scheduled = try await store.updateBackup(id: id, [.host(host)])
        try await BackupRPC(bus: bus).createBackup(scheduled, host: host, context: envelope.context)
        return .null
    }
}
