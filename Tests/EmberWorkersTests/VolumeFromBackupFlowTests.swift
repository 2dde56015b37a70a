import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

/// The volume service's part of a volume created from a backup (3.47): the raw volume, the
/// backup claimed for the restore, the volume `restoring-backup`, `restore_backup` cast to a
/// live backup host; and its failures. No backup service runs here: the casts wait on the bus
/// (`LiveVolumeFromBackupTests` runs the restore itself).
@Suite("Volume from a backup: the volume service's hand-off")
struct VolumeFromBackupFlowTests {
    static func backup(_ workers: Workers, status: BackupStatus = .available, size: Int = 1) async throws -> Backup {
        try await workers.store.createBackup(
            Backup(
                volumeID: "11111111-2222-3333-4444-555555555555",
                userID: "u",
                projectID: workers.caller.projectID!,
                size: size,
                status: status,
                host: "gone-backup-host",
                availabilityZone: "nova",
                service: "cinder.backup.drivers.posix.PosixBackupDriver"
            )
        )
    }

    static func backupService(_ workers: Workers, host: String) async throws {
        _ = try await workers.store.createService(
            ServiceRecord(host: host, binary: "cinder-backup", topic: "cinder-backup", availabilityZone: "nova")
        )
    }

    static func create(_ workers: Workers, from backup: Backup, size: Int? = nil) async throws -> Volume {
        try await workers.api.createVolume(
            VolumeCreateRequest(size: size, backup: backup),
            caller: workers.caller,
            requestID: "req-" + UUID().uuidString.lowercased()
        )
    }

    @Test(
        "the raw volume is made, the backup claimed on a live backup host, the volume restoring-backup",
        arguments: WorkerBackendKind.all
    )
    func handsTheRawVolumeToALiveBackupHost(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            try await Self.backupService(workers, host: "bk-" + workers.configuration.host)
            let backup = try await Self.backup(workers, size: 1)
            let created = try await Self.create(workers, from: backup, size: 2)
            #expect(created.size == 2)
            let volume = try await workers.waitForVolume(created.id, [.restoringBackup, .error, .available])
            #expect(volume.status == .restoringBackup)
            // The key that remembered the backup goes just after the hand-off.
            try await waitUntil("the create forgets its backup key") {
                try await workers.store.volume(id: created.id, scope: .allProjects).adminMetadata.isEmpty
            }
            #expect(volume.serviceUUID != nil)
            let host = try #require(volume.host)
            let backend = String(host.split(separator: "@")[1].split(separator: "#")[0])
            #expect(fileSize(workers.directory.path + "/" + backend + "/volume-" + created.id) == 2 << 30)
            let claimed = try await workers.store.backup(id: backup.id, scope: .allProjects)
            #expect(claimed.status == .restoring)
            #expect(claimed.restoreVolumeID == created.id)
            // The backup's own host is down: another live host of its zone takes the restore.
            #expect(claimed.host == "bk-" + workers.configuration.host)
            // The volume cannot be deleted while the backup service fills it.
            await #expect(throws: EmberError.self) { try await workers.deleteVolume(created.id) }
        }
    }

    @Test("no live backup service: the volume is error with a user message, the backup untouched")
    func noBackupServiceFailsTheVolume() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let backup = try await Self.backup(workers)
            let created = try await Self.create(workers, from: backup)
            #expect(try await workers.waitForVolume(created.id, [.restoringBackup, .error]).status == .error)
            let messages = try await workers.waitForMessage(in: .project(workers.caller.projectID!), "018") {
                $0.resourceUUID == created.id
            }
            #expect(messages.first?.eventID == "VOLUME_VOLUME_015_018")
            #expect(try await workers.store.backup(id: backup.id, scope: .allProjects).status == .available)
        }
    }

    @Test(
        "a backup that left available after the API's check: the volume is error with a user message",
        arguments: WorkerBackendKind.all
    )
    func backupTakenMeanwhileFailsTheVolume(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            try await Self.backupService(workers, host: "bk-" + workers.configuration.host)
            let backup = try await Self.backup(workers)
            // Another restore takes the backup after the API read it `available`.
            _ = try await workers.store.updateBackup(id: backup.id, [.status(.restoring), .restoreVolumeID("other")])
            let created = try await Self.create(workers, from: backup)
            #expect(try await workers.waitForVolume(created.id, [.restoringBackup, .error]).status == .error)
            let messages = try await workers.waitForMessage(in: .project(workers.caller.projectID!), "017") {
                $0.resourceUUID == created.id
            }
            #expect(messages.first?.eventID == "VOLUME_VOLUME_015_017")
            let untouched = try await workers.store.backup(id: backup.id, scope: .allProjects)
            #expect(untouched.status == .restoring && untouched.restoreVolumeID == "other")
        }
    }

    @Test("a volume manager restarting mid-create still restores the backup", arguments: WorkerBackendKind.all)
    func initHostResumesACreateFromBackup(kind: WorkerBackendKind) async throws {
        let volumeID = UUID().uuidString.lowercased()
        let backupID = UUID().uuidString.lowercased()
        // A volume left `creating` from a backup by a volume service that stopped before it
        // made the raw volume: no cast will come again, `init_host` resumes it.
        let seed: @Sendable (SQLStore, WorkerConfiguration) async throws -> Void = { store, configuration in
            _ = try await store.createService(
                ServiceRecord(
                    host: "bk-" + configuration.host,
                    binary: "cinder-backup",
                    topic: "cinder-backup",
                    availabilityZone: "nova"
                )
            )
            _ = try await store.createBackup(
                Backup(id: backupID, volumeID: "v", userID: "u", projectID: "p", size: 1, status: .available)
            )
            let type = try await store.createVolumeType(VolumeType(name: "t-" + volumeID.prefix(6)))
            _ = try await store.createVolume(
                Volume(
                    id: volumeID,
                    userID: "u",
                    projectID: "p",
                    size: 1,
                    volumeTypeID: type.id,
                    host: configuration.host + "@alpha#alpha",
                    adminMetadata: [Volume.createBackupKey: backupID]
                )
            )
        }
        try await WorkerHarness.run(kind, seed: seed) { workers in
            let resumed = try await workers.waitForVolume(volumeID, [.restoringBackup, .error, .available])
            #expect(resumed.status == .restoringBackup)
            #expect(fileSize(workers.directory.path + "/alpha/volume-" + volumeID) == 1 << 30)
            let claimed = try await workers.store.backup(id: backupID, scope: .allProjects)
            #expect(claimed.status == .restoring && claimed.restoreVolumeID == volumeID)
            try await waitUntil("the create forgets its backup key") {
                try await workers.store.volume(id: volumeID, scope: .allProjects).adminMetadata.isEmpty
            }
        }
    }
}
