import EmberBus
import EmberCore
import EmberRPC
import Testing

@Suite struct RPCMessageTests {
    static let context = RPCContext(requestID: "req-typed", userID: "u", projectID: "p")
    static let spec = VolumeRequestSpec(
        volumeID: "v1",
        size: 3,
        volumeTypeID: "t1",
        availabilityZone: "nova",
        sourceVolumeID: "v0",
        resourceBackend: "node@alpha"
    )
    static let destination = DestinationBackend(
        host: "node@beta#beta",
        availabilityZone: "nova",
        capabilities: ["free_capacity_gb": 4.5]
    )

    /// Sends `message` through an envelope and reads it back: what the receiver gets.
    func roundTrip<Message: RPCMessage & Equatable>(_ message: Message, topic: String) throws {
        let envelope = try message.envelope(topic: topic, context: Self.context)
        #expect(envelope.method == Message.method)
        #expect(envelope.version == Message.version)
        #expect(envelope.topic == topic)
        #expect(envelope.context == Self.context)
        let wire = try Envelope.decode(try envelope.encoded())
        #expect(try Message.decode(wire.arguments) == message)
    }

    @Test func everySchedulerMessageRoundTrips() throws {
        let topic = SchedulerRPC.topic
        try roundTrip(SchedulerRPC.CreateVolume(volumeID: "v1", requestSpec: Self.spec), topic: topic)
        // A volume from a backup (3.47): `backup_id` beside the spec, and in it.
        let fromBackup = VolumeRequestSpec(
            volumeID: "v2",
            size: 2,
            volumeTypeID: "t1",
            availabilityZone: "nova",
            backupID: "b1"
        )
        let create = SchedulerRPC.CreateVolume(volumeID: "v2", requestSpec: fromBackup)
        #expect(create.backupID == "b1")
        try roundTrip(create, topic: topic)
        try roundTrip(
            VolumeRPC.CreateVolume(volumeID: "v2", requestSpec: fromBackup),
            topic: VolumeRPC.topic(forHost: "node@alpha")
        )
        try roundTrip(SchedulerRPC.GetPools(filters: ["name": "node@alpha#alpha"]), topic: topic)
        try roundTrip(
            SchedulerRPC.CreateSnapshot(volumeID: "v1", snapshotID: "s1", backend: "n@a", size: 3),
            topic: topic
        )
        try roundTrip(
            SchedulerRPC.ExtendVolume(volumeID: "v1", volumeTypeID: "t1", newSize: 5, reservations: ["r"]),
            topic: topic
        )
        let retype = RetypeSpec(
            volumeID: "v1",
            volumeType: .init(id: "t2", name: "gold", extraSpecs: ["k": "v"]),
            migrationPolicy: nil,
            quotaReservations: ["r1"],
            oldReservations: [],
            availabilityZones: ["nova"]
        )
        try roundTrip(SchedulerRPC.Retype(volumeID: "v1", requestSpec: retype), topic: topic)
        try roundTrip(
            SchedulerRPC.MigrateVolume(volumeID: "v1", volumeTypeID: "t1", backend: "n@b", forceCopy: true),
            topic: topic
        )
        try roundTrip(SchedulerRPC.CreateBackup(backupID: "b1"), topic: topic)
        let manage = ManageRequestSpec(
            volumeID: "v1",
            ref: ["source-name": "lv-1"],
            volumeTypeID: "t1",
            availabilityZone: "nova"
        )
        try roundTrip(SchedulerRPC.ManageExisting(volumeID: "v1", requestSpec: manage), topic: topic)
        try roundTrip(
            SchedulerRPC.ManageExistingSnapshot(volumeID: "v1", snapshotID: "s1", ref: ["source-name": "s"], size: 2),
            topic: topic
        )
        try roundTrip(
            SchedulerRPC.UpdateServiceCapabilities(host: "n@a", capabilities: ["x": 1], timestamp: .now),
            topic: topic
        )
    }

    @Test func everyVolumeMessageRoundTrips() throws {
        let topic = VolumeRPC.topic(forHost: "node@alpha#alpha")
        #expect(topic == "cinder-volume.node@alpha")
        try roundTrip(VolumeRPC.CreateVolume(volumeID: "v1", requestSpec: Self.spec), topic: topic)
        try roundTrip(VolumeRPC.CreateVolume(volumeID: "v1", requestSpec: nil), topic: topic)
        try roundTrip(VolumeRPC.DeleteVolume(volumeID: "v1", cascade: true), topic: topic)
        try roundTrip(VolumeRPC.ExtendVolume(volumeID: "v1", newSize: 9, reservations: []), topic: topic)
        try roundTrip(VolumeRPC.CreateSnapshot(volumeID: "v1", snapshotID: "s1"), topic: topic)
        try roundTrip(VolumeRPC.DeleteSnapshot(snapshotID: "s1", volumeID: "v1", unmanageOnly: true), topic: topic)
        try roundTrip(VolumeRPC.RevertToSnapshot(volumeID: "v1", snapshotID: "s1"), topic: topic)
        try roundTrip(
            VolumeRPC.Retype(
                volumeID: "v1",
                newTypeID: "t2",
                host: Self.destination,
                migrationPolicy: "on-demand",
                reservations: ["r1"],
                oldReservations: ["r2"]
            ),
            topic: topic
        )
        try roundTrip(
            VolumeRPC.MigrateVolume(volumeID: "v1", host: Self.destination, forceHostCopy: false),
            topic: topic
        )
        try roundTrip(VolumeRPC.MigrateVolumeCompletion(volumeID: "v1", newVolumeID: "v2", error: true), topic: topic)
        try roundTrip(
            VolumeRPC.UpdateMigratedVolume(volumeID: "v1", newVolumeID: "v2", volumeStatus: .inUse),
            topic: topic
        )
        try roundTrip(VolumeRPC.CopyVolumeToImage(volumeID: "v1", imageID: "i1"), topic: topic)
        try roundTrip(VolumeRPC.Reimage(volumeID: "v1", imageID: "i1"), topic: topic)
        try roundTrip(VolumeRPC.InitializeConnection(volumeID: "v1", connector: ["host": "h"]), topic: topic)
        try roundTrip(VolumeRPC.InitializeConnectionSnapshot(snapshotID: "s1", connector: ["host": "h"]), topic: topic)
        try roundTrip(
            VolumeRPC.TerminateConnection(volumeID: "v1", connector: ["host": "h"], force: true),
            topic: topic
        )
        try roundTrip(
            VolumeRPC.AttachVolume(
                volumeID: "v1",
                instanceUUID: nil,
                hostName: "h",
                mountpoint: "/dev/vdb",
                mode: "ro"
            ),
            topic: topic
        )
        try roundTrip(VolumeRPC.DetachVolume(volumeID: "v1", attachmentID: nil), topic: topic)
        try roundTrip(
            VolumeRPC.AttachmentUpdate(volumeID: "v1", connector: ["host": "h", "mode": "ro"], attachmentID: "a1"),
            topic: topic
        )
        try roundTrip(VolumeRPC.AttachmentDelete(attachmentID: "a1", volumeID: "v1"), topic: topic)
        try roundTrip(
            VolumeRPC.ExtendVolumeCompletion(volumeID: "v1", newSize: 3, reservations: ["r1"], error: false),
            topic: topic
        )
        try roundTrip(VolumeRPC.GetCapabilities(discover: true), topic: topic)
        try roundTrip(VolumeRPC.DeleteVolume(volumeID: "v1", cascade: false, unmanageOnly: true), topic: topic)
        try roundTrip(VolumeRPC.ManageExisting(volumeID: "v1", ref: ["source-name": "lv-1"]), topic: topic)
        try roundTrip(VolumeRPC.ManageExistingSnapshot(snapshotID: "s1", ref: "snap-1"), topic: topic)
        let paging = ManageablePaging(
            marker: "{\"source-name\": \"a\"}",
            limit: 5,
            offset: 1,
            sortKeys: ["size", "reference"],
            sortDirs: ["desc", "asc"]
        )
        try roundTrip(VolumeRPC.GetManageableVolumes(paging: paging), topic: topic)
        try roundTrip(VolumeRPC.GetManageableSnapshots(paging: paging), topic: topic)
        #expect(VolumeRPC.GetManageableVolumes(paging: paging).paging == paging)
        try roundTrip(VolumeRPC.PublishServiceCapabilities(), topic: topic)
    }

    @Test func everyBackupMessageRoundTrips() throws {
        let topic = BackupRPC.topic(forHost: "node")
        #expect(topic == "cinder-backup.node")
        try roundTrip(BackupRPC.CreateBackup(backupID: "b1"), topic: topic)
        try roundTrip(BackupRPC.RestoreBackup(backupID: "b1", volumeID: "v1", volumeIsNew: false), topic: topic)
        try roundTrip(BackupRPC.RestoreBackup(backupID: "b1", volumeID: "v2", volumeIsNew: true), topic: topic)
        try roundTrip(BackupRPC.DeleteBackup(backupID: "b1"), topic: topic)
        try roundTrip(BackupRPC.ExportRecord(backupID: "b1"), topic: topic)
        try roundTrip(
            BackupRPC.ImportRecord(backupID: "b1", backupService: "s", backupURL: "u", backupHosts: ["h"]),
            topic: topic
        )
        try roundTrip(BackupRPC.ResetStatus(backupID: "b1", status: .available), topic: topic)
    }

    @Test func theWireKeepsCindersArgumentNames() throws {
        let arguments = try VolumeRPC.Retype(
            volumeID: "v1",
            newTypeID: "t2",
            host: Self.destination,
            migrationPolicy: "never",
            reservations: [],
            oldReservations: ["r"]
        ).arguments()
        #expect(
            Set(arguments.objectValue?.keys ?? [])
                == ["volume_id", "new_type_id", "host", "migration_policy", "reservations", "old_reservations"]
        )
        #expect(arguments["host"]?["host"] == "node@beta#beta")
        #expect(arguments["host"]?["availability_zone"] == "nova")
    }

    @Test func aMissingArgumentIsAMalformedMessageNamingTheMethod() {
        let error = #expect(throws: BusError.self) {
            try VolumeRPC.ExtendVolume.decode(["volume_id": "v1", "reservations": []])
        }
        guard case .malformedMessage(let reason)? = error else {
            Issue.record("expected malformedMessage, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("extend_volume"))
        #expect(reason.contains("new_size"))
        #expect(throws: BusError.self) { try BackupRPC.ResetStatus.decode(["backup_id": "b1", "status": "bogus"]) }
    }

    @Test func theDispatcherDecodesTheMessageAndEncodesTheReply() async throws {
        var dispatcher = RPCDispatcher(topic: "cinder-volume.n@a")
        dispatcher.on(VolumeRPC.MigrateVolumeCompletion.self) { message, context in
            #expect(context.requestID == "req-typed")
            return .init(saveVolumeID: message.error == true ? message.volumeID : message.newVolumeID)
        }
        dispatcher.on(VolumeRPC.DeleteVolume.self) { _, _ in RPCNoReply() }
        #expect(dispatcher.methods == ["delete_volume", "migrate_volume_completion"])

        let call = try VolumeRPC.MigrateVolumeCompletion(volumeID: "v1", newVolumeID: "v2", error: false)
            .envelope(topic: "cinder-volume.n@a", context: Self.context)
        #expect(try await dispatcher.dispatch(call) == ["save_volume_id": "v2"])
        let cast = try VolumeRPC.DeleteVolume(volumeID: "v1", cascade: false)
            .envelope(topic: "cinder-volume.n@a", context: Self.context)
        #expect(try await dispatcher.dispatch(cast) == .null)

        var malformed = call
        malformed.arguments = ["volume_id": "v1"]
        await #expect(throws: BusError.self) { try await dispatcher.dispatch(malformed) }
    }

    @Test func methodNamesAreDistinctWithinEachAPI() {
        let scheduler: [any RPCMessage.Type] = [
            SchedulerRPC.CreateVolume.self, SchedulerRPC.GetPools.self, SchedulerRPC.CreateSnapshot.self,
            SchedulerRPC.ExtendVolume.self, SchedulerRPC.Retype.self, SchedulerRPC.MigrateVolume.self,
            SchedulerRPC.CreateBackup.self, SchedulerRPC.UpdateServiceCapabilities.self,
        ]
        let volume: [any RPCMessage.Type] = [
            VolumeRPC.CreateVolume.self, VolumeRPC.DeleteVolume.self, VolumeRPC.ExtendVolume.self,
            VolumeRPC.CreateSnapshot.self, VolumeRPC.DeleteSnapshot.self, VolumeRPC.RevertToSnapshot.self,
            VolumeRPC.Retype.self, VolumeRPC.MigrateVolume.self, VolumeRPC.MigrateVolumeCompletion.self,
            VolumeRPC.UpdateMigratedVolume.self, VolumeRPC.CopyVolumeToImage.self, VolumeRPC.Reimage.self,
            VolumeRPC.InitializeConnection.self, VolumeRPC.InitializeConnectionSnapshot.self,
            VolumeRPC.TerminateConnection.self, VolumeRPC.AttachVolume.self, VolumeRPC.DetachVolume.self,
            VolumeRPC.GetCapabilities.self, VolumeRPC.PublishServiceCapabilities.self,
        ]
        for (api, served, messages) in [
            ("scheduler", SchedulerRPC.version, scheduler), ("volume", VolumeRPC.version, volume),
        ] {
            let names = messages.map { $0.method }
            #expect(Set(names).count == names.count, "\(api): \(names)")
            for message in messages {
                #expect(
                    served.canHandle(message.version),
                    "\(api) serves \(served), \(message.method) needs \(message.version)"
                )
            }
        }
    }
}

/// Volume transfers: `accept_transfer` with cinder's argument names, and a 3.0 sender's
/// arguments (no `no_snapshots`) still decode.
@Suite struct TransferRPCMessageTests {
    @Test func acceptTransferRoundTripsWithCindersArgumentNames() throws {
        let message = VolumeRPC.AcceptTransfer(volumeID: "v1", newUser: "u2", newProject: "p2", noSnapshots: true)
        let envelope = try message.envelope(
            topic: VolumeRPC.topic(forHost: "node@alpha#alpha"),
            context: RPCMessageTests.context
        )
        #expect(envelope.method == "accept_transfer")
        #expect(envelope.version == RPCVersion(3, 16))
        #expect(envelope.topic == "cinder-volume.node@alpha")
        let wire = try Envelope.decode(try envelope.encoded())
        #expect(try VolumeRPC.AcceptTransfer.decode(wire.arguments) == message)
        #expect(wire.arguments["new_project"] == "p2")
        #expect(wire.arguments["no_snapshots"] == true)
        let old = try VolumeRPC.AcceptTransfer.decode(["volume_id": "v1", "new_user": "u2", "new_project": "p2"])
        #expect(old.noSnapshots == nil)
        #expect(old.volumeID == "v1")
    }
}
