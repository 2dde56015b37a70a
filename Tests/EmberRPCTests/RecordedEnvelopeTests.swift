import EmberBus
import EmberCore
import EmberRPC
import Foundation
import Testing

/// Envelopes as the release before typed messages wrote them (its `SchedulerRPC`,
/// `VolumeRPC`, `BackupRPC` and the managers' own casts built the argument maps by hand).
/// A bus may still hold such messages when the new release starts: they must decode.
@Suite struct RecordedEnvelopeTests {
    static let context =
        #"{"request_id": "req-1", "user_id": "u1", "project_id": "p1", "roles": ["member"], "is_admin": false}"#

    static func envelope(_ topic: String, _ method: String, _ version: String, _ arguments: String) throws -> Envelope {
        try Envelope.decode(
            #"{"id": "0F6C2A52-3C0B-4D57-9C3A-2E0E4C1B7A10", "topic": "\#(topic)", "method": "\#(method)", "#
                + #""version": "\#(version)", "args": \#(arguments), "context": \#(context), "#
                + #""created_at": 786000000.5}"#
        )
    }

    @Test func schedulerCreateVolumeFromThePreviousRelease() throws {
        let recorded = try Self.envelope(
            "cinder-scheduler",
            "create_volume",
            "3.0",
            #"{"volume_id": "v1", "snapshot_id": null, "image_id": "img-1", "backup_id": null, "#
                + #""request_spec": {"volumeID": "v1", "size": 2, "volumeTypeID": "t1", "availabilityZone": "nova", "#
                + #""imageID": "img-1", "multiattach": false, "schedulerHints": {"same_host": ["v0"]}}, "#
                + #""filter_properties": {}}"#
        )
        let message = try SchedulerRPC.CreateVolume.decode(recorded.arguments)
        #expect(message.volumeID == "v1")
        #expect(message.imageID == "img-1")
        #expect(message.snapshotID == nil)
        let spec = try #require(message.requestSpec)
        #expect(spec.size == 2 && spec.volumeTypeID == "t1" && spec.availabilityZone == "nova")
        #expect(spec.imageID == "img-1")
        #expect(spec.schedulerHints == ["same_host": ["v0"]])
        #expect(recorded.context.projectID == "p1")
    }

    @Test func schedulerRetypeFromThePreviousRelease() throws {
        let recorded = try Self.envelope(
            "cinder-scheduler",
            "retype",
            "3.0",
            #"{"volume_id": "v1", "request_spec": {"volume_id": "v1", "#
                + #""volume_type": {"id": "t2", "name": "gold", "extra_specs": {"volume_backend_name": "beta"}}, "#
                + #""migration_policy": "on-demand", "quota_reservations": ["r1", "r2"], "old_reservations": ["r3"], "#
                + #""availability_zones": ["nova"]}, "filter_properties": {}}"#
        )
        let message = try SchedulerRPC.Retype.decode(recorded.arguments)
        #expect(
            message.requestSpec.volumeType == .init(id: "t2", name: "gold", extraSpecs: ["volume_backend_name": "beta"])
        )
        #expect(message.requestSpec.migrationPolicy == "on-demand")
        #expect(message.requestSpec.quotaReservations == ["r1", "r2"])
        #expect(message.requestSpec.oldReservations == ["r3"])
        #expect(message.requestSpec.availabilityZones == ["nova"])
    }

    @Test func volumeRetypeWithTheSchedulersHostDictFromThePreviousRelease() throws {
        let recorded = try Self.envelope(
            "cinder-volume.node@alpha",
            "retype",
            "3.0",
            #"{"volume_id": "v1", "new_type_id": "t2", "host": {"host": "node@beta#beta", "cluster_name": null, "#
                + #""availability_zone": "nova", "capabilities": {"free_capacity_gb": 9.5}}, "#
                + #""migration_policy": "never", "reservations": [], "old_reservations": ["r3"]}"#
        )
        let message = try VolumeRPC.Retype.decode(recorded.arguments)
        #expect(message.host.host == "node@beta#beta")
        #expect(message.host.backend == "node@beta")
        #expect(message.host.clusterName == nil)
        #expect(message.host.capabilities == ["free_capacity_gb": 9.5])
        #expect(message.migrationPolicy == "never")
        #expect(message.reservations.isEmpty && message.oldReservations == ["r3"])
    }

    @Test func volumeMessagesWithOptionalArgumentsLeftOutByThePreviousRelease() throws {
        // The migration's own delete of its temporary volume sent no `unmanage_only`, and its
        // create no `filter_properties`; the scheduler's capability probe no `discover`.
        let delete = try VolumeRPC.DeleteVolume.decode(
            try Self.envelope("cinder-volume.n@a", "delete_volume", "3.0", #"{"volume_id": "v9", "cascade": false}"#)
                .arguments
        )
        #expect(
            delete
                == VolumeRPC.DeleteVolume(volumeID: "v9", cascade: false, unmanageOnly: false).with(\.unmanageOnly, nil)
        )
        let create = try VolumeRPC.CreateVolume.decode(
            try Self.envelope(
                "cinder-volume.n@a",
                "create_volume",
                "3.0",
                #"{"volume_id": "v9", "request_spec": null, "allow_reschedule": false}"#
            ).arguments
        )
        #expect(create.requestSpec == nil && create.filterProperties == nil && create.allowReschedule == false)
        let probe = try VolumeRPC.GetCapabilities.decode(.object([:]))
        #expect(probe.discover == nil)
    }

    @Test func capabilityReportFromThePreviousRelease() throws {
        let recorded = try Self.envelope(
            "cinder-scheduler",
            "update_service_capabilities",
            "3.0",
            #"{"service_name": "volume", "host": "node@alpha", "capabilities": {"total_capacity_gb": 10.0}, "#
                + #""cluster_name": null, "timestamp": "2026-12-05T10:11:12Z"}"#
        )
        let report = try SchedulerRPC.UpdateServiceCapabilities.decode(recorded.arguments)
        #expect(report.host == "node@alpha")
        #expect(report.reportedAt == Date(timeIntervalSince1970: 1_796_465_472))
        // A whole number written as a double reads back as an integer, as through
        // PostgreSQL's queue before; the scheduler reads capacities as either.
        #expect(report.capabilities["total_capacity_gb"] == .int(10))
    }

    @Test func backupMessagesFromThePreviousRelease() throws {
        let restore = try BackupRPC.RestoreBackup.decode(
            try Self.envelope(
                "cinder-backup.node",
                "restore_backup",
                "2.0",
                #"{"backup_id": "b1", "volume_id": "v1", "volume_is_new": true}"#
            ).arguments
        )
        #expect(restore == BackupRPC.RestoreBackup(backupID: "b1", volumeID: "v1", volumeIsNew: true))
        let reset = try BackupRPC.ResetStatus.decode(
            try Self.envelope("cinder-backup.node", "reset_status", "2.0", #"{"backup_id": "b1", "status": "error"}"#)
                .arguments
        )
        #expect(reset.status == .error)
        let importing = try BackupRPC.ImportRecord.decode(
            try Self.envelope(
                "cinder-backup.node",
                "import_record",
                "2.0",
                #"{"backup_id": "b1", "backup_service": "cinder.backup.drivers.posix", "backup_url": "eyJ9", "#
                    + #""backup_hosts": ["h2", "h3"]}"#
            ).arguments
        )
        #expect(importing.backupHosts == ["h2", "h3"])
        #expect(importing.backupURL == "eyJ9")
    }

    @Test func repliesFromThePreviousRelease() throws {
        let completion = try VolumeRPC.MigrateVolumeCompletion.Reply.self.decode(#"{"save_volume_id": "v1"}"#)
        #expect(completion.saveVolumeID == "v1")
        let migrated = try VolumeRPC.UpdateMigratedVolume.Reply.self.decode(#"{"_name_id": null}"#)
        #expect(migrated.nameID == nil)
        let record = try BackupRPC.ExportRecord.Reply.self.decode(
            #"{"backup_service": "cinder.backup.drivers.posix.PosixBackupDriver", "backup_url": "eyJ9"}"#
        )
        #expect(record.backupURL == "eyJ9")
    }
}

extension RPCMessage {
    func with<Value>(_ path: WritableKeyPath<Self, Value>, _ value: Value) -> Self {
        var copy = self
        copy[keyPath: path] = value
        return copy
    }
}

extension Decodable {
    static func decode(_ json: String) throws -> Self {
        try JSONDecoder().decode(Self.self, from: Data(json.utf8))
    }
}
