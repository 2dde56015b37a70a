import EmberCore
import EmberTesting
import Foundation
import Testing

@testable import EmberStore

/// `ember manage …` (cinder-manage's operator categories) and `ember status upgrade check`
/// run as the executable against a database of their own, on SQLite and PostgreSQL: the
/// output in cinder-manage's formats, the exit codes, and what each command changed.
@Suite struct ManageCommandTests {
    static let project = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"

    /// A configuration file naming the test's database.
    static func configuration(_ database: EmberDatabase, _ directory: TemporaryDirectory) throws -> String {
        let connection: String
        switch database.configuration.backend {
        case .sqlite(let path):
            connection = "sqlite:///" + path
        case .postgresql(let settings):
            connection = ScratchPostgresDatabase.url(TestBackend.postgresURL ?? "", database: settings.database)
        }
        return try directory.write(
            "ember.conf",
            "[DEFAULT]\nstate_path = \(directory.path)\nperiodic_interval = 60\n[database]\nconnection = \(connection)\n"
        )
    }

    static func ember(_ arguments: [String], _ conf: String) async throws -> (status: Int32, output: String) {
        do {
            return try await ChildProcess.run(RepositoryPaths.emberBinary, arguments + ["--config-file", conf])
        } catch {
            Issue.record("ember \(arguments.joined(separator: " ")) did not finish: \(error)")
            throw error
        }
    }

    static func volume(
        _ store: SQLStore,
        type: VolumeType,
        host: String?,
        status: VolumeStatus = .available,
        serviceUUID: String? = nil
    ) async throws -> Volume {
        try await store.createVolume(
            Volume(
                userID: "u",
                projectID: project,
                size: 2,
                volumeTypeID: type.id,
                status: status,
                host: host,
                serviceUUID: serviceUUID
            )
        )
    }

    @Test(arguments: TestBackend.all)
    func servicesHostsVolumesAndBackups(_ backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let conf = try Self.configuration(database, directory)
            let volumeService = try await store.createService(
                ServiceRecord(
                    host: "node-a@alpha",
                    binary: "cinder-volume",
                    topic: "cinder-volume",
                    availabilityZone: "zone-a",
                    rpcCurrentVersion: "3.20",
                    createdAt: Date(),
                    updatedAt: Date()
                )
            )
            _ = try await store.createService(
                ServiceRecord(
                    host: "node-b",
                    binary: "cinder-scheduler",
                    topic: "cinder-scheduler",
                    disabled: true,
                    availabilityZone: "zone-b",
                    createdAt: Date(timeIntervalSinceNow: -7200),
                    updatedAt: Date(timeIntervalSinceNow: -7200)
                )
            )

            // The scheduler last reported two hours ago.
            try await store.writing { executor in
                try await executor.execute(
                    "UPDATE services SET updated_at = \(Date(timeIntervalSinceNow: -7200)) WHERE host = 'node-b'"
                )
            }
            // service list: cinder-manage's columns, up and down, enabled and disabled.
            let list = try await Self.ember(["manage", "service", "list"], conf)
            #expect(list.status == 0, "\(list.output)")
            let lines = list.output.split(separator: "\n").map(String.init)
            #expect(
                lines.first
                    == "Binary           Host                                 Zone             Status     State Updated At           RPC Version  Object Version  Cluster                             "
            )
            let volumeLine = try #require(lines.first { $0.hasPrefix("cinder-volume") })
            #expect(
                volumeLine.hasPrefix(
                    "cinder-volume    node-a@alpha                         zone-a           enabled    :-)   "
                )
            )
            #expect(volumeLine.contains(" 3.20         None            "))
            let schedulerLine = try #require(lines.first { $0.hasPrefix("cinder-scheduler") })
            #expect(schedulerLine.contains("disabled   XXX   "))

            // host list, all and by zone.
            let hosts = try await Self.ember(["manage", "host", "list"], conf)
            #expect(
                hosts.output
                    == "host                     \tzone           \nnode-a@alpha             \tzone-a         \nnode-b                   \tzone-b         \n"
            )
            let zoned = try await Self.ember(["manage", "host", "list", "zone-b"], conf)
            #expect(
                zoned.output
                    == "host                     \tzone           \nnode-b                   \tzone-b         \n"
            )

            // service remove: gone; a missing one is reported with exit status 0, as cinder-manage.
            let removed = try await Self.ember(["manage", "service", "remove", "cinder-scheduler", "node-b"], conf)
            #expect(removed.status == 0)
            #expect(removed.output.contains("Service cinder-scheduler on host node-b removed."))
            #expect(try await store.listServices(host: "node-b", binary: nil, topic: nil, disabled: nil).isEmpty)
            let missing = try await Self.ember(["manage", "service", "remove", "cinder-scheduler", "node-b"], conf)
            #expect(missing.status == 0)
            #expect(missing.output.contains("Host not found. Failed to remove cinder-scheduler on node-b."))

            // volume delete: an unscheduled volume leaves the database; an in-use one stays.
            let type = try await store.createVolumeType(VolumeType(name: "t-\(backend)"))
            let unscheduled = try await Self.volume(store, type: type, host: nil, status: .error)
            let deleted = try await Self.ember(["manage", "volume", "delete", unscheduled.id], conf)
            #expect(deleted.status == 0, "\(deleted.output)")
            #expect(
                deleted.output.contains(
                    "Volume not yet assigned to host.\nDeleting volume from database and skipping rpc."
                )
            )
            #expect((try? await store.volume(id: unscheduled.id, scope: .allProjects)) == nil)
            let inUse = try await Self.volume(store, type: type, host: "node-a@alpha#alpha", status: .inUse)
            let refused = try await Self.ember(["manage", "volume", "delete", inUse.id], conf)
            #expect(refused.output.contains("Volume is in-use.\nDetach volume from instance and then try again."))
            #expect(try await store.volume(id: inUse.id, scope: .allProjects).status == .inUse)
            let unknown = try await Self.ember(
                ["manage", "volume", "delete", "00000000-0000-4000-8000-000000000000"],
                conf
            )
            #expect(unknown.status == 1)
            // A scheduled volume goes to its backend over the bus: not reachable in-process.
            let scheduled = try await Self.volume(store, type: type, host: "node-a@alpha#alpha")
            let noBus = try await Self.ember(["manage", "volume", "delete", scheduled.id], conf)
            #expect(noBus.status == 1)
            #expect(noBus.output.contains("transport_url"))
            if case .postgresql(let settings) = database.configuration.backend {
                // Over the PostgreSQL bus the cast is queued for the volume's backend.
                let url = ScratchPostgresDatabase.url(TestBackend.postgresURL ?? "", database: settings.database)
                let busConf = try directory.write(
                    "bus.conf",
                    (try String(contentsOfFile: conf, encoding: .utf8))
                        .replacingOccurrences(of: "[DEFAULT]\n", with: "[DEFAULT]\ntransport_url = \(url)\n")
                )
                let cast = try await Self.ember(["manage", "volume", "delete", scheduled.id], busConf)
                #expect(cast.status == 0, "\(cast.output)")
                let queued = try await store.reading { executor in
                    try await executor.query("SELECT topic, envelope FROM ember_bus_messages ORDER BY seq")
                }
                #expect(queued.count == 1)
                let topic: String? = try queued.first?["topic"]
                let envelope: String? = try queued.first?["envelope"]
                #expect(topic == "cinder-volume.node-a@alpha")
                #expect(envelope?.contains("delete_volume") == true && envelope?.contains(scheduled.id) == true)
            }

            // volume update_host: the backend's volumes (every pool) move; others stay.
            let other = try await Self.volume(store, type: type, host: "node-c@gamma#gamma")
            let moved = try await Self.ember(
                [
                    "manage", "volume", "update_host", "--currenthost", "node-a@alpha", "--newhost",
                    "node-z@alpha#alpha",
                ],
                conf
            )
            #expect(moved.status == 0, "\(moved.output)")
            #expect(try await store.volume(id: inUse.id, scope: .allProjects).host == "node-z@alpha#alpha")
            #expect(try await store.volume(id: scheduled.id, scope: .allProjects).host == "node-z@alpha#alpha")
            #expect(try await store.volume(id: other.id, scope: .allProjects).host == "node-c@gamma#gamma")

            // backup list.
            let backup = try await store.createBackup(
                Backup(
                    volumeID: inUse.id,
                    userID: "u",
                    projectID: Self.project,
                    size: 2,
                    status: .available,
                    host: "node-a",
                    displayName: "nightly",
                    container: "bk"
                )
            )
            let backups = try await Self.ember(["manage", "backup", "list"], conf)
            let backupLines = backups.output.split(separator: "\n").map(String.init)
            #expect(
                backupLines.first?.hasPrefix("ID                              \tUser ID                         \t")
                    == true
            )
            #expect(
                backupLines.dropFirst().first
                    == "\(backup.id)\tu                               \t\(Self.project)\tnode-a                  \tnightly                 \tbk          \tavailable   \t2           \t0           "
            )
            _ = volumeService
        }
    }

    @Test(arguments: TestBackend.all)
    func quotaPurgeMigrationsConfigVersionAndStatus(_ backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let conf = try Self.configuration(database, directory)
            let type = try await store.createVolumeType(VolumeType(name: "q-\(backend)"))
            let service = try await store.createService(
                ServiceRecord(host: "node-a@alpha", binary: "cinder-volume", topic: "cinder-volume", updatedAt: Date())
            )
            let volume = try await Self.volume(store, type: type, host: "node-a@alpha#alpha", serviceUUID: service.uuid)
            // Usage as the API keeps it (the first reservation counts the table: 1 volume, 2 GiB),
            // then drifted by 4 volumes and 9 GiB that do not exist.
            let drift = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 4, "gigabytes": 9],
                limits: [:],
                expiresAt: Date().addingTimeInterval(3600)
            )
            try await store.commit(drift)
            let pending = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 1],
                limits: [:],
                expiresAt: Date().addingTimeInterval(3600)
            )

            let check = try await Self.ember(["manage", "quota", "check"], conf)
            #expect(check.status == 0, "\(check.output)")
            #expect(
                check.output
                    == "Processing quota usage for project \(Self.project)\n\tgigabytes: invalid usage saved=11 actual=2\n\tvolumes: invalid usage saved=5 actual=1\nAction successfully completed\n"
            )
            #expect(
                try await store.quotaUsages(projectID: Self.project)["volumes"]?.inUse == 5,
                "check changes nothing"
            )
            let sync = try await Self.ember(["manage", "quota", "sync", "--project-id", Self.project], conf)
            #expect(sync.output.contains("\tvolumes: invalid usage saved=5 actual=1 - fixed"), "\(sync.output)")
            let usages = try await store.quotaUsages(projectID: Self.project)
            #expect(usages["volumes"]?.inUse == 1)
            #expect(usages["gigabytes"]?.inUse == 2)
            #expect(usages["volumes"]?.reserved == 1, "the live reservation is kept")
            let clean = try await Self.ember(["manage", "quota", "check"], conf)
            #expect(
                clean.output == "Processing quota usage for project \(Self.project)\nAction successfully completed\n"
            )
            let none = try await Self.ember(["manage", "quota", "check", "--project-id", "nobody"], conf)
            #expect(
                none.output == "Project id nobody has no quota usage. Nothing to do.\nAction successfully completed\n"
            )
            try await store.rollback(pending)

            // db purge: rows deleted before the cutoff go for good.
            let gone = try await Self.volume(store, type: type, host: nil)
            try await store.deleteVolume(id: gone.id)
            func deletedVolumes() async throws -> Int {
                try await store.reading { executor in
                    try await executor.first("SELECT COUNT(*) AS n FROM volumes WHERE deleted = TRUE")?["n"] ?? 0
                }
            }
            #expect(try await deletedVolumes() == 1)
            let kept = try await Self.ember(["manage", "db", "purge", "1"], conf)
            #expect(kept.status == 0, "\(kept.output)")
            #expect(try await deletedVolumes() == 1)
            try await Task.sleep(for: .milliseconds(20))
            let purged = try await Self.ember(["manage", "db", "purge", "0"], conf)
            #expect(purged.status == 0, "\(purged.output)")
            #expect(try await deletedVolumes() == 0)
            #expect(try await store.volume(id: volume.id, scope: .allProjects).id == volume.id)
            let negative = try await ChildProcess.run(
                RepositoryPaths.emberBinary,
                ["manage", "db", "purge", "--config-file", conf, "--", "-1"]
            )
            #expect(negative.status == 1 && negative.output.contains("Must supply a positive value for age"))
            let ancient = try await Self.ember(["manage", "db", "purge", "100000"], conf)
            #expect(ancient.status == 1 && ancient.output.contains("Maximum age is count of days since epoch."))

            // db online_data_migrations: the temporary admin metadata goes.
            _ = try await store.updateVolumeMetadata(id: volume.id, kind: .admin, ["temporary": "True"], replace: false)
            let migrations = try await Self.ember(["manage", "db", "online_data_migrations"], conf)
            #expect(migrations.status == 0, "\(migrations.output)")
            #expect(
                migrations.output
                    == """
                    Running batches of 50 until complete.
                    1 rows matched query remove_temporary_admin_metadata_data_migration, 1 migrated
                    +------------------------------------------------+----------------+-------------+
                    | Migration                                      |   Total Needed |   Completed |
                    |------------------------------------------------+----------------+-------------|
                    | remove_temporary_admin_metadata_data_migration |              1 |           1 |
                    +------------------------------------------------+----------------+-------------+

                    """
            )
            #expect(try await store.volumeMetadata(id: volume.id, kind: .admin)["temporary"] == nil)
            let zero = try await Self.ember(["manage", "db", "online_data_migrations", "--max_count", "0"], conf)
            #expect(zero.status == 127 && zero.output.contains("Must supply a positive value for max_count."))
            _ = try await store.updateVolumeMetadata(id: volume.id, kind: .admin, ["temporary": "True"], replace: false)
            let bounded = try await Self.ember(["manage", "db", "online_data_migrations", "--max_count", "5"], conf)
            #expect(bounded.status == 1, "work was done: \(bounded.output)")

            // config list, version.
            let param = try await Self.ember(["manage", "config", "list", "periodic_interval"], conf)
            #expect(param.output == "periodic_interval = 60\n")
            let all = try await Self.ember(["manage", "config", "list"], conf)
            #expect(all.output.contains("\nstate_path = \(directory.path)\n"))
            let bogus = try await Self.ember(["manage", "config", "list", "bogus"], conf)
            #expect(bogus.status == 1)
            let version = try await Self.ember(["manage", "version"], conf)
            #expect(version.output.contains("3.71"))

            // status upgrade check: every volume has its service: success, exit 0.
            let ready = try await Self.ember(["status", "upgrade", "check"], conf)
            #expect(ready.status == 0, "\(ready.output)")
            #expect(
                ready.output.hasPrefix("+-----------------------------------+\n| Upgrade Check Results             |\n")
            )
            #expect(
                ready.output.contains(
                    "| Check: Service UUIDs              |\n| Result: Success                   |\n| Details: None                     |\n+-"
                )
            )
            // A volume without a service uuid is a failure (exit 2); JSON on request.
            _ = try await Self.volume(store, type: type, host: nil, status: .error)
            let failing = try await Self.ember(["status", "upgrade", "check", "--json"], conf)
            #expect(failing.status == 2, "\(failing.output)")
            #expect(
                failing.output.contains(#"{"check": "Service UUIDs", "result": 2, "details": "Services and volumes"#)
            )
        }
    }
}
