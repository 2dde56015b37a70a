import EmberCore
import EmberStore
import Foundation
import HTTPTypes
import Testing

/// Backups through the API, the scheduler and the backup service with the POSIX driver, as
/// `ember all` runs them, on SQLite and PostgreSQL.
@Suite("Live API: backups through the real scheduler, volume and backup services")
struct LiveBackupTests {
    static let pattern: [UInt8] = (0..<(256 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ ($0 >> 9)) }

    static func createVolume(_ live: Live, size: Int = 1) async throws -> String {
        let created = try await live.request(.post, "/volumes", #"{"volume": {"size": \#(size)}}"#)
        let id = try #require(created.json?["volume"]?["id"]?.stringValue)
        let volume = try await live.waitForStatus("/volumes/\(id)", "volume", ["available", "error"])
        #expect(volume["status"] == "available")
        return id
    }

    static func createBackup(_ live: Live, volume: String, extra: String = "") async throws -> String {
        let response = try await live.request(
            .post,
            "/backups",
            #"{"backup": {"volume_id": "\#(volume)"\#(extra)}}"#,
            version: "3.64"
        )
        #expect(response.status == .accepted, "\(response.text)")
        let id = try #require(response.json?["backup"]?["id"]?.stringValue)
        let backup = try await live.waitForStatus(
            "/backups/\(id)",
            "backup",
            ["available", "error"],
            timeout: .seconds(180)
        )
        #expect(backup["status"] == "available", "\(backup.serialized())")
        return id
    }

    static func files(under directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
    }

    @Test(
        "backup → available, volume back to available; restore to a new and to an existing volume gives the same bytes; delete frees the files",
        arguments: LiveBackend.all
    )
    func backupRestoreDelete(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let source = try await Self.createVolume(live)
            try writeBytes(Self.pattern, to: live.volumeFile(source), at: 0)
            try writeBytes(Self.pattern.reversed(), to: live.volumeFile(source), at: 700 << 20)
            let backupID = try await Self.createBackup(
                live,
                volume: source,
                extra: #", "name": "nightly", "metadata": {"k": "v"}"#
            )
            let volume = try await live.request(.get, "/volumes/\(source)").json?["volume"]
            #expect(volume?["status"] == "available")
            let shown = try await live.request(.get, "/backups/\(backupID)", version: "3.64").json?["backup"]
            #expect(shown?["size"] == 1)
            #expect(shown?["object_count"] == 16)
            #expect(shown?["is_incremental"] == false)
            #expect(shown?["metadata"]?["k"] == "v")
            #expect(shown?["availability_zone"] == "nova")
            let stored = try await live.store.backup(id: backupID, scope: .allProjects)
            #expect(stored.service == "cinder.backup.drivers.posix.PosixBackupDriver")
            #expect(Self.files(under: live.backupDirectory).count == 18)

            // Restore into a new volume.
            let restore = try await live.request(.post, "/backups/\(backupID)/restore", #"{"restore": {}}"#)
            #expect(restore.status == .accepted, "\(restore.text)")
            let newID = try #require(restore.json?["restore"]?["volume_id"]?.stringValue)
            #expect(restore.json?["restore"]?["volume_name"] == .string("restore_backup_\(backupID)"))
            try await live.waitForStatus("/backups/\(backupID)", "backup", ["available"], timeout: .seconds(180))
            let restored = try await live.waitForStatus(
                "/volumes/\(newID)",
                "volume",
                ["available", "error_restoring"]
            )
            #expect(restored["status"] == "available")
            #expect(restored["metadata"]?["src_backup_id"] == .string(backupID))
            #expect(try readBytes(Self.pattern.count, from: live.volumeFile(newID), at: 0) == Self.pattern)
            #expect(
                try readBytes(Self.pattern.count, from: live.volumeFile(newID), at: 700 << 20)
                    == Self.pattern.reversed()
            )

            // Restore over an existing volume whose data differs.
            let existing = try await Self.createVolume(live)
            try writeBytes([UInt8](repeating: 0xEE, count: 1 << 20), to: live.volumeFile(existing), at: 100 << 20)
            let over = try await live.request(
                .post,
                "/backups/\(backupID)/restore",
                #"{"restore": {"volume_id": "\#(existing)"}}"#
            )
            #expect(over.status == .accepted, "\(over.text)")
            #expect(over.json?["restore"]?["volume_id"] == .string(existing))
            try await live.waitForStatus("/backups/\(backupID)", "backup", ["available"], timeout: .seconds(180))
            try await live.waitForStatus("/volumes/\(existing)", "volume", ["available"], timeout: .seconds(180))
            #expect(try readBytes(Self.pattern.count, from: live.volumeFile(existing), at: 0) == Self.pattern)
            #expect(
                try readBytes(1 << 20, from: live.volumeFile(existing), at: 100 << 20)
                    == [UInt8](repeating: 0, count: 1 << 20)
            )

            let limits = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
            #expect(limits?["totalBackupsUsed"] == 1)
            #expect(limits?["totalBackupGigabytesUsed"] == 1)
            let delete = try await live.request(.delete, "/backups/\(backupID)")
            #expect(delete.status == .accepted, "\(delete.text)")
            try await live.waitForGone("/backups/\(backupID)")
            #expect(Self.files(under: live.backupDirectory).isEmpty)
            try await waitFor("the backup quota is given back") {
                let absolute = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
                return absolute?["totalBackupsUsed"] == 0 && absolute?["totalBackupGigabytesUsed"] == 0
            }
        }
    }

    @Test(
        "an incremental backup stores the changes; its parent cannot be deleted first; the chain restores the newest data",
        arguments: LiveBackend.all
    )
    func incrementalChain(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let source = try await Self.createVolume(live)
            try writeBytes(Self.pattern, to: live.volumeFile(source), at: 0)
            let full = try await Self.createBackup(live, volume: source)
            let changed = [UInt8](repeating: 0x42, count: 64 << 10)
            try writeBytes(changed, to: live.volumeFile(source), at: 512 << 20)
            let incremental = try await Self.createBackup(live, volume: source, extra: #", "incremental": true"#)
            let shown = try await live.request(.get, "/backups/\(incremental)").json?["backup"]
            #expect(shown?["is_incremental"] == true)
            #expect(shown?["object_count"] == 1)
            // The manager counts the dependent on the parent just after the incremental's status.
            try await live.waitFor("/backups/\(full)", "backup", "has_dependent_backups") {
                $0["has_dependent_backups"] == true
            }

            let refused = try await live.request(.delete, "/backups/\(full)")
            #expect(refused.status == .badRequest)
            #expect(
                refused.json?["badRequest"]?["message"] == "Invalid backup: Incremental backups exist for this backup."
            )

            let restore = try await live.request(
                .post,
                "/backups/\(incremental)/restore",
                #"{"restore": {"name": "r"}}"#
            )
            #expect(restore.status == .accepted, "\(restore.text)")
            let newID = try #require(restore.json?["restore"]?["volume_id"]?.stringValue)
            try await live.waitForStatus("/backups/\(incremental)", "backup", ["available"], timeout: .seconds(180))
            try await live.waitForStatus("/volumes/\(newID)", "volume", ["available"], timeout: .seconds(180))
            #expect(try readBytes(Self.pattern.count, from: live.volumeFile(newID), at: 0) == Self.pattern)
            #expect(try readBytes(changed.count, from: live.volumeFile(newID), at: 512 << 20) == changed)

            #expect(try await live.request(.delete, "/backups/\(incremental)").status == .accepted)
            try await live.waitForGone("/backups/\(incremental)")
            try await waitFor("the parent has no dependents") {
                try await live.request(.get, "/backups/\(full)").json?["backup"]?["has_dependent_backups"] == false
            }
            #expect(try await live.request(.delete, "/backups/\(full)").status == .accepted)
            try await live.waitForGone("/backups/\(full)")
        }
    }

    @Test(
        "export_record then import_record after the row is lost brings the backup back; it restores byte-equal",
        arguments: LiveBackend.all
    )
    func exportImportRoundTrip(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let source = try await Self.createVolume(live)
            try writeBytes(Self.pattern, to: live.volumeFile(source), at: 3 << 20)
            let backupID = try await Self.createBackup(live, volume: source, extra: #", "name": "exported""#)
            let export = try await live.request(.get, "/backups/\(backupID)/export_record")
            #expect(export.status == .ok, "\(export.text)")
            let record = try #require(export.json?["backup-record"])
            #expect(record["backup_service"] == "cinder.backup.drivers.posix.PosixBackupDriver")
            let url = try #require(record["backup_url"]?.stringValue)
            let decoded = try JSONValue.parse(Array(try #require(Data(base64Encoded: url))))
            #expect(decoded["id"] == .string(backupID))
            #expect(decoded["display_name"] == "exported")

            // Importing a backup that exists is refused.
            let body =
                #"{"backup-record": {"backup_service": "\#(record["backup_service"]?.stringValue ?? "")", "backup_url": "\#(url)"}}"#
            let duplicate = try await live.request(.post, "/backups/import_record", body)
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.json?["badRequest"]?["message"] == "Invalid backup: Backup already exists in database.")

            // The database loses the row (the files stay), then the record is imported.
            try await live.store.deleteBackup(id: backupID)
            // Only this run's backup service may take the import (rows of earlier runs linger).
            for service in try await live.store.listServices(
                host: nil,
                binary: "cinder-backup",
                topic: nil,
                disabled: false
            ) where !service.host.hasPrefix("live-\(live.project)") {
                _ = try await live.store.updateService(id: service.id, [.disabled(true)])
            }
            let imported = try await live.request(.post, "/backups/import_record", body)
            #expect(imported.status == .created, "\(imported.text)")
            #expect(imported.json?["backup"]?["id"] == .string(backupID))
            let backup = try await live.waitForStatus(
                "/backups/\(backupID)",
                "backup",
                ["available", "error"],
                timeout: .seconds(180)
            )
            #expect(backup["status"] == "available", "\(backup.serialized())")
            #expect(backup["name"] == "exported")
            #expect(backup["volume_id"] == .string(source))

            let restore = try await live.request(.post, "/backups/\(backupID)/restore", #"{"restore": {}}"#)
            #expect(restore.status == .accepted, "\(restore.text)")
            let newID = try #require(restore.json?["restore"]?["volume_id"]?.stringValue)
            try await live.waitForStatus("/volumes/\(newID)", "volume", ["available"], timeout: .seconds(180))
            #expect(try readBytes(Self.pattern.count, from: live.volumeFile(newID), at: 3 << 20) == Self.pattern)
        }
    }

    @Test(
        "a backup of a snapshot holds the snapshot's data; the snapshot goes back to available",
        arguments: LiveBackend.all
    )
    func snapshotBackup(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let source = try await Self.createVolume(live)
            try writeBytes(Self.pattern, to: live.volumeFile(source), at: 1 << 20)
            let snapshot = try await live.request(
                .post,
                "/snapshots",
                #"{"snapshot": {"volume_id": "\#(source)", "name": "s"}}"#
            )
            let snapshotID = try #require(snapshot.json?["snapshot"]?["id"]?.stringValue)
            try await live.waitForStatus("/snapshots/\(snapshotID)", "snapshot", ["available"])
            // The volume changes after the snapshot: the backup must hold the snapshot's bytes.
            try writeBytes(
                [UInt8](repeating: 0x77, count: Self.pattern.count),
                to: live.volumeFile(source),
                at: 1 << 20
            )
            let backupID = try await Self.createBackup(
                live,
                volume: source,
                extra: #", "snapshot_id": "\#(snapshotID)""#
            )
            let shown = try await live.request(.get, "/backups/\(backupID)").json?["backup"]
            #expect(shown?["snapshot_id"] == .string(snapshotID))
            let snapshotAfter = try await live.request(.get, "/snapshots/\(snapshotID)").json?["snapshot"]
            #expect(snapshotAfter?["status"] == "available")

            let restore = try await live.request(.post, "/backups/\(backupID)/restore", #"{"restore": {}}"#)
            let newID = try #require(restore.json?["restore"]?["volume_id"]?.stringValue)
            try await live.waitForStatus("/volumes/\(newID)", "volume", ["available"], timeout: .seconds(180))
            #expect(try readBytes(Self.pattern.count, from: live.volumeFile(newID), at: 1 << 20) == Self.pattern)
        }
    }
}
