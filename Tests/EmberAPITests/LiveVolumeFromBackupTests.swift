import EmberCore
import EmberStore
import Foundation
import HTTPTypes
import Testing

/// `POST /volumes` with `backup_id` (3.47) through the API, the scheduler, the volume service
/// (the raw volume) and the backup service (the restore), as `ember all` runs them, on SQLite
/// and PostgreSQL.
@Suite("Live API: a volume created from a backup")
struct LiveVolumeFromBackupTests {
    static let pattern = LiveBackupTests.pattern

    static func createFromBackup(_ live: Live, _ body: String) async throws -> String {
        let response = try await live.request(.post, "/volumes", #"{"volume": \#(body)}"#, version: "3.47")
        #expect(response.status == .accepted, "\(response.text)")
        return try #require(response.json?["volume"]?["id"]?.stringValue)
    }

    @Test(
        "the new volume holds exactly the backup's bytes, ends available with the backup available, and counts in the quota",
        arguments: LiveBackend.all
    )
    func createdVolumeHoldsTheBackupsBytes(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let source = try await LiveBackupTests.createVolume(live)
            try writeBytes(Self.pattern, to: live.volumeFile(source), at: 0)
            try writeBytes(Self.pattern.reversed(), to: live.volumeFile(source), at: 700 << 20)
            let backupID = try await LiveBackupTests.createBackup(live, volume: source)
            // The source changes after the backup: the new volume must hold the backup's bytes.
            try writeBytes([UInt8](repeating: 0x55, count: Self.pattern.count), to: live.volumeFile(source), at: 0)

            let sameSize = try await Self.createFromBackup(live, #"{"backup_id": "\#(backupID)", "name": "fb"}"#)
            var done = try await live.waitForStatus(
                "/volumes/\(sameSize)",
                "volume",
                ["available", "error", "error_restoring"],
                timeout: .seconds(180)
            )
            // The backup service sets the volume `available`, then `src_backup_id`, then the
            // backup `available`.
            try await live.waitForStatus("/backups/\(backupID)", "backup", ["available"])
            done = try #require(try await live.request(.get, "/volumes/\(sameSize)").json?["volume"])
            #expect(done["status"] == "available", "\(done.serialized())")
            #expect(done["size"] == 1)
            #expect(done["name"] == "fb")
            #expect(done["metadata"]?["src_backup_id"] == .string(backupID))
            let file = live.volumeFile(sameSize)
            #expect(fileSize(file) == 1 << 30)
            #expect(try readBytes(Self.pattern.count, from: file, at: 0) == Self.pattern)
            #expect(try readBytes(Self.pattern.count, from: file, at: 700 << 20) == Self.pattern.reversed())
            #expect(try readBytes(1 << 20, from: file, at: 300 << 20) == [UInt8](repeating: 0, count: 1 << 20))
            let row = try await live.store.volume(id: sameSize, scope: .allProjects)
            #expect(row.launchedAt != nil)
            #expect(row.adminMetadata[Volume.createBackupKey] == nil)

            // A larger volume: the backup's bytes, then zeros to the new size.
            let larger = try await Self.createFromBackup(live, #"{"backup_id": "\#(backupID)", "size": 2}"#)
            try await live.waitForStatus("/volumes/\(larger)", "volume", ["available"], timeout: .seconds(180))
            #expect(fileSize(live.volumeFile(larger)) == 2 << 30)
            #expect(try readBytes(Self.pattern.count, from: live.volumeFile(larger), at: 0) == Self.pattern)

            let limits = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
            #expect(limits?["totalVolumesUsed"] == 3)
            #expect(limits?["totalGigabytesUsed"] == 4)
        }
    }

    @Test(
        "a restore that fails leaves the new volume error with a user message and the backup available",
        arguments: LiveBackend.all
    )
    func failedRestoreLeavesTheVolumeInError(kind: LiveBackend) async throws {
        try await LiveHarness.run(kind) { live in
            let source = try await LiveBackupTests.createVolume(live)
            try writeBytes(Self.pattern, to: live.volumeFile(source), at: 0)
            let backupID = try await LiveBackupTests.createBackup(live, volume: source)
            // The backup's data is lost behind the database's back: the driver cannot read it.
            for file in LiveBackupTests.files(under: live.backupDirectory) {
                try FileManager.default.removeItem(atPath: live.backupDirectory + "/" + file)
            }
            let id = try await Self.createFromBackup(live, #"{"backup_id": "\#(backupID)"}"#)
            let failed = try await live.waitForStatus(
                "/volumes/\(id)",
                "volume",
                ["available", "error", "error_restoring"],
                timeout: .seconds(180)
            )
            #expect(failed["status"] == "error", "\(failed.serialized())")
            try await live.waitForStatus("/backups/\(backupID)", "backup", ["available"])
            // The message is written just after the statuses.
            try await waitFor("the restore's user message") {
                try await live.store.listMessages(ListQuery(scope: .project(live.project))).items
                    .contains { $0.eventID == "VOLUME_VOLUME_BACKUP_015_026" }
            }
            let messages = try await live.store.listMessages(ListQuery(scope: .project(live.project))).items
            let restore = messages.first { $0.eventID == "VOLUME_VOLUME_BACKUP_015_026" }
            #expect(restore?.resourceUUID == backupID, "\(messages)")
            #expect(restore?.actionID == "015")
            #expect(restore?.detailID == "026")
            // The failed volume still counts until it is deleted, as any volume in error.
            let limits = try await live.request(.get, "/limits").json?["limits"]?["absolute"]
            #expect(limits?["totalVolumesUsed"] == 2)
            #expect(try await live.request(.delete, "/volumes/\(id)").status == .accepted)
            try await live.waitForGone("/volumes/\(id)")
        }
    }
}
