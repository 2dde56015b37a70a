import EmberCore
import EmberStore
import EmberWorkers
import Foundation
import Testing

/// The backup service's `init_host`: backups a crash left `creating`, `restoring` or
/// `deleting` on this host, and their volumes.
@Suite("Backup service start-up recovery")
struct BackupRecoveryTests {
    @Test(arguments: WorkerBackendKind.all)
    func initHostRecoversInterruptedBackups(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind, startWorkers: false) { workers in
            let store = workers.store
            let project = UUID().uuidString.lowercased()
            let type = try await store.createVolumeType(VolumeType(name: "bt-" + project.prefix(8)))
            func volume(_ status: VolumeStatus, previous: String? = nil) async throws -> Volume {
                let created = try await store.createVolume(
                    Volume(userID: "u", projectID: project, size: 1, volumeTypeID: type.id, status: status)
                )
                if let previous { return try await store.updateVolume(id: created.id, [.previousStatus(previous)]) }
                return created
            }
            func backup(
                _ volume: Volume,
                _ status: BackupStatus,
                host: String,
                restoreTo: String? = nil
            ) async throws
                -> Backup
            {
                var backup = Backup(
                    volumeID: volume.id,
                    userID: "u",
                    projectID: project,
                    size: 1,
                    status: status,
                    host: host
                )
                backup.restoreVolumeID = restoreTo
                return try await store.createBackup(backup)
            }
            let host = workers.configuration.host
            let backingUp = try await volume(.backingUp, previous: "in-use")
            let creating = try await backup(backingUp, .creating, host: host)
            let source = try await volume(.available)
            let target = try await volume(.restoringBackup)
            let restoring = try await backup(source, .restoring, host: host, restoreTo: target.id)
            let deleting = try await backup(source, .deleting, host: host)
            let elsewhere = try await backup(source, .creating, host: "another-host")
            let reservation = try await store.reserve(
                projectID: project,
                deltas: ["backups": 0, "backup_gigabytes": 0],
                limits: [:],
                expiresAt: Date().addingTimeInterval(60)
            )
            try await store.commit(reservation)
            // The usage rows start from the table: four backups of 1 GiB.
            #expect(try await store.quotaUsages(projectID: project)["backups"]?.inUse == 4)

            let manager = BackupManager(
                configuration: workers.configuration,
                backupConfiguration: BackupConfiguration(posixPath: workers.directory.path + "/backup"),
                store: store,
                bus: workers.bus
            )
            await manager.initHost()

            let failed = try await store.backup(id: creating.id, scope: .allProjects)
            #expect(failed.status == .error)
            #expect(failed.failReason == "incomplete backup reset on manager restart")
            #expect(try await store.volume(id: backingUp.id, scope: .allProjects).status == .inUse)
            #expect(try await store.backup(id: restoring.id, scope: .allProjects).status == .available)
            #expect(try await store.volume(id: target.id, scope: .allProjects).status == .errorRestoring)
            await #expect(throws: StoreError.self) { _ = try await store.backup(id: deleting.id, scope: .allProjects) }
            #expect(try await store.backup(id: elsewhere.id, scope: .allProjects).status == .creating)
            let usage = try await store.quotaUsages(projectID: project)
            #expect(usage["backups"]?.inUse == 3)
            #expect(usage["backup_gigabytes"]?.inUse == 3)
        }
    }
}
