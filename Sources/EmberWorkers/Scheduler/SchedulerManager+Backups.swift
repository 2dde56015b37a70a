import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension SchedulerManager {
    /// `create_backup(backup)`: picks a live backup host (the volume's own host when it runs
    /// one and `backup_use_same_host` is set, else any in the zone; an incremental keeps its
    /// parent's host) and casts to it. Without one the volume gets its status back and the
    /// backup `error` ("Service not found for creating backup.").
    func createBackup(_ message: SchedulerRPC.CreateBackup, context: RPCContext) async throws -> RPCNoReply {
        let id = message.backupID
        let backup: Backup
        do {
            backup = try await store.backup(id: id, scope: .allProjects)
        } catch {
            if case .notFound = error { return RPCNoReply() }
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
            if let volume, VolumeTransitions.backupEnded.allows(volume.status) {
                try await store.apply(
                    VolumeTransitions.backupEnded,
                    toVolume: volume.id,
                    given: volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available,
                    also: [.previousStatus(volume.status.rawValue)]
                )
            }
            if let snapshotID = backup.snapshotID {
                try await store.apply(SnapshotTransitions.backupEnded, toSnapshot: snapshotID)
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
                context: context
            )
            return RPCNoReply()
        }
        let scheduled = try await store.updateBackup(id: id, [.host(host)])
        try await BackupRPC.client(bus: bus, host: host).cast(
            BackupRPC.CreateBackup(backupID: scheduled.id),
            context: context
        )
        return RPCNoReply()
    }
}
