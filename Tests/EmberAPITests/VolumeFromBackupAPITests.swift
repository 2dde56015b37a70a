import EmberCore
import EmberStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `POST /volumes` with `backup_id` (3.47) through the router without workers: the backup
/// checks of cinder's create flow, the policies, the quota, and what reaches the scheduler.
/// `LiveBackupTests` restores the bytes with every service running.
@Suite struct VolumeFromBackupAPITests {
    static let projectA = PolicyEnforcementTests.projectA

    /// A backup row of `project` in `status`, as the backup service leaves it.
    static func backup(
        _ api: VolumeAPI,
        project: String = APIHarness.project,
        status: BackupStatus = .available,
        size: Int = 2
    ) async throws -> Backup {
        try await api.store.createBackup(
            Backup(
                volumeID: "11111111-2222-3333-4444-555555555555",
                userID: "alice",
                projectID: project,
                size: size,
                status: status,
                host: "backup-host",
                availabilityZone: "nova",
                service: "cinder.backup.drivers.posix.PosixBackupDriver"
            )
        )
    }

    /// Sets a volume `available` (no workers run here).
    static func makeAvailable(_ api: VolumeAPI, volume: String) async throws {
        _ = try await api.store.updateVolume(id: volume, [.status(.available)])
    }

    static func status(_ api: VolumeAPI, backup: String) async throws -> BackupStatus {
        try await api.store.backup(id: backup, scope: .allProjects).status
    }

    static func create(
        _ client: any TestClientProtocol,
        _ volume: String,
        project: String = APIHarness.project,
        headers: HTTPFields = APIHarness.headers(version: "3.47")
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/v3/\(project)/volumes",
            method: .post,
            headers: headers,
            body: ByteBuffer(string: #"{"volume": \#(volume)}"#)
        )
    }

    @Test func aVolumeFromABackupTakesItsSizeCountsQuotaAndGoesToTheScheduler() async throws {
        try await APIHarness.run { client, casts, api in
            let backup = try await Self.backup(api, size: 3)
            let response = try await Self.create(client, #"{"backup_id": "\#(backup.id)", "name": "from-b"}"#)
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(response.json?["volume"]?["id"]?.stringValue)
            #expect(response.json?["volume"]?["size"] == 3)
            #expect(response.json?["volume"]?["status"] == "creating")
            #expect(casts.casts == ["create_volume:\(id)"])
            // The backup is claimed by the volume service, not by the API (cinder's flow).
            #expect(try await api.store.backup(id: backup.id, scope: .allProjects).status == .available)
            let stored = try await api.store.volume(id: id, scope: .allProjects)
            #expect(stored.adminMetadata[Volume.createBackupKey] == backup.id)
            let usage = try await api.store.quotaUsages(projectID: APIHarness.project)
            #expect(usage["volumes"]?.inUse == 1)
            #expect(usage["gigabytes"]?.inUse == 3)
            // Larger than the backup is allowed.
            let larger = try await Self.create(client, #"{"backup_id": "\#(backup.id)", "size": 5}"#)
            #expect(larger.status == .accepted, "\(larger.text)")
            #expect(larger.json?["volume"]?["size"] == 5)
            #expect(try await api.store.quotaUsages(projectID: APIHarness.project)["gigabytes"]?.inUse == 8)
        }
    }

    @Test func overQuotaRefusesAndStoresNothing() async throws {
        try await APIHarness.run(conf: "quota_gigabytes = 2\n") { client, casts, api in
            let backup = try await Self.backup(api, size: 3)
            let response = try await Self.create(client, #"{"backup_id": "\#(backup.id)"}"#)
            #expect(response.status.code == 413, "\(response.text)")
            #expect(response.json?["overLimit"] != nil, "\(response.text)")
            #expect(casts.casts.isEmpty)
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
        }
    }

    /// Every backup status: only `available` may be restored into a new volume.
    @Test(arguments: BackupStatus.allCases)
    func onlyAnAvailableBackupMayBeTheSource(status: BackupStatus) async throws {
        try await APIHarness.run { client, casts, api in
            let backup = try await Self.backup(api, status: status)
            let response = try await Self.create(client, #"{"backup_id": "\#(backup.id)"}"#)
            if status == .available {
                #expect(response.status == .accepted, "\(response.text)")
            } else {
                #expect(response.status == .badRequest, "\(response.text)")
                #expect(
                    response.json?["badRequest"]?["message"]
                        == "Invalid backup: Originating backup status must be one of 'available' values"
                )
                #expect(casts.casts.isEmpty)
                #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
            }
        }
    }

    /// admin, member, reader, another project.
    @Test func rolesAndProjects() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            let backup = try await Self.backup(api, project: Self.projectA)
            let body = #"{"backup_id": "\#(backup.id)"}"#
            let reader = try await Self.create(
                client,
                body,
                project: Self.projectA,
                headers: PolicyEnforcementTests.readerA
            )
            #expect(reader.status == .forbidden, "\(reader.text)")
            #expect(reader.json?["forbidden"]?["message"] == "Policy doesn't allow volume:create to be performed.")
            let other = try await Self.create(
                client,
                body,
                project: PolicyEnforcementTests.projectB,
                headers: PolicyEnforcementTests.memberB
            )
            #expect(other.status == .notFound, "\(other.text)")
            #expect(other.json?["itemNotFound"]?["message"] == .string("Backup \(backup.id) could not be found."))
            #expect(casts.casts.isEmpty)
            let member = try await Self.create(
                client,
                body,
                project: Self.projectA,
                headers: PolicyEnforcementTests.memberA
            )
            #expect(member.status == .accepted, "\(member.text)")
            let admin = try await Self.create(
                client,
                body,
                project: "cccccccccccccccccccccccccccccccc",
                headers: PolicyEnforcementTests.admin
            )
            #expect(admin.status == .accepted, "\(admin.text)")
            let volumes = try await api.listVolumes(.init(scope: .allProjects)).items
            #expect(Set(volumes.map(\.projectID)) == [Self.projectA, "cccccccccccccccccccccccccccccccc"])
            #expect(casts.casts.count == 2)
        }
    }

    /// 3.47 adds `backup_id` to the schema, but cinder's controller reads it at every v3
    /// microversion (the schemas before 3.53 allow other properties): so does Ember.
    @Test func beforeMicroversion347TheBackupIsStillRead() async throws {
        try await APIHarness.run { client, casts, api in
            let refused = try await api.store.createBackup(
                Backup(volumeID: "v", userID: "u", projectID: APIHarness.project, size: 1, status: .error)
            )
            let error = try await Self.create(
                client,
                #"{"backup_id": "\#(refused.id)", "size": 1}"#,
                headers: APIHarness.headers(version: "3.0")
            )
            #expect(error.status == .badRequest, "\(error.text)")
            let missing = try await Self.create(
                client,
                #"{"backup_id": "nope", "size": 1}"#,
                headers: APIHarness.headers(version: "3.46")
            )
            #expect(missing.status == .notFound, "\(missing.text)")
            #expect(missing.json?["itemNotFound"]?["message"] == "Backup nope could not be found.")
            let backup = try await Self.backup(api, size: 1)
            let response = try await Self.create(
                client,
                #"{"backup_id": "\#(backup.id)"}"#,
                headers: APIHarness.headers(version: "3.0")
            )
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(response.json?["volume"]?["id"]?.stringValue)
            #expect(
                try await api.store.volume(id: id, scope: .allProjects).adminMetadata[Volume.createBackupKey]
                    == backup.id
            )
            #expect(casts.casts == ["create_volume:\(id)"])
        }
    }
}
