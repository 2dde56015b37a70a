import EmberBus
import EmberCore
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

/// Retype and migration through the real scheduler and two file backends: placement, the
/// bytes on disk, the rows and the quota.
@Suite("Retype and migration across two file backends")
struct MigrationFlowTests {
    /// Types pinned to each backend and one any backend serves.
    struct Types {
        let alpha: VolumeType
        let beta: VolumeType
        let any: VolumeType
    }

    /// Type names are unique per test: PostgreSQL runs share one database.
    static func types(_ workers: Workers) async throws -> Types {
        let suffix = "-" + workers.configuration.host
        return Types(
            alpha: try await workers.store.createVolumeType(
                VolumeType(name: "on-alpha" + suffix, extraSpecs: ["volume_backend_name": "alpha"])
            ),
            beta: try await workers.store.createVolumeType(
                VolumeType(name: "on-beta" + suffix, extraSpecs: ["volume_backend_name": "beta"])
            ),
            any: try await workers.store.createVolumeType(VolumeType(name: "anywhere" + suffix))
        )
    }

    /// The usage of `resource` of `type` (`volumes_<name>` …).
    static func typed(_ resource: String, _ type: VolumeType) -> String { resource + "_" + type.name }

    static func path(_ workers: Workers, _ backend: String, _ id: String) -> String {
        workers.directory.path + "/" + backend + "/volume-" + id
    }

    /// An `available` volume of `type` with `payload` written at 5 MiB and at its last 4 KiB,
    /// and the backend it was placed on.
    static func volumeWithData(
        _ workers: Workers,
        type: VolumeType,
        payload: [UInt8] = payload
    ) async throws -> (Volume, String) {
        let created = try await workers.createVolume(size: 1, type: type.id)
        let volume = try await workers.waitForVolume(created.id, [.available, .error])
        #expect(volume.status == .available)
        let host = try #require(volume.host)
        let backend = String(host.split(separator: "@")[1].split(separator: "#")[0])
        try VolumeDataTests.write(payload, to: path(workers, backend, volume.id), at: 5 << 20)
        try VolumeDataTests.write(payload, to: path(workers, backend, volume.id), at: (1 << 30) - 4096)
        return (volume, backend)
    }

    static func other(_ backend: String) -> String { backend == "alpha" ? "beta" : "alpha" }

    static let payload = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }

    func retype(_ workers: Workers, _ id: String, to type: VolumeType, policy: String?) async throws {
        try await workers.api.retype(
            id: id,
            newType: type.name,
            migrationPolicy: policy,
            caller: workers.caller,
            requestID: "req-" + UUID().uuidString.lowercased(),
            authorizeMultiattach: {}
        )
    }

    func usage(_ workers: Workers) async throws -> [String: QuotaUsage] {
        try await workers.store.quotaUsages(projectID: workers.caller.projectID!)
    }

    /// Waits until the volume leaves `retyping` (or the migration ends); returns it.
    func settled(_ workers: Workers, _ id: String) async throws -> Volume {
        try await waitUntil("volume \(id) settles") {
            let volume = try await workers.store.volume(id: id, scope: .allProjects)
            let migrating = ["starting", "migrating", "completing"].contains(volume.migrationStatus ?? "")
            return volume.status != .retyping && volume.status != .maintenance && !migrating
        }
        return try await workers.store.volume(id: id, scope: .allProjects)
    }

    @Test(
        "retype stays on the volume's backend when it passes; only the type and quota move",
        arguments: WorkerBackendKind.all
    )
    func retypeInPlaceOnTheSameBackend(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            let (volume, _) = try await Self.volumeWithData(workers, type: types.alpha)
            try await retype(workers, volume.id, to: types.any, policy: "on-demand")
            let done = try await settled(workers, volume.id)
            #expect(done.status == .available)
            #expect(done.volumeTypeID == types.any.id)
            #expect(done.host == volume.host, "the current backend passes, so it stays")
            #expect(done.migrationStatus == nil)
            #expect(
                try VolumeDataTests.read(4096, from: Self.path(workers, "alpha", volume.id), at: 5 << 20)
                    == Self.payload
            )
            // The manager commits the reservations right after the status changes.
            try await waitUntil("the retype's reservations are committed") {
                let usage = try await self.usage(workers)
                return usage[Self.typed("volumes", types.any)]?.inUse == 1
                    && usage[Self.typed("volumes", types.alpha)]?.inUse == 0
            }
            let usage = try await usage(workers)
            #expect(usage[Self.typed("volumes", types.alpha)]?.inUse == 0)
            #expect(usage[Self.typed("gigabytes", types.alpha)]?.inUse == 0)
            #expect(usage[Self.typed("volumes", types.any)]?.inUse == 1)
            #expect(usage[Self.typed("gigabytes", types.any)]?.inUse == 1)
            #expect(usage["volumes"]?.inUse == 1)
            #expect(usage[Self.typed("volumes", types.any)]?.reserved == 0)
        }
    }

    @Test(
        "retype that needs another backend: refused with policy never, migrated byte for byte with on-demand",
        arguments: WorkerBackendKind.all
    )
    func retypeMovesOnlyOnDemand(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            let (volume, _) = try await Self.volumeWithData(workers, type: types.alpha)

            try await retype(workers, volume.id, to: types.beta, policy: nil)
            let refused = try await settled(workers, volume.id)
            #expect(refused.status == .available)
            #expect(refused.volumeTypeID == types.alpha.id)
            #expect(refused.host == volume.host)
            // The message and the rollback come after the status (moments later under load).
            try await workers.waitForMessage("no valid backend for \(volume.id)") {
                $0.resourceUUID == volume.id && $0.detailID == "003"
            }
            try await waitUntil("the reservations are rolled back") {
                try await self.usage(workers)[Self.typed("volumes", types.beta)]?.reserved ?? 0 == 0
            }
            var usage = try await usage(workers)
            #expect(usage[Self.typed("volumes", types.beta)]?.inUse ?? 0 == 0)
            #expect(usage[Self.typed("volumes", types.alpha)]?.inUse == 1)

            try await retype(workers, volume.id, to: types.beta, policy: "on-demand")
            let moved = try await settled(workers, volume.id)
            #expect(moved.status == .available)
            #expect(moved.volumeTypeID == types.beta.id)
            #expect(moved.host == workers.configuration.host + "@beta#beta")
            #expect(moved.migrationStatus == "success")
            #expect(moved.id == volume.id)
            let target = Self.path(workers, "beta", volume.id)
            #expect(fileSize(target) == 1 << 30)
            #expect(try VolumeDataTests.read(4096, from: target, at: 5 << 20) == Self.payload)
            #expect(try VolumeDataTests.read(4096, from: target, at: (1 << 30) - 4096) == Self.payload)
            #expect(try VolumeDataTests.read(4096, from: target, at: 0) == [UInt8](repeating: 0, count: 4096))
            try await waitUntil("the source file is gone") { fileSize(Self.path(workers, "alpha", volume.id)) == nil }
            let left = try FileManager.default.contentsOfDirectory(atPath: workers.directory.path + "/beta")
            #expect(left == ["volume-" + volume.id], "no temporary volume file is left")
            // The temporary row goes right after the volume took its place.
            try await waitUntil("the temporary row is gone") {
                let rows = try await workers.store.listVolumes(ListQuery(scope: .project(workers.caller.projectID!)))
                return rows.items.map(\.id) == [volume.id]
            }
            try await waitUntil("the retype's reservations are committed") {
                let usage = try await self.usage(workers)
                return usage[Self.typed("volumes", types.beta)]?.inUse == 1
                    && usage[Self.typed("volumes", types.alpha)]?.inUse == 0
            }
            usage = try await self.usage(workers)
            #expect(usage[Self.typed("volumes", types.alpha)]?.inUse == 0)
            #expect(usage[Self.typed("volumes", types.beta)]?.inUse == 1)
            #expect(usage[Self.typed("gigabytes", types.beta)]?.inUse == 1)
            #expect(usage["volumes"]?.inUse == 1, "the temporary volume uses no quota")
            #expect(usage["gigabytes"]?.inUse == 1)
        }
    }

    @Test(
        "retype to a type encrypted differently is refused (the data would need re-encrypting); connection_info carries the key",
        arguments: WorkerBackendKind.all
    )
    func retypeBetweenEncryptionsIsRefused(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            let encrypted = try await workers.store.createVolumeType(
                VolumeType(name: "encrypted-" + workers.configuration.host)
            )
            _ = try await workers.store.createVolumeTypeEncryption(
                VolumeTypeEncryption(
                    volumeTypeID: encrypted.id,
                    provider: "luks",
                    cipher: "aes-xts-plain64",
                    keySize: 256,
                    controlLocation: "front-end"
                )
            )
            let (volume, backend) = try await Self.volumeWithData(workers, type: types.any)
            for policy in ["on-demand", "never"] {
                try await retype(workers, volume.id, to: encrypted, policy: policy)
                let refused = try await settled(workers, volume.id)
                #expect(refused.status == .available, "\(policy)")
                #expect(refused.volumeTypeID == types.any.id && refused.host == volume.host)
                #expect(refused.encryptionKeyID == nil)
                try await waitUntil("the reservations are rolled back") {
                    try await self.usage(workers)[Self.typed("volumes", encrypted)]?.reserved ?? 0 == 0
                }
            }
            #expect(
                try VolumeDataTests.read(4096, from: Self.path(workers, backend, volume.id), at: 5 << 20)
                    == Self.payload
            )

            // An encrypted volume's connection tells the consumer so, with its key id.
            let keyID = "3e0f9a52-6b1d-4c8e-a7f2-9d4b5c6e7f80"
            _ = try await workers.store.updateVolume(id: volume.id, [.encryptionKeyID(keyID)])
            let info = try await workers.api.initializeConnection(
                id: volume.id,
                connector: ["host": "consumer"],
                caller: workers.caller,
                requestID: "req-connection"
            )
            #expect(info["data"]?["encrypted"] == true)
            #expect(info["data"]?["encryption_key_id"] == .string(keyID))
        }
    }

    @Test("an attached volume that would have to move keeps its type and status")
    func retypeOfAnAttachedVolumeThatMustMoveIsRefused() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            let (volume, _) = try await Self.volumeWithData(workers, type: types.alpha)
            _ = try await workers.store.createAttachment(
                VolumeAttachment(volumeID: volume.id, instanceUUID: UUID().uuidString, attachStatus: .attached)
            )
            _ = try await workers.store.updateVolume(id: volume.id, [.status(.inUse), .attachStatus(.attached)])
            try await retype(workers, volume.id, to: types.beta, policy: "on-demand")
            let refused = try await settled(workers, volume.id)
            #expect(refused.status == .inUse)
            #expect(refused.volumeTypeID == types.alpha.id)
            #expect(refused.host == volume.host)
            #expect(
                try VolumeDataTests.read(4096, from: Self.path(workers, "alpha", volume.id), at: 5 << 20)
                    == Self.payload
            )
            // The rollback comes after the status (moments later under load).
            try await waitUntil("the reservations are rolled back") {
                try await self.usage(workers)[Self.typed("volumes", types.beta)]?.reserved ?? 0 == 0
            }
        }
    }

    @Test("migrate moves the data to the other backend and keeps the id", arguments: WorkerBackendKind.all)
    func migrateMovesTheBytes(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            let (volume, from) = try await Self.volumeWithData(workers, type: types.any)
            let to = Self.other(from)
            try await workers.api.migrateVolume(
                id: volume.id,
                host: workers.configuration.host + "@" + to,
                cluster: nil,
                forceHostCopy: false,
                lockVolume: true,
                caller: workers.caller,
                requestID: "req-migrate"
            )
            let moved = try await settled(workers, volume.id)
            #expect(moved.migrationStatus == "success")
            #expect(moved.status == .available, "maintenance ends with the migration")
            #expect(moved.host == workers.configuration.host + "@\(to)#\(to)")
            #expect(moved.volumeTypeID == types.any.id)
            #expect(moved.nameID == nil, "the file driver renames the data to the volume's own id")
            let target = Self.path(workers, to, volume.id)
            #expect(try VolumeDataTests.read(4096, from: target, at: 5 << 20) == Self.payload)
            #expect(try VolumeDataTests.read(4096, from: target, at: (1 << 30) - 4096) == Self.payload)
            try await waitUntil("the source file is gone") { fileSize(Self.path(workers, from, volume.id)) == nil }
            // The volume works on its new backend: delete removes the new file.
            try await workers.deleteVolume(volume.id)
            try await workers.waitForDeletion(volume.id)
            #expect(fileSize(target) == nil)
        }
    }

    @Test("migrate to a backend that fails the filters: migration_status error, data untouched")
    func migrateToABackendThatFailsTheFilters() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            let (volume, _) = try await Self.volumeWithData(workers, type: types.alpha)
            try await workers.api.migrateVolume(
                id: volume.id,
                host: workers.configuration.host + "@beta",
                cluster: nil,
                forceHostCopy: false,
                lockVolume: true,
                caller: workers.caller,
                requestID: "req-migrate"
            )
            let failed = try await settled(workers, volume.id)
            #expect(failed.migrationStatus == "error")
            #expect(failed.status == .available, "the lock is released")
            #expect(failed.host == volume.host)
            #expect(
                try VolumeDataTests.read(4096, from: Self.path(workers, "alpha", volume.id), at: 5 << 20)
                    == Self.payload
            )
            #expect(fileSize(Self.path(workers, "beta", volume.id)) == nil)
            try await workers.waitForMessage("no valid backend for \(volume.id)") {
                $0.resourceUUID == volume.id && $0.detailID == "003"
            }
            // An `error` migration status does not block the next try (here: back to where it is).
            let rows = try await workers.store.listVolumes(ListQuery(scope: .project(workers.caller.projectID!)))
            #expect(rows.items.count == 1)
        }
    }

    @Test("os-migrate_volume_completion finishes a migration left half way, or abandons it with error")
    func completionCallFinishesOrAbandonsAStuckMigration() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            // A migration stopped after the copy: the source `migrating`, its target created
            // (`target:<id>`) on beta and holding the data.
            let (volume, _) = try await Self.volumeWithData(workers, type: types.alpha)
            let target = try await workers.createVolume(size: 1, type: types.beta.id)
            _ = try await workers.waitForVolume(target.id, [.available, .error])
            try VolumeDataTests.write(Self.payload, to: Self.path(workers, "beta", target.id), at: 5 << 20)
            _ = try await workers.store.updateVolume(
                id: volume.id,
                [.migrationStatus("migrating"), .previousStatus("available")]
            )
            _ = try await workers.store.updateVolume(
                id: target.id,
                [.migrationStatus("target:\(volume.id)"), .useQuota(false)]
            )
            let saved = try await workers.api.migrateVolumeCompletion(
                id: volume.id,
                newVolumeID: target.id,
                error: false,
                caller: workers.caller,
                requestID: "req-complete"
            )
            #expect(saved == volume.id)
            let done = try await workers.store.volume(id: volume.id, scope: .allProjects)
            #expect(done.migrationStatus == "success")
            #expect(done.host == workers.configuration.host + "@beta#beta")
            #expect(done.volumeTypeID == types.beta.id)
            #expect(
                try VolumeDataTests.read(4096, from: Self.path(workers, "beta", volume.id), at: 5 << 20) == Self.payload
            )
            #expect(fileSize(Self.path(workers, "alpha", volume.id)) == nil)
            #expect(fileSize(Self.path(workers, "beta", target.id)) == nil, "renamed to the volume's id")
            try await workers.waitForDeletion(target.id)

            // With `error`, the target goes and the source stays where it is.
            let (second, _) = try await Self.volumeWithData(workers, type: types.alpha)
            let abandoned = try await workers.createVolume(size: 1, type: types.beta.id)
            _ = try await workers.waitForVolume(abandoned.id, [.available, .error])
            _ = try await workers.store.updateVolume(
                id: second.id,
                [.migrationStatus("migrating"), .previousStatus("available")]
            )
            _ = try await workers.store.updateVolume(id: abandoned.id, [.migrationStatus("target:\(second.id)")])
            let kept = try await workers.api.migrateVolumeCompletion(
                id: second.id,
                newVolumeID: abandoned.id,
                error: true,
                caller: workers.caller,
                requestID: "req-abandon"
            )
            #expect(kept == second.id)
            let failed = try await workers.store.volume(id: second.id, scope: .allProjects)
            #expect(failed.migrationStatus == "error")
            #expect(failed.status == .available)
            #expect(failed.host == workers.configuration.host + "@alpha#alpha")
            try await workers.waitForDeletion(abandoned.id)
            try await waitUntil("the abandoned target's file is deleted") {
                fileSize(Self.path(workers, "beta", abandoned.id)) == nil
            }
            #expect(
                try VolumeDataTests.read(4096, from: Self.path(workers, "alpha", second.id), at: 5 << 20)
                    == Self.payload
            )
        }
    }

    @Test("a failed copy removes the temporary volume and leaves the source as it was")
    func failedCopyCleansUp() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let types = try await Self.types(workers)
            let (volume, from) = try await Self.volumeWithData(workers, type: types.any)
            // The source data vanishes behind the backend's back: the copy cannot open it.
            let source = Self.path(workers, from, volume.id)
            let hidden = source + ".hidden"
            #expect(rename(source, hidden) == 0)
            try await workers.api.migrateVolume(
                id: volume.id,
                host: workers.configuration.host + "@" + Self.other(from),
                cluster: nil,
                forceHostCopy: true,
                lockVolume: false,
                caller: workers.caller,
                requestID: "req-migrate"
            )
            let failed = try await settled(workers, volume.id)
            #expect(failed.migrationStatus == "error")
            #expect(failed.status == .available)
            #expect(failed.host == volume.host)
            try await waitUntil("the temporary volume is deleted") {
                try await workers.store.listVolumes(ListQuery(scope: .project(workers.caller.projectID!))).items.map(
                    \.id
                ) == [volume.id]
            }
            try await waitUntil("the temporary file is deleted") {
                let directory = workers.directory.path + "/" + Self.other(from)
                return (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? true
            }
        }
    }
}

@Suite("Extend through the scheduler (backend_passes_filters on the volume's backend)")
struct ExtendPlacementTests {
    @Test("room on the backend: the volume grows; none: back to available, a message, quota rolled back")
    func extendChecksTheBackendsRoom() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let project = workers.caller.projectID!
            try await workers.store.setProjectQuota(projectID: project, resource: "gigabytes", hardLimit: -1)
            let created = try await workers.createVolume(size: 1)
            let volume = try await workers.waitForVolume(created.id, [.available, .error])
            let requestID = "req-" + UUID().uuidString.lowercased()

            try await workers.api.extendVolume(
                id: volume.id,
                newSize: 2,
                attached: false,
                caller: workers.caller,
                requestID: requestID
            )
            let grown = try await workers.waitForVolume(volume.id, [.available, .errorExtending])
            #expect(grown.size == 2)

            // Far beyond what the file system can hold, even thin with the 20× ratio.
            let huge = 1_000_000
            try await workers.api.extendVolume(
                id: volume.id,
                newSize: huge,
                attached: false,
                caller: workers.caller,
                requestID: requestID
            )
            try await waitUntil("the extend is refused") {
                try await workers.store.volume(id: volume.id, scope: .allProjects).status == .available
            }
            let refused = try await workers.store.volume(id: volume.id, scope: .allProjects)
            #expect(refused.size == 2)
            // The message and the rollback come after the status (moments later under load).
            try await workers.waitForMessage(in: .project(project), "the extend of \(volume.id) failed") {
                $0.resourceUUID == volume.id && $0.eventID == "VOLUME_VOLUME_007_003"
            }
            try await waitUntil("the growth's reservation is rolled back") {
                try await workers.store.quotaUsages(projectID: project)["gigabytes"]?.reserved == 0
            }
            let usage = try await workers.store.quotaUsages(projectID: project)
            #expect(usage["gigabytes"]?.inUse == 2)
            #expect(usage["gigabytes"]?.reserved == 0, "the growth's reservation is rolled back")
        }
    }
}
