import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// Every store operation, on every backend (see `TestBackend.all`).
@Suite("Volume store")
struct StoreTests {
    static let project = "project-a"
    static let otherProject = "project-b"

    static func makeVolume(
        project: String = project,
        size: Int = 1,
        name: String? = nil,
        status: VolumeStatus = .available,
        createdAt: Date = Date(),
        metadata: [String: String] = [:]
    ) -> Volume {
        Volume(
            userID: "user-1",
            projectID: project,
            size: size,
            volumeTypeID: "type-1",
            status: status,
            displayName: name,
            availabilityZone: "nova",
            createdAt: createdAt,
            metadata: metadata
        )
    }

    // MARK: - Migrations

    @Test(arguments: TestBackend.all)
    func migrationsAreRecordedAndIdempotent(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            #expect(try await database.currentVersion() == EmberDatabase.latestVersion)
            #expect(try await database.migrate() == [])
            #expect(try await database.currentVersion() == EmberDatabase.latestVersion)
            let history = try await database.driver.read { executor in
                try await executor.query("SELECT version FROM ember_migration_history ORDER BY version")
            }
            #expect(
                try history.map { row throws(StoreError) -> Int in try row["version"] }
                    == Migration.all.map(\.version)
            )
            try await database.prepare()
        }
    }

    // MARK: - Volumes

    @Test(arguments: TestBackend.all)
    func volumeLifecycle(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            var volume = Self.makeVolume(size: 3, name: "vol1", status: .creating, metadata: ["a": "1"])
            volume.adminMetadata = ["readonly": "False"]
            volume.imageMetadata = ["image_id": "img-1"]
            volume.multiattach = true
            volume.sharedTargets = nil
            let created = try await store.createVolume(volume)
            #expect(created.id == volume.id)
            #expect(created.size == 3)
            #expect(created.status == .creating)
            #expect(created.metadata == ["a": "1"])
            #expect(created.adminMetadata == ["readonly": "False"])
            #expect(created.imageMetadata == ["image_id": "img-1"])
            #expect(created.multiattach)
            #expect(created.sharedTargets == nil)
            #expect(abs(created.createdAt.timeIntervalSince(volume.createdAt)) < 0.001)

            let fetched = try await store.volume(id: volume.id, scope: .project(Self.project))
            #expect(fetched == created)
            await #expect(throws: StoreError.notFound(.volume, id: volume.id)) {
                try await store.volume(id: volume.id, scope: .project(Self.otherProject))
            }
            #expect(try await store.volume(id: volume.id, scope: .allProjects).id == volume.id)

            let updated = try await store.updateVolume(
                id: volume.id,
                [.status(.available), .host("host@lvm#pool"), .displayName("renamed"), .size(4)]
            )
            #expect(updated.status == .available)
            #expect(updated.host == "host@lvm#pool")
            #expect(updated.displayName == "renamed")
            #expect(updated.size == 4)
            #expect(updated.updatedAt != nil)

            let merged = try await store.updateVolumeMetadata(id: volume.id, kind: .user, ["b": "2"], replace: false)
            #expect(merged == ["a": "1", "b": "2"])
            let replaced = try await store.updateVolumeMetadata(id: volume.id, kind: .user, ["c": "3"], replace: true)
            #expect(replaced == ["c": "3"])
            try await store.deleteVolumeMetadata(id: volume.id, kind: .user, key: "c")
            #expect(try await store.volumeMetadata(id: volume.id, kind: .user) == [:])
            await #expect(throws: StoreError.metadataKeyNotFound(.volume, id: volume.id, key: "c")) {
                try await store.deleteVolumeMetadata(id: volume.id, kind: .user, key: "c")
            }
            #expect(try await store.volumeMetadata(id: volume.id, kind: .image) == ["image_id": "img-1"])

            try await store.deleteVolume(id: volume.id)
            await #expect(throws: StoreError.notFound(.volume, id: volume.id)) {
                try await store.volume(id: volume.id, scope: .allProjects)
            }
            await #expect(throws: StoreError.notFound(.volume, id: volume.id)) {
                try await store.deleteVolume(id: volume.id)
            }
            await #expect(throws: StoreError.notFound(.volume, id: "missing")) {
                try await store.updateVolume(id: "missing", [.status(.error)])
            }
            let volumeID = volume.id
            let row = try await database.driver.read { executor in
                try await executor.first("SELECT status, deleted FROM volumes WHERE id = \(volumeID)")
            }
            #expect(try row?["status"] == "deleted")
            #expect(try row?["deleted"] == true)
        }
    }

    @Test(arguments: TestBackend.all)
    func conditionalUpdateChecksEveryCondition(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await store.createVolume(Self.makeVolume(status: .available))
            // Wrong status: nothing changes.
            #expect(
                try await store.conditionalUpdateVolume(
                    id: volume.id,
                    set: [.status(.deleting)],
                    where: VolumeCondition(status: [.error])
                ) == nil
            )
            #expect(try await store.volume(id: volume.id, scope: .allProjects).status == .available)
            // previous_status takes the value from before the update.
            let uploading = try await store.conditionalUpdateVolume(
                id: volume.id,
                set: [.status(.uploading), .previousStatusFromStatus],
                where: VolumeCondition(
                    status: [.available],
                    attachStatusNotIn: [.attached],
                    migrationStatus: VolumeCondition.availableMigrationStatus,
                    projectID: Self.project,
                    notInGroup: true
                )
            )
            #expect(uploading?.status == .uploading)
            #expect(uploading?.previousStatus == "available")
            // Snapshots block a delete guarded by hasNoSnapshots.
            _ = try await store.updateVolume(id: volume.id, [.status(.available)])
            _ = try await store.createSnapshot(
                Snapshot(
                    volumeID: volume.id,
                    userID: "u",
                    projectID: Self.project,
                    volumeSize: 1,
                    volumeTypeID: "type-1"
                )
            )
            #expect(
                try await store.conditionalUpdateVolume(
                    id: volume.id,
                    set: [.status(.deleting)],
                    where: VolumeCondition(status: [.available], hasNoSnapshots: true)
                ) == nil
            )
            // A migrating volume fails the migration condition.
            _ = try await store.updateVolume(id: volume.id, [.migrationStatus("migrating")])
            #expect(
                try await store.conditionalUpdateVolume(
                    id: volume.id,
                    set: [.status(.deleting)],
                    where: VolumeCondition(migrationStatus: VolumeCondition.availableMigrationStatus)
                ) == nil
            )
            #expect(
                try await store.conditionalUpdateVolume(
                    id: "missing",
                    set: [.status(.deleting)],
                    where: VolumeCondition()
                ) == nil
            )
        }
    }

    @Test(arguments: TestBackend.all)
    func concurrentConditionalUpdatesHaveExactlyOneWinner(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            for _ in 0..<5 {
                let volume = try await store.createVolume(Self.makeVolume(status: .available))
                let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            let result = try await store.conditionalUpdateVolume(
                                id: volume.id,
                                set: [.status(.attaching), .host("writer-\(writer)")],
                                where: VolumeCondition(status: [.available])
                            )
                            return result != nil
                        }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(winners == 1)
                #expect(try await store.volume(id: volume.id, scope: .allProjects).status == .attaching)
            }
        }
    }

    // MARK: - Snapshots

    @Test(arguments: TestBackend.all)
    func snapshotLifecycle(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await store.createVolume(Self.makeVolume(size: 2))
            let snapshot = try await store.createSnapshot(
                Snapshot(
                    volumeID: volume.id,
                    userID: "u",
                    projectID: Self.project,
                    volumeSize: 2,
                    volumeTypeID: "type-1",
                    displayName: "snap",
                    metadata: ["k": "v"]
                )
            )
            #expect(snapshot.status == .creating)
            #expect(snapshot.metadata == ["k": "v"])
            #expect(try await store.snapshot(id: snapshot.id, scope: .project(Self.project)) == snapshot)
            await #expect(throws: StoreError.notFound(.snapshot, id: snapshot.id)) {
                try await store.snapshot(id: snapshot.id, scope: .project(Self.otherProject))
            }
            let available = try await store.conditionalUpdateSnapshot(
                id: snapshot.id,
                set: [.status(.available), .progress("100%")],
                where: SnapshotCondition(status: [.creating], volumeID: volume.id, notInGroupSnapshot: true)
            )
            #expect(available?.status == .available)
            #expect(available?.progress == "100%")
            #expect(
                try await store.conditionalUpdateSnapshot(
                    id: snapshot.id,
                    set: [.status(.deleting)],
                    where: SnapshotCondition(status: [.error])
                ) == nil
            )
            #expect(try await store.updateSnapshot(id: snapshot.id, [.displayName("renamed")]).displayName == "renamed")
            #expect(
                try await store.updateSnapshotMetadata(id: snapshot.id, ["x": "y"], replace: true) == ["x": "y"]
            )
            try await store.deleteSnapshotMetadata(id: snapshot.id, key: "x")
            await #expect(throws: StoreError.metadataKeyNotFound(.snapshot, id: snapshot.id, key: "x")) {
                try await store.deleteSnapshotMetadata(id: snapshot.id, key: "x")
            }
            let page = try await store.listSnapshots(
                ListQuery(scope: .project(Self.project), filters: [.equals("volume_id", volume.id)], withCount: true)
            )
            #expect(page.items.map(\.id) == [snapshot.id])
            #expect(page.count == 1)
            try await store.deleteSnapshot(id: snapshot.id)
            await #expect(throws: StoreError.notFound(.snapshot, id: snapshot.id)) {
                try await store.snapshot(id: snapshot.id, scope: .allProjects)
            }
            // With its snapshot gone the volume can be deleted under the snapshot guard.
            #expect(
                try await store.conditionalUpdateVolume(
                    id: volume.id,
                    set: [.status(.deleting)],
                    where: VolumeCondition(status: [.available], hasNoSnapshots: true)
                ) != nil
            )
        }
    }

    // MARK: - Volume types

    @Test(arguments: TestBackend.all)
    func volumeTypesSpecsAndAccess(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let publicType = try await store.createVolumeType(
                VolumeType(name: "lvm", description: "default", extraSpecs: ["volume_backend_name": "lvm"])
            )
            #expect(publicType.extraSpecs == ["volume_backend_name": "lvm"])
            await #expect(throws: StoreError.volumeTypeExists("lvm")) {
                try await store.createVolumeType(VolumeType(name: "lvm"))
            }
            let privateType = try await store.createVolumeType(VolumeType(name: "gold", isPublic: false))
            #expect(try await store.volumeType(name: "gold").id == privateType.id)
            await #expect(throws: StoreError.volumeTypeNameNotFound("silver")) {
                try await store.volumeType(name: "silver")
            }

            let visible = try await store.listVolumeTypes(ListQuery(scope: .project(Self.project)))
            #expect(visible.items.map(\.name) == ["lvm"])
            try await store.addVolumeTypeAccess(volumeTypeID: privateType.id, projectID: Self.project)
            await #expect(
                throws: StoreError.volumeTypeAccessExists(volumeTypeID: privateType.id, projectID: Self.project)
            ) {
                try await store.addVolumeTypeAccess(volumeTypeID: privateType.id, projectID: Self.project)
            }
            #expect(try await store.volumeTypeAccess(volumeTypeID: privateType.id) == [Self.project])
            let nowVisible = try await store.listVolumeTypes(
                ListQuery(scope: .project(Self.project), sort: [SortKey("name", .asc)])
            )
            #expect(nowVisible.items.map(\.name) == ["gold", "lvm"])
            let onlyPrivate = try await store.listVolumeTypes(
                ListQuery(scope: .allProjects, filters: [.equals("is_public", "false")])
            )
            #expect(onlyPrivate.items.map(\.name) == ["gold"])
            try await store.removeVolumeTypeAccess(volumeTypeID: privateType.id, projectID: Self.project)
            await #expect(
                throws: StoreError.volumeTypeAccessNotFound(volumeTypeID: privateType.id, projectID: Self.project)
            ) {
                try await store.removeVolumeTypeAccess(volumeTypeID: privateType.id, projectID: Self.project)
            }

            let specs = try await store.updateExtraSpecs(volumeTypeID: publicType.id, ["multiattach": "<is> True"])
            #expect(specs == ["volume_backend_name": "lvm", "multiattach": "<is> True"])
            try await store.deleteExtraSpec(volumeTypeID: publicType.id, key: "multiattach")
            await #expect(throws: StoreError.extraSpecNotFound(volumeTypeID: publicType.id, key: "multiattach")) {
                try await store.deleteExtraSpec(volumeTypeID: publicType.id, key: "multiattach")
            }
            let renamed = try await store.updateVolumeType(
                id: publicType.id,
                [.name("lvm-2"), .description(nil), .isPublic(true)]
            )
            #expect(renamed.name == "lvm-2")
            #expect(renamed.description == nil)
            await #expect(throws: StoreError.volumeTypeExists("gold")) {
                try await store.updateVolumeType(id: publicType.id, [.name("gold")])
            }

            var volume = Self.makeVolume()
            volume.volumeTypeID = publicType.id
            _ = try await store.createVolume(volume)
            await #expect(throws: StoreError.volumeTypeInUse(publicType.id)) {
                try await store.deleteVolumeType(id: publicType.id)
            }
            try await store.deleteVolume(id: volume.id)
            try await store.deleteVolumeType(id: publicType.id)
            await #expect(throws: StoreError.notFound(.volumeType, id: publicType.id)) {
                try await store.volumeType(id: publicType.id)
            }
            // The name is free again once the type is deleted.
            _ = try await store.createVolumeType(VolumeType(name: "lvm-2"))
        }
    }

    // MARK: - Attachments

    @Test(arguments: TestBackend.all)
    func attachmentsBelongToTheirVolume(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await store.createVolume(Self.makeVolume())
            let attachment = try await store.createAttachment(
                VolumeAttachment(volumeID: volume.id, instanceUUID: "server-1", attachMode: "rw")
            )
            #expect(attachment.attachStatus == .reserved)
            await #expect(throws: StoreError.notFound(.volume, id: "missing")) {
                try await store.createAttachment(VolumeAttachment(volumeID: "missing"))
            }
            let now = Date()
            let attached = try await store.updateAttachment(
                id: attachment.id,
                [.attachStatus(.attached), .mountpoint("/dev/vdb"), .attachTime(now), .connectionInfo("{\"a\":1}")]
            )
            #expect(attached.attachStatus == .attached)
            #expect(attached.mountpoint == "/dev/vdb")
            #expect(abs((attached.attachTime ?? .distantPast).timeIntervalSince(now)) < 0.001)
            #expect(try await store.attachment(id: attachment.id) == attached)
            #expect(try await store.volume(id: volume.id, scope: .allProjects).attachments == [attached])

            let mine = try await store.listAttachments(
                ListQuery(scope: .project(Self.project), filters: [.equals("instance_uuid", "server-1")])
            )
            #expect(mine.items.map(\.id) == [attachment.id])
            let theirs = try await store.listAttachments(ListQuery(scope: .project(Self.otherProject)))
            #expect(theirs.items.isEmpty)

            try await store.deleteAttachment(id: attachment.id)
            await #expect(throws: StoreError.notFound(.attachment, id: attachment.id)) {
                try await store.attachment(id: attachment.id)
            }
            #expect(try await store.volume(id: volume.id, scope: .allProjects).attachments.isEmpty)
        }
    }

    // MARK: - Services

    @Test(arguments: TestBackend.all)
    func servicesAndHeartbeats(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volumeService = try await store.createService(
                ServiceRecord(host: "node1@lvm", binary: "cinder-volume", topic: "cinder-volume")
            )
            let scheduler = try await store.createService(
                ServiceRecord(host: "node1", binary: "cinder-scheduler", topic: "cinder-scheduler")
            )
            #expect(volumeService.id > 0)
            #expect(scheduler.id != volumeService.id)
            #expect(volumeService.updatedAt != nil)
            #expect(try await store.service(host: "node1@lvm", binary: "cinder-volume").id == volumeService.id)
            let beat = try await store.recordHeartbeat(serviceID: volumeService.id)
            #expect(beat.reportCount == 1)
            #expect(try await store.recordHeartbeat(serviceID: volumeService.id).reportCount == 2)
            let disabled = try await store.updateService(
                id: scheduler.id,
                [.disabled(true), .disabledReason("maintenance")]
            )
            #expect(disabled.disabled)
            #expect(disabled.disabledReason == "maintenance")
            #expect(
                try await store.listServices(host: nil, binary: nil, topic: nil, disabled: true).map(\.id) == [
                    scheduler.id
                ]
            )
            #expect(
                try await store.listServices(host: nil, binary: "cinder-volume", topic: nil, disabled: nil).map(\.id)
                    == [volumeService.id]
            )
            try await store.deleteService(id: scheduler.id)
            await #expect(throws: StoreError.notFound(.service, id: String(scheduler.id))) {
                try await store.service(id: scheduler.id)
            }
        }
    }

    // MARK: - Backups

    @Test(arguments: TestBackend.all)
    func backupLifecycle(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let backup = try await store.createBackup(
                Backup(volumeID: "vol-1", userID: "u", projectID: Self.project, size: 5, displayName: "b1")
            )
            #expect(backup.status == .creating)
            #expect(try await store.backup(id: backup.id, scope: .project(Self.project)) == backup)
            await #expect(throws: StoreError.notFound(.backup, id: backup.id)) {
                try await store.backup(id: backup.id, scope: .project(Self.otherProject))
            }
            #expect(
                try await store.conditionalUpdateBackup(
                    id: backup.id,
                    set: [.status(.deleting)],
                    whereStatusIn: [.available, .error]
                ) == nil
            )
            let done = try await store.updateBackup(id: backup.id, [.status(.available), .objectCount(3)])
            #expect(done.objectCount == 3)
            let deleting = try await store.conditionalUpdateBackup(
                id: backup.id,
                set: [.status(.deleting)],
                whereStatusIn: [.available, .error]
            )
            #expect(deleting?.status == .deleting)
            let page = try await store.listBackups(ListQuery(scope: .project(Self.project), withCount: true))
            #expect(page.items.map(\.id) == [backup.id])
            #expect(page.count == 1)
            try await store.deleteBackup(id: backup.id)
            await #expect(throws: StoreError.notFound(.backup, id: backup.id)) {
                try await store.backup(id: backup.id, scope: .allProjects)
            }
        }
    }

    // MARK: - Messages

    @Test(arguments: TestBackend.all)
    func messagesExpire(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let old = try await store.createMessage(
                UserMessage(
                    projectID: Self.project,
                    resourceType: "VOLUME",
                    resourceUUID: "vol-1",
                    eventID: "VOLUME_000001",
                    expiresAt: Date(timeIntervalSinceNow: -60)
                )
            )
            let fresh = try await store.createMessage(
                UserMessage(
                    projectID: Self.project,
                    eventID: "VOLUME_000002",
                    expiresAt: Date(timeIntervalSinceNow: 3600)
                )
            )
            #expect(try await store.message(id: old.id, scope: .project(Self.project)) == old)
            let page = try await store.listMessages(
                ListQuery(scope: .project(Self.project), filters: [.equals("event_id", "VOLUME_000002")])
            )
            #expect(page.items.map(\.id) == [fresh.id])
            #expect(try await store.deleteExpiredMessages(now: Date()) == 1)
            await #expect(throws: StoreError.notFound(.message, id: old.id)) {
                try await store.message(id: old.id, scope: .allProjects)
            }
            try await store.deleteMessage(id: fresh.id)
            #expect(try await store.listMessages(ListQuery(scope: .allProjects)).items.isEmpty)
        }
    }
}

// MARK: - Default volume types per project (migration 4)

extension StoreTests {
    @Test(arguments: TestBackend.all)
    func projectDefaultTypesSetReplaceListAndUnset(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let gold = try await store.createVolumeType(VolumeType(name: "gold"))
            let silver = try await store.createVolumeType(VolumeType(name: "silver"))
            #expect(try await store.projectDefaultVolumeType(projectID: Self.project) == nil)
            let first = try await store.setProjectDefaultVolumeType(projectID: Self.project, volumeTypeID: gold.id)
            #expect(first.projectID == Self.project && first.volumeTypeID == gold.id)
            // Setting again replaces: still one row for the project.
            let second = try await store.setProjectDefaultVolumeType(projectID: Self.project, volumeTypeID: silver.id)
            #expect(second.volumeTypeID == silver.id)
            #expect(second.updatedAt != nil)
            _ = try await store.setProjectDefaultVolumeType(projectID: Self.otherProject, volumeTypeID: silver.id)
            let all = try await store.listProjectDefaultVolumeTypes()
            #expect(Set(all.map(\.projectID)) == [Self.project, Self.otherProject])
            #expect(all.allSatisfy { $0.volumeTypeID == silver.id })
            #expect(try await store.projectDefaultVolumeType(projectID: Self.project)?.volumeTypeID == silver.id)
            // A type that is gone cannot become a default.
            await #expect(throws: StoreError.notFound(.volumeType, id: "no-such-type")) {
                try await store.setProjectDefaultVolumeType(projectID: Self.project, volumeTypeID: "no-such-type")
            }
            // A type some project has as its default cannot be deleted; gold (no longer one) can.
            await #expect(throws: StoreError.volumeTypeIsProjectDefault(silver.id)) {
                try await store.deleteVolumeType(id: silver.id)
            }
            try await store.deleteVolumeType(id: gold.id)
            try await store.unsetProjectDefaultVolumeType(projectID: Self.project)
            try await store.unsetProjectDefaultVolumeType(projectID: Self.project)
            #expect(try await store.projectDefaultVolumeType(projectID: Self.project) == nil)
            await #expect(throws: StoreError.volumeTypeIsProjectDefault(silver.id)) {
                try await store.deleteVolumeType(id: silver.id)
            }
            try await store.unsetProjectDefaultVolumeType(projectID: Self.otherProject)
            try await store.deleteVolumeType(id: silver.id)
            #expect(try await store.listProjectDefaultVolumeTypes().isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func concurrentSettersOfOneProjectLeaveOneRow(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            var ids: [String] = []
            for index in 0..<6 { ids.append(try await store.createVolumeType(VolumeType(name: "t\(index)")).id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in ids {
                    group.addTask { _ = try await store.setProjectDefaultVolumeType(projectID: "p", volumeTypeID: id) }
                }
                try await group.waitForAll()
            }
            let rows = try await store.listProjectDefaultVolumeTypes()
            #expect(rows.count == 1)
            #expect(ids.contains(rows.first?.volumeTypeID ?? ""))
        }
    }

    @Test(arguments: TestBackend.all)
    func expiredMessagesAreRemovedOthersStay(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let now = Date()
            let expired = try await store.createMessage(
                UserMessage(projectID: Self.project, eventID: "VOLUME_VOLUME_001_003", expiresAt: now - 1)
            )
            let living = try await store.createMessage(
                UserMessage(projectID: Self.otherProject, eventID: "VOLUME_VOLUME_001_003", expiresAt: now + 60)
            )
            #expect(try await store.deleteExpiredMessages(now: now) == 1)
            #expect(try await store.deleteExpiredMessages(now: now) == 0)
            let left = try await store.listMessages(ListQuery(scope: .allProjects))
            #expect(left.items.map(\.id) == [living.id])
            await #expect(throws: StoreError.notFound(.message, id: expired.id)) {
                try await store.message(id: expired.id, scope: .allProjects)
            }
            // Another project's message is not visible in a project scope.
            await #expect(throws: StoreError.notFound(.message, id: living.id)) {
                try await store.message(id: living.id, scope: .project(Self.project))
            }
        }
    }
}
