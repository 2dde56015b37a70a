import EmberCore
import EmberWorkers
import Testing

@Suite("Worker and backend configuration")
struct WorkerConfigurationTests {
    static func files(_ text: String) throws -> ConfigFiles {
        ConfigFiles(documents: [try INIDocument(text: text, path: "test.conf")])
    }

    @Test("enabled_backends sections with their options and defaults")
    func readsBackends() throws {
        let files = try Self.files(
            """
            [DEFAULT]
            enabled_backends = fast, slow
            report_interval = 5
            [fast]
            volume_driver = ember.volume.drivers.file.FileDriver
            volume_backend_name = gold
            reserved_percentage = 10
            [slow]
            file_volume_dir = /srv/slow
            backend_availability_zone = zone-2
            """
        )
        let configuration = try WorkerConfiguration(
            files: files,
            host: "node",
            statePath: "/state",
            defaultBackend: false
        )
        #expect(configuration.reportInterval == .seconds(5))
        #expect(configuration.periodicInterval == .seconds(60))
        #expect(configuration.backends.map(\.name) == ["fast", "slow"])
        #expect(configuration.backends[0].volumeBackendName == "gold")
        #expect(configuration.backends[0].reservedPercentage == 10)
        #expect(configuration.backends[0].fileVolumeDirectory == "/state/volumes/fast")
        #expect(configuration.backends[0].maxOverSubscriptionRatio == 20)
        #expect(configuration.backends[1].fileVolumeDirectory == "/srv/slow")
        #expect(configuration.backends[1].availabilityZone == "zone-2")
    }

    @Test("migration_create_volume_timeout_secs: 300 by default, at least 1")
    func readsMigrationTimeout() throws {
        let defaults = try WorkerConfiguration(
            files: try Self.files("[DEFAULT]\n"),
            host: "node",
            statePath: "/state",
            defaultBackend: true
        )
        #expect(defaults.migrationCreateVolumeTimeout == .seconds(300))
        let set = try WorkerConfiguration(
            files: try Self.files("[DEFAULT]\nmigration_create_volume_timeout_secs = 12\n"),
            host: "node",
            statePath: "/state",
            defaultBackend: true
        )
        #expect(set.migrationCreateVolumeTimeout == .seconds(12))
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration(
                files: try Self.files("[DEFAULT]\nmigration_create_volume_timeout_secs = 0\n"),
                host: "node",
                statePath: "/state",
                defaultBackend: true
            )
        }
    }

    @Test("the embedded mode gets one file backend; a separate volume node none")
    func defaultBackend() throws {
        let files = try Self.files("[DEFAULT]\n")
        let embedded = try WorkerConfiguration(files: files, host: "n", statePath: "/s", defaultBackend: true)
        #expect(embedded.backends.map(\.name) == ["file"])
        let separate = try WorkerConfiguration(files: files, host: "n", statePath: "/s", defaultBackend: false)
        #expect(separate.backends.isEmpty)
    }

    @Test("cinder's LVM driver is refused with a clear error")
    func refusesLVM() throws {
        let files = try Self.files(
            "[DEFAULT]\nenabled_backends = lvm\n[lvm]\nvolume_driver = cinder.volume.drivers.lvm.LVMVolumeDriver\n"
        )
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration(files: files, host: "n", statePath: "/s", defaultBackend: false)
        }
    }
}
