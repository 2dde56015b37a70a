import EmberCore
import EmberStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `/backups` through the router without workers: schemas, statuses, quotas, views at every
/// microversion, policies, and the casts the API sends.
@Suite struct BackupAPITests {
    static let base = "/v3/\(APIHarness.project)"

    /// A volume set `available` (no workers run here).
    static func availableVolume(
        _ client: any TestClientProtocol,
        _ api: VolumeAPI,
        size: Int = 1
    ) async throws
        -> String
    {
        let id = try await client.createVolume(#"{"volume": {"size": \#(size)}}"#)
        _ = try await api.store.updateVolume(id: id, [.status(.available)])
        return id
    }

    /// A live backup service row, as a running `ember backup` keeps.
    static func backupService(_ api: VolumeAPI, host: String = "backup-host") async throws {
        _ = try await api.store.createService(
            ServiceRecord(host: host, binary: "cinder-backup", topic: "cinder-backup", availabilityZone: "nova")
        )
    }

    /// A backup row in `status`, as the backup service leaves it.
    static func storedBackup(
        _ api: VolumeAPI,
        volume: String,
        status: BackupStatus = .available,
        parent: String? = nil
    ) async throws -> Backup {
        try await api.store.createBackup(
            Backup(
                volumeID: volume,
                userID: "admin",
                projectID: APIHarness.project,
                size: 1,
                status: status,
                host: "backup-host",
                availabilityZone: "nova",
                displayName: "stored",
                container: "aa/bb/c",
                parentID: parent,
                service: "cinder.backup.drivers.posix.PosixBackupDriver",
                objectCount: 1,
                serviceMetadata: "volume_x_backup_y"
            )
        )
    }

    static func post(
        _ client: any TestClientProtocol,
        _ path: String,
        _ body: String,
        version: String? = nil
    )
        async throws -> TestResponse
    {
        try await client.execute(
            uri: base + path,
            method: .post,
            headers: APIHarness.headers(version: version),
            body: ByteBuffer(string: body)
        )
    }

    static let badCreates: [(String, String?, String)] = [
        (#"{}"#, nil, "'backup' is a required property"),
        (
            #"{"backup": {}}"#, nil,
            "Invalid input for field/attribute backup. Value: {}. 'volume_id' is a required property"
        ),
        (
            #"{"backup": {"volume_id": "nope"}}"#, nil,
            "Invalid input for field/attribute volume_id. Value: nope. 'nope' is not a 'uuid'"
        ),
        (
            #"{"backup": {"volume_id": "0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d", "bogus": 1}}"#, nil,
            "Invalid input for field/attribute backup. Value: {'volume_id': '0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d', 'bogus': 1}. Additional properties are not allowed ('bogus' was unexpected)"
        ),
        (
            #"{"backup": {"volume_id": "0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d", "incremental": "maybe"}}"#, nil,
            "Invalid input for field/attribute incremental. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"
        ),
        (
            #"{"backup": {"volume_id": "0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d", "metadata": {"a": "b"}}}"#, "3.42",
            "Invalid input for field/attribute backup. Value: {'volume_id': '0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d', 'metadata': {'a': 'b'}}. Additional properties are not allowed ('metadata' was unexpected)"
        ),
        (
            #"{"backup": {"volume_id": "0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d", "availability_zone": "nova"}}"#, "3.50",
            "Invalid input for field/attribute backup. Value: {'volume_id': '0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d', 'availability_zone': 'nova'}. Additional properties are not allowed ('availability_zone' was unexpected)"
        ),
        (
            #"{"backup": {"volume_id": "0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d", "container": 5}}"#, nil,
            "Invalid input for field/attribute container. Value: 5. 5 is not of type 'string', 'null'"
        ),
    ]

    @Test(arguments: badCreates)
    func createRejectsBadBodies(body: String, version: String?, message: String) async throws {
        try await APIHarness.run { client, recorder, _ in
            let response = try await Self.post(client, "/backups", body, version: version)
            #expect(response.status == .badRequest)
            #expect(response.json?["badRequest"]?["message"] == .string(message))
            #expect(recorder.backupCasts.isEmpty)
        }
    }

    @Test func createChecksTheVolume() async throws {
        try await APIHarness.run { client, recorder, api in
            let missing = try await Self.post(
                client,
                "/backups",
                #"{"backup": {"volume_id": "0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d"}}"#
            )
            #expect(missing.status == .notFound)
            #expect(
                missing.json?["itemNotFound"]?["message"]
                    == "Volume 0c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d could not be found."
            )
            let creating = try await client.createVolume()
            let notReady = try await Self.post(client, "/backups", #"{"backup": {"volume_id": "\#(creating)"}}"#)
            #expect(notReady.status == .badRequest)
            #expect(
                notReady.json?["badRequest"]?["message"]
                    == "Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"creating\"."
            )
            _ = try await api.store.updateVolume(id: creating, [.status(.inUse)])
            let inUse = try await Self.post(client, "/backups", #"{"backup": {"volume_id": "\#(creating)"}}"#)
            #expect(
                inUse.json?["badRequest"]?["message"]
                    == "Invalid volume: Backing up an in-use volume must use the force flag."
            )
            let volume = try await Self.availableVolume(client, api)
            let incremental = try await Self.post(
                client,
                "/backups",
                #"{"backup": {"volume_id": "\#(volume)", "incremental": true}}"#
            )
            #expect(incremental.status == .badRequest)
            #expect(
                incremental.json?["badRequest"]?["message"]
                    == "Invalid backup: No backups available to do an incremental backup."
            )
            #expect(try await api.store.volume(id: volume, scope: .allProjects).status == .available)
            #expect(recorder.backupCasts.isEmpty)
            let usage = try await api.store.quotaUsages(projectID: APIHarness.project)
            #expect((usage["backups"]?.inUse ?? 0) + (usage["backups"]?.reserved ?? 0) == 0)
        }
    }

    @Test func createMarksTheVolumeAndCastsToTheScheduler() async throws {
        try await APIHarness.run { client, recorder, api in
            let volume = try await Self.availableVolume(client, api)
            let response = try await Self.post(
                client,
                "/backups",
                #"{"backup": {"volume_id": "\#(volume)", "name": " nightly ", "container": "c1", "metadata": {"k": "v"}}}"#,
                version: "3.43"
            )
            #expect(response.status == .accepted)
            let backup = try #require(response.json?["backup"])
            #expect(backup.keys.sorted() == ["id", "links", "name"])
            #expect(backup["name"] == "nightly")
            let id = try #require(backup["id"]?.stringValue)
            #expect(recorder.backupCasts == ["create_backup:\(id)"])
            let stored = try await api.store.backup(id: id, scope: .allProjects)
            #expect(stored.status == .creating)
            #expect(stored.container == "c1")
            #expect(stored.metadata == ["k": "v"])
            #expect(stored.size == 1)
            let marked = try await api.store.volume(id: volume, scope: .allProjects)
            #expect(marked.status == .backingUp)
            #expect(marked.previousStatus == "available")
            let usage = try await api.store.quotaUsages(projectID: APIHarness.project)
            #expect(usage["backups"]?.inUse == 1)
            #expect(usage["backup_gigabytes"]?.inUse == 1)
        }
    }

    @Test func quotaRefusalsAreOverLimit() async throws {
        try await APIHarness.run { client, recorder, api in
            let volume = try await Self.availableVolume(client, api, size: 3)
            try await api.store.setProjectQuota(
                projectID: APIHarness.project,
                resource: "backup_gigabytes",
                hardLimit: 2
            )
            let big = try await Self.post(client, "/backups", #"{"backup": {"volume_id": "\#(volume)"}}"#)
            #expect(big.status.code == 413)
            #expect(big.headers[.retryAfter] == "0")
            #expect(
                big.json?["overLimit"]?["message"]
                    == "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested 3G, quota is 2G and 0G has been consumed."
            )
            try await api.store.setProjectQuota(
                projectID: APIHarness.project,
                resource: "backup_gigabytes",
                hardLimit: 1000
            )
            try await api.store.setProjectQuota(projectID: APIHarness.project, resource: "backups", hardLimit: 0)
            let many = try await Self.post(client, "/backups", #"{"backup": {"volume_id": "\#(volume)"}}"#)
            #expect(many.status.code == 413)
            #expect(
                many.json?["overLimit"]?["message"]
                    == "BackupLimitExceeded: Maximum number of backups allowed (0) exceeded"
            )
            #expect(try await api.store.volume(id: volume, scope: .allProjects).status == .available)
            #expect(recorder.backupCasts.isEmpty)
        }
    }

    @Test func viewsFollowTheMicroversion() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await Self.availableVolume(client, api)
            let backup = try await Self.storedBackup(api, volume: volume)
            _ = try await api.store.updateBackupMetadata(id: backup.id, ["k": "v"], replace: false)
            func show(_ version: String) async throws -> JSONValue? {
                try await client.execute(
                    uri: Self.base + "/backups/\(backup.id)",
                    method: .get,
                    headers: APIHarness.headers(version: version)
                ).json?["backup"]
            }
            let base: Set<String> = [
                "id", "status", "size", "object_count", "availability_zone", "container", "created_at", "updated_at",
                "name", "description", "fail_reason", "volume_id", "links", "is_incremental",
                "has_dependent_backups", "snapshot_id", "data_timestamp",
            ]
            #expect(Set(try await show("3.0")?.keys ?? []) == base)
            #expect(Set(try await show("3.18")?.keys ?? []) == base.union(["os-backup-project-attr:project_id"]))
            #expect(try await show("3.43")?["metadata"]?["k"] == "v")
            #expect(
                Set(try await show("3.56")?.keys ?? [])
                    == base.union(["os-backup-project-attr:project_id", "metadata", "user_id"])
            )
            _ = try await api.store.updateBackup(
                id: backup.id,
                [.encryptionKeyID("1c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d")]
            )
            #expect(try await show("3.63")?["encryption_key_id"] == nil)
            #expect(try await show("3.64")?["encryption_key_id"] == "1c8d6c1e-7f57-4a8e-9d7b-3a1e2f4b5c6d")

            let list = try await client.execute(
                uri: Self.base + "/backups?with_count=true",
                method: .get,
                headers: APIHarness.headers(version: "3.45")
            ).json
            #expect(list?["count"] == 1)
            #expect(list?["backups"]?.arrayValue.first?.keys.sorted() == ["id", "links", "name"])
            let old = try await client.execute(
                uri: Self.base + "/backups?with_count=true",
                method: .get,
                headers: APIHarness.headers(version: "3.44")
            )
            #expect(old.json?["count"] == nil)
            let detail = try await client.execute(
                uri: Self.base + "/backups/detail?name=stored",
                method: .get,
                headers: APIHarness.token
            ).json
            #expect(detail?["backups"]?.arrayValue.count == 1)
            let none = try await client.execute(
                uri: Self.base + "/backups/detail?name=other",
                method: .get,
                headers: APIHarness.token
            ).json
            #expect(none?["backups"]?.arrayValue.isEmpty == true)
        }
    }

    @Test func listPaginatesWithNextLinks() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await Self.availableVolume(client, api)
            for _ in 0..<3 { _ = try await Self.storedBackup(api, volume: volume) }
            let first = try await client.execute(
                uri: Self.base + "/backups?limit=2",
                method: .get,
                headers: APIHarness.token
            ).json
            #expect(first?["backups"]?.arrayValue.count == 2)
            let next = try #require(first?["backups_links"]?.arrayValue.first?["href"]?.stringValue)
            #expect(next.contains("marker="))
            let marker = try #require(first?["backups"]?.arrayValue.last?["id"]?.stringValue)
            let second = try await client.execute(
                uri: Self.base + "/backups?limit=2&marker=\(marker)",
                method: .get,
                headers: APIHarness.token
            ).json
            #expect(second?["backups"]?.arrayValue.count == 1)
            #expect(second?["backups_links"] == nil)
            let bad = try await client.execute(
                uri: Self.base + "/backups?marker=nothing",
                method: .get,
                headers: APIHarness.token
            )
            #expect(bad.status == .notFound)
            let filter = try await client.execute(
                uri: Self.base + "/backups?bogus=1",
                method: .get,
                headers: APIHarness.headers(token: "user:\(APIHarness.project)")
            )
            // noauth makes every caller an admin, and cinder checks admins' filters against
            // nothing: an unknown one matches no row.
            #expect(filter.status == .ok)
            #expect(filter.json?["backups"]?.arrayValue.isEmpty == true)
        }
    }

    @Test func updateNeeds39AndChangesNameDescriptionMetadata() async throws {
        try await APIHarness.run { client, _, api in
            let volume = try await Self.availableVolume(client, api)
            let backup = try await Self.storedBackup(api, volume: volume)
            let uri = Self.base + "/backups/\(backup.id)"
            let body = ByteBuffer(
                string: #"{"backup": {"name": "renamed", "description": "d", "metadata": {"a": "1"}}}"#
            )
            let old = try await client.execute(
                uri: uri,
                method: .put,
                headers: APIHarness.headers(version: "3.8"),
                body: body
            )
            #expect(old.status == .notFound)
            let noMetadata = try await client.execute(
                uri: uri,
                method: .put,
                headers: APIHarness.headers(version: "3.9"),
                body: body
            )
            #expect(noMetadata.status == .badRequest)
            let updated = try await client.execute(
                uri: uri,
                method: .put,
                headers: APIHarness.headers(version: "3.43"),
                body: body
            )
            #expect(updated.status == .ok)
            #expect(updated.json?["backup"]?["name"] == "renamed")
            let stored = try await api.store.backup(id: backup.id, scope: .allProjects)
            #expect(stored.displayDescription == "d")
            #expect(stored.metadata == ["a": "1"])
        }
    }

    @Test func deleteChecksStatusDependentsAndService() async throws {
        try await APIHarness.run { client, recorder, api in
            let volume = try await Self.availableVolume(client, api)
            let creating = try await Self.storedBackup(api, volume: volume, status: .creating)
            let busy = try await client.execute(
                uri: Self.base + "/backups/\(creating.id)",
                method: .delete,
                headers: APIHarness.token
            )
            #expect(busy.status == .badRequest)
            #expect(busy.json?["badRequest"]?["message"] == "Invalid backup: Backup status must be available or error")

            let parent = try await Self.storedBackup(api, volume: volume)
            _ = try await Self.storedBackup(api, volume: volume, parent: parent.id)
            let dependents = try await client.execute(
                uri: Self.base + "/backups/\(parent.id)",
                method: .delete,
                headers: APIHarness.token
            )
            #expect(
                dependents.json?["badRequest"]?["message"]
                    == "Invalid backup: Incremental backups exist for this backup."
            )

            let lone = try await Self.storedBackup(api, volume: volume)
            let noService = try await client.execute(
                uri: Self.base + "/backups/\(lone.id)",
                method: .delete,
                headers: APIHarness.token
            )
            #expect(noService.status == .notFound)
            #expect(noService.json?["itemNotFound"]?["message"] == "Service cinder-backup could not be found.")
            try await Self.backupService(api)
            let deleted = try await client.execute(
                uri: Self.base + "/backups/\(lone.id)",
                method: .delete,
                headers: APIHarness.token
            )
            #expect(deleted.status == .accepted)
            #expect(try await api.store.backup(id: lone.id, scope: .allProjects).status == .deleting)
            #expect(recorder.backupCasts == ["delete_backup:\(lone.id):backup-host"])

            let forced = try await Self.post(client, "/backups/\(creating.id)/action", #"{"os-force_delete": {}}"#)
            #expect(forced.status == .accepted)
            #expect(recorder.backupCasts.last == "delete_backup:\(creating.id):backup-host")
        }
    }

    @Test func restoreChecksBackupAndVolume() async throws {
        try await APIHarness.run { client, recorder, api in
            try await Self.backupService(api)
            let volume = try await Self.availableVolume(client, api)
            let creating = try await Self.storedBackup(api, volume: volume, status: .creating)
            let notReady = try await Self.post(
                client,
                "/backups/\(creating.id)/restore",
                #"{"restore": {"volume_id": "\#(volume)"}}"#
            )
            #expect(notReady.json?["badRequest"]?["message"] == "Invalid backup: Backup status must be available")
            let backup = try await Self.storedBackup(api, volume: volume)
            let bad = try await Self.post(
                client,
                "/backups/\(backup.id)/restore",
                #"{"restore": {"volume_id": "x", "y": 1}}"#
            )
            #expect(bad.status == .badRequest)
            let small = try await client.createVolume(#"{"volume": {"size": 1}}"#)
            _ = try await api.store.updateBackup(id: backup.id, [.size(2)])
            _ = try await api.store.updateVolume(id: small, [.status(.available)])
            let tooSmall = try await Self.post(
                client,
                "/backups/\(backup.id)/restore",
                #"{"restore": {"volume_id": "\#(small)"}}"#
            )
            #expect(
                tooSmall.json?["badRequest"]?["message"]
                    == "Invalid volume: volume size 1 is too small to restore backup of size 2."
            )
            _ = try await api.store.updateBackup(id: backup.id, [.size(1)])
            let restored = try await Self.post(
                client,
                "/backups/\(backup.id)/restore",
                #"{"restore": {"volume_id": "\#(small)"}}"#
            )
            #expect(restored.status == .accepted)
            #expect(restored.json?["restore"]?["backup_id"] == .string(backup.id))
            #expect(restored.json?["restore"]?["volume_id"] == .string(small))
            #expect(try await api.store.volume(id: small, scope: .allProjects).status == .restoringBackup)
            #expect(try await api.store.backup(id: backup.id, scope: .allProjects).status == .restoring)
            #expect(recorder.backupCasts == ["restore_backup:\(backup.id):\(small):backup-host"])
        }
    }

    @Test func adminActionsAndRecordsValidate() async throws {
        try await APIHarness.run { client, recorder, api in
            let volume = try await Self.availableVolume(client, api)
            let backup = try await Self.storedBackup(api, volume: volume, status: .error)
            let bad = try await Self.post(
                client,
                "/backups/\(backup.id)/action",
                #"{"os-reset_status": {"status": "creating"}}"#
            )
            #expect(bad.status == .badRequest)
            #expect(
                bad.json?["badRequest"]?["message"]
                    == "Backup status: creating is invalid, valid statuses are: ['available', 'error']."
            )
            let missing = try await Self.post(client, "/backups/\(backup.id)/action", #"{"os-reset_status": {}}"#)
            #expect(
                missing.json?["badRequest"]?["message"]
                    == "Invalid input for field/attribute os-reset_status. Value: {}. 'status' is a required property"
            )
            let noService = try await Self.post(
                client,
                "/backups/\(backup.id)/action",
                #"{"os-reset_status": {"status": "available"}}"#
            )
            #expect(noService.status == .notFound)
            try await Self.backupService(api)
            let reset = try await Self.post(
                client,
                "/backups/\(backup.id)/action",
                #"{"os-reset_status": {"status": "AVAILABLE"}}"#
            )
            #expect(reset.status == .accepted)
            #expect(recorder.backupCasts == ["reset_status:\(backup.id):available"])

            let notAvailable = try await client.execute(
                uri: Self.base + "/backups/\(backup.id)/export_record",
                method: .get,
                headers: APIHarness.token
            )
            #expect(
                notAvailable.json?["badRequest"]?["message"]
                    == "Invalid backup: Backup status must be available and not error."
            )

            let garbage = try await Self.post(
                client,
                "/backups/import_record",
                #"{"backup-record": {"backup_service": "x", "backup_url": "!!!"}}"#
            )
            #expect(garbage.json?["badRequest"]?["message"] == "Invalid input received: Can't parse backup record.")
            let noID = Data(#"{"size": 1}"#.utf8).base64EncodedString()
            let missingID = try await Self.post(
                client,
                "/backups/import_record",
                #"{"backup-record": {"backup_service": "x", "backup_url": "\#(noID)"}}"#
            )
            #expect(
                missingID.json?["badRequest"]?["message"]
                    == "Invalid input received: Provided backup record is missing an id"
            )
            let existing = Data(#"{"id": "\#(backup.id)", "size": 1}"#.utf8).base64EncodedString()
            let exists = try await Self.post(
                client,
                "/backups/import_record",
                #"{"backup-record": {"backup_service": "x", "backup_url": "\#(existing)"}}"#
            )
            #expect(exists.json?["badRequest"]?["message"] == "Invalid backup: Backup already exists in database.")
            let fresh = UUID().uuidString.lowercased()
            let record = Data(#"{"id": "\#(fresh)", "size": 1}"#.utf8).base64EncodedString()
            let imported = try await Self.post(
                client,
                "/backups/import_record",
                #"{"backup-record": {"backup_service": "x", "backup_url": "\#(record)"}}"#
            )
            #expect(imported.status == .created)
            #expect(imported.json?["backup"]?["id"] == .string(fresh))
            #expect(recorder.backupCasts.last == "import_record:\(fresh):backup-host")
            let row = try await api.store.backup(id: fresh, scope: .allProjects)
            #expect(row.status == .creating)
            #expect(row.volumeID == BackupAPI.importVolumeID)
        }
    }

    @Test func policiesGuardTheBackupRoutes() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, recorder, api in
            let project = PolicyEnforcementTests.projectA
            let volume = try await client.createVolume(
                #"{"volume": {"size": 1}}"#,
                headers: PolicyEnforcementTests.memberA,
                project: project
            )
            _ = try await api.store.updateVolume(id: volume, [.status(.available)])
            let reader = try await client.execute(
                uri: "/v3/\(project)/backups",
                method: .post,
                headers: PolicyEnforcementTests.readerA,
                body: ByteBuffer(string: #"{"backup": {"volume_id": "\#(volume)"}}"#)
            )
            #expect(reader.status == .forbidden)
            #expect(reader.json?["forbidden"]?["message"] == "Policy doesn't allow backup:create to be performed.")
            let other = try await client.execute(
                uri: "/v3/\(PolicyEnforcementTests.projectB)/backups",
                method: .post,
                headers: PolicyEnforcementTests.memberB,
                body: ByteBuffer(string: #"{"backup": {"volume_id": "\#(volume)"}}"#)
            )
            #expect(other.status == .notFound)
            let created = try await client.execute(
                uri: "/v3/\(project)/backups",
                method: .post,
                headers: PolicyEnforcementTests.memberA,
                body: ByteBuffer(string: #"{"backup": {"volume_id": "\#(volume)"}}"#)
            )
            #expect(created.status == .accepted)
            let id = try #require(created.json?["backup"]?["id"]?.stringValue)
            _ = try await api.store.updateBackup(id: id, [.status(.available)])
            let attempts: [(String, HTTPRequest.Method, String?, String)] = [
                ("/backups/\(id)/export_record", .get, nil, "backup:export-import"),
                (
                    "/backups/import_record", .post,
                    #"{"backup-record": {"backup_service": "x", "backup_url": "eyJ9"}}"#,
                    "backup:backup-import"
                ),
                (
                    "/backups/\(id)/action", .post, #"{"os-reset_status": {"status": "error"}}"#,
                    "volume_extension:backup_admin_actions:reset_status"
                ),
                (
                    "/backups/\(id)/action", .post, #"{"os-force_delete": {}}"#,
                    "volume_extension:backup_admin_actions:force_delete"
                ),
            ]
            for (path, method, body, rule) in attempts {
                let response = try await client.execute(
                    uri: "/v3/\(project)" + path,
                    method: method,
                    headers: PolicyEnforcementTests.memberA,
                    body: body.map { ByteBuffer(string: $0) }
                )
                #expect(response.status == .forbidden, "\(path)")
                #expect(
                    response.json?["forbidden"]?["message"] == .string("Policy doesn't allow \(rule) to be performed.")
                )
            }
            let hidden = try await client.execute(
                uri: "/v3/\(PolicyEnforcementTests.projectB)/backups/\(id)",
                method: .get,
                headers: PolicyEnforcementTests.memberB
            )
            #expect(hidden.status == .notFound)
            let shown = try await client.execute(
                uri: "/v3/\(project)/backups/\(id)",
                method: .get,
                headers: PolicyEnforcementTests.readerA
            )
            #expect(shown.status == .ok)
            #expect(shown.json?["backup"]?["os-backup-project-attr:project_id"] == nil)
            #expect(shown.json?["backup"]?["user_id"] == nil)
            let asAdmin = try await client.execute(
                uri: "/v3/cccccccccccccccccccccccccccccccc/backups/\(id)",
                method: .get,
                headers: PolicyEnforcementTests.admin
            )
            #expect(
                asAdmin.json?["backup"]?["os-backup-project-attr:project_id"] == .string(project),
                "\(asAdmin.text)"
            )
            #expect(asAdmin.json?["backup"]?["user_id"] == "alice")
            #expect(recorder.backupCasts == ["create_backup:\(id)"])
        }
    }
}

extension CastRecorder {
    /// The casts of the backup operations (volume creates left out).
    var backupCasts: [String] { casts.filter { !$0.hasPrefix("create_volume:") } }
}
