import EmberAPI
import EmberCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// The volume actions that need no worker answer (reserve, detaching marks, flags) and the
/// API side of those that do (extend, revert): status preconditions, casts and messages.
@Suite struct VolumeActionAPITests {
    func status(_ client: any TestClientProtocol, _ id: String) async throws -> String? {
        try await client.send(.get, "/volumes/\(id)").json?["volume"]?["status"]?.stringValue
    }

    @Test func reserveAndUnreserveMoveThroughAttaching() async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api)
            let action = "/volumes/\(id)/action"
            #expect(try await client.send(.post, action, #"{"os-reserve": null}"#).status == .accepted)
            #expect(try await status(client, id) == "attaching")
            let twice = try await client.send(.post, action, #"{"os-reserve": {}}"#)
            #expect(twice.status == .badRequest)
            #expect(
                twice.json?["badRequest"]?["message"]
                    == "Invalid volume: Volume status must be available to reserve, but the status is attaching."
            )
            #expect(try await client.send(.post, action, #"{"os-unreserve": null}"#).status == .accepted)
            #expect(try await status(client, id) == "available")
            // Unreserving a volume that is not attaching changes nothing.
            #expect(try await client.send(.post, action, #"{"os-unreserve": null}"#).status == .accepted)
            #expect(try await status(client, id) == "available")
        }
    }

    @Test func detachingMarksNeedAnAttachedInUseVolume() async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api)
            let action = "/volumes/\(id)/action"
            let refused = try await client.send(.post, action, #"{"os-begin_detaching": null}"#)
            #expect(refused.status == .badRequest)
            #expect(
                refused.json?["badRequest"]?["message"]
                    == "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach."
            )
            #expect(try await client.send(.post, action, #"{"os-roll_detaching": null}"#).status == .accepted)
            #expect(try await status(client, id) == "available")
            _ = try await api.store.updateVolume(id: id, [.status(.inUse), .attachStatus(.attached)])
            #expect(try await client.send(.post, action, #"{"os-begin_detaching": null}"#).status == .accepted)
            #expect(try await status(client, id) == "detaching")
            #expect(try await client.send(.post, action, #"{"os-roll_detaching": null}"#).status == .accepted)
            #expect(try await status(client, id) == "in-use")
        }
    }

    @Test func extendChecksSizeStatusAndQuotaThenCastsToTheScheduler() async throws {
        try await APIHarness.run(conf: "quota_gigabytes = 6\n") { client, casts, api in
            let id = try await client.placedVolume(api, size: 2)
            let action = "/volumes/\(id)/action"
            let smaller = try await client.send(.post, action, #"{"os-extend": {"new_size": 2}}"#)
            #expect(
                smaller.json?["badRequest"]?["message"]
                    == "Invalid input received: New size for extend must be greater than current size. (current: 2, extended: 2)."
            )
            let tooBig = try await client.send(.post, action, #"{"os-extend": {"new_size": 9}}"#)
            #expect(tooBig.status == .contentTooLarge)
            #expect(
                tooBig.json?["overLimit"]?["message"]
                    == "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 7G, quota is 6G and 2G has been consumed."
            )
            #expect(try await status(client, id) == "available", "a refused extend puts the status back")

            let accepted = try await client.send(.post, action, #"{"os-extend": {"new_size": "4"}}"#)
            #expect(accepted.status == .accepted)
            #expect(accepted.body.readableBytes == 0)
            #expect(casts.casts.last == "extend_volume:\(id):4")
            #expect(try await status(client, id) == "extending")
            let stored = try await api.store.volume(id: id, scope: .allProjects)
            #expect(stored.previousStatus == "available")
            let usage = try await api.store.quotaUsages(projectID: APIHarness.project)
            #expect(usage["gigabytes"]?.reserved == 2)

            let inUse = try await client.placedVolume(api, status: .inUse)
            let old = try await client.send(.post, "/volumes/\(inUse)/action", #"{"os-extend": {"new_size": 2}}"#)
            #expect(
                old.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid volume: Volume \(inUse) status must be '{'status': 'available'}' to extend, currently in-use."
                    )
            )
            let attached = try await client.send(
                .post,
                "/volumes/\(inUse)/action",
                #"{"os-extend": {"new_size": 2}}"#,
                version: "3.42"
            )
            #expect(attached.status == .accepted)
            #expect(try await api.store.volume(id: inUse, scope: .allProjects).previousStatus == "in-use")
        }
    }

    @Test func perVolumeLimitBoundsExtend() async throws {
        try await APIHarness.run(conf: "per_volume_size_limit = 3\n") { client, _, api in
            let id = try await client.placedVolume(api)
            let response = try await client.send(.post, "/volumes/\(id)/action", #"{"os-extend": {"new_size": 4}}"#)
            #expect(response.status == .contentTooLarge)
            #expect(
                response.json?["overLimit"]?["message"]
                    == "VolumeSizeExceedsLimit: Requested volume size 4G is larger than maximum allowed limit 3G."
            )
            #expect(try await status(client, id) == "available")
        }
    }

    @Test func bootableAndReadonlyFlags() async throws {
        try await APIHarness.run { client, _, api in
            let id = try await client.placedVolume(api)
            let action = "/volumes/\(id)/action"
            let bootable = try await client.send(.post, action, #"{"os-set_bootable": {"bootable": "True"}}"#)
            #expect(bootable.status == .ok)
            #expect(bootable.body.readableBytes == 0)
            #expect(try await client.send(.get, "/volumes/\(id)").json?["volume"]?["bootable"] == "true")
            let readonly = try await client.send(.post, action, #"{"os-update_readonly_flag": {"readonly": true}}"#)
            #expect(readonly.status == .accepted)
            let shown = try await client.send(.get, "/volumes/\(id)")
            #expect(shown.json?["volume"]?["metadata"] == ["readonly": "True"])
            // The user metadata API does not list admin metadata.
            #expect(try await client.send(.get, "/volumes/\(id)/metadata").json?["metadata"] == [:])
            let attach = try await client.send(
                .post,
                action,
                #"{"os-attach": {"instance_uuid": "8a1c2f44-6a39-4e8e-9b6c-2a8a6b1f0c11", "mountpoint": "/dev/vdb"}}"#
            )
            #expect(attach.json?["badRequest"]?["message"] == .string("Invalid attaching mode 'rw' for volume \(id)."))

            _ = try await api.store.updateVolume(id: id, [.status(.inUse)])
            let busy = try await client.send(.post, action, #"{"os-update_readonly_flag": {"readonly": false}}"#)
            #expect(
                busy.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid volume: Volume \(id) status must be available to update readonly flag, but current status is: in-use."
                    )
            )
            _ = try await api.store.updateVolume(id: id, [.status(.maintenance)])
            let maintenance = try await client.send(.post, action, #"{"os-set_bootable": {"bootable": false}}"#)
            #expect(
                maintenance.json?["badRequest"]?["message"]
                    == "Invalid volume: The volume cannot be updated during maintenance."
            )
        }
    }

    @Test func revertOnlyToTheLatestSnapshotOfTheSameSize() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            let action = "/volumes/\(id)/action"
            let none = try await client.send(.post, action, #"{"revert": {"snapshot_id": null}}"#, version: "3.40")
            #expect(none.json?["badRequest"]?["message"] == .string("Volume \(id) doesn't have any snapshots."))
            let older = try await client.createSnapshot(id)
            let latest = try await client.createSnapshot(id)
            let notLatest = try await client.send(
                .post,
                action,
                #"{"revert": {"snapshot_id": "\#(older)"}}"#,
                version: "3.40"
            )
            #expect(
                notLatest.json?["badRequest"]?["message"]
                    == .string("Specified snapshot \(older) is None or not the latest one of volume \(id).")
            )
            let creating = try await client.send(
                .post,
                action,
                #"{"revert": {"snapshot_id": "\#(latest)"}}"#,
                version: "3.40"
            )
            #expect(creating.status == .conflict)
            #expect(
                creating.json?["conflictingRequest"]?["message"]
                    == .string(
                        "Invalid snapshot: Can't revert volume \(id) to its latest snapshot \(latest). Snapshot's status must be 'available'."
                    )
            )
            #expect(try await status(client, id) == "available", "the volume is put back")
            _ = try await api.store.updateSnapshot(id: latest, [.status(.available)])
            let reverted = try await client.send(
                .post,
                action,
                #"{"revert": {"snapshot_id": "\#(latest)"}}"#,
                version: "3.40"
            )
            #expect(reverted.status == .accepted)
            #expect(casts.casts.last == "revert_to_snapshot:\(id):\(latest)")
            #expect(try await status(client, id) == "reverting")
            #expect(try await client.send(.get, "/snapshots/\(latest)").json?["snapshot"]?["status"] == "restoring")
            let busy = try await client.send(
                .post,
                action,
                #"{"revert": {"snapshot_id": "\#(latest)"}}"#,
                version: "3.40"
            )
            #expect(busy.status == .conflict)
            #expect(
                busy.json?["conflictingRequest"]?["message"]
                    == .string(
                        "Invalid volume: Can't revert volume \(id) to its latest snapshot \(latest). Volume's status must be 'available'."
                    )
            )
            _ = try await api.store.updateVolume(id: id, [.status(.available), .size(2)])
            _ = try await api.store.updateSnapshot(id: latest, [.status(.available)])
            let sizes = try await client.send(
                .post,
                action,
                #"{"revert": {"snapshot_id": "\#(latest)"}}"#,
                version: "3.40"
            )
            #expect(
                sizes.json?["badRequest"]?["message"]
                    == .string(
                        "Can't revert volume \(id) to its latest snapshot \(latest). The volume size must be equal to the snapshot size."
                    )
            )
            let tooOld = try await client.send(.post, action, #"{"revert": {"snapshot_id": "\#(latest)"}}"#)
            #expect(tooOld.status == .notFound)
        }
    }

    @Test func detachOfAnUnknownAttachmentIsRefusedForNonServices() async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api, status: .inUse)
            _ = try await api.store.createAttachment(
                VolumeAttachment(
                    volumeID: id,
                    instanceUUID: "8a1c2f44-6a39-4e8e-9b6c-2a8a6b1f0c11",
                    attachStatus: .attached
                )
            )
            _ = try await api.store.createAttachment(VolumeAttachment(volumeID: id, attachStatus: .attached))
            let response = try await client.send(.post, "/volumes/\(id)/action", #"{"os-detach": null}"#)
            #expect(response.status == .conflict)
            #expect(
                response.json?["conflictingRequest"]?["message"]
                    == "ConflictNovaUsingAttachment: Detach volume from instance  using the Compute API"
            )
            #expect(!casts.casts.contains { $0.hasPrefix("detach_volume") })
        }
    }

    static let zero = "00000000-0000-0000-0000-000000000000"

    /// Each action's schema: cinder's fault and message for a bad body; nothing changes.
    @Test(arguments: [
        (
            #"{"os-attach": {"instance_uuid": "8a1c2f44-6a39-4e8e-9b6c-2a8a6b1f0c11"}}"#,
            "Invalid input for field/attribute os-attach. Value: {'instance_uuid': '8a1c2f44-6a39-4e8e-9b6c-2a8a6b1f0c11'}. 'mountpoint' is a required property"
        ),
        (
            #"{"os-attach": {"mountpoint": "/dev/vdb"}}"#,
            "Invalid input for field/attribute os-attach. Value: {'mountpoint': '/dev/vdb'}. {'mountpoint': '/dev/vdb'} is not valid under any of the given schemas"
        ),
        (
            #"{"os-attach": {"mountpoint": "/dev/vdb", "host_name": "h", "mode": "rx"}}"#,
            "Invalid input for field/attribute mode. Value: rx. 'rx' is not one of ['rw', 'ro']"
        ),
        (
            #"{"os-attach": {"mountpoint": "", "host_name": "h"}}"#,
            "Invalid input for field/attribute mountpoint. Value: . '' should be non-empty"
        ),
        (
            #"{"os-attach": {"mountpoint": "/dev/vdb", "instance_uuid": "abc"}}"#,
            "Invalid input for field/attribute instance_uuid. Value: abc. 'abc' is not a 'uuid'"
        ),
        (
            #"{"os-attach": {"mountpoint": "/m", "host_name": "h", "extra": 1}}"#,
            "Invalid input for field/attribute os-attach. Value: {'mountpoint': '/m', 'host_name': 'h', 'extra': 1}. Additional properties are not allowed ('extra' was unexpected)"
        ),
        (
            #"{"os-detach": {"attachment_id": "abc"}}"#,
            "Invalid input for field/attribute attachment_id. Value: abc. 'abc' is not valid under any of the given schemas"
        ),
        (
            #"{"os-detach": "abc"}"#,
            "Invalid input for field/attribute os-detach. Value: abc. 'abc' is not of type 'object', 'null'"
        ),
        (
            #"{"os-extend": {}}"#,
            "Invalid input for field/attribute os-extend. Value: {}. 'new_size' is a required property"
        ),
        (
            #"{"os-extend": {"new_size": 0}}"#,
            "Invalid input for field/attribute new_size. Value: 0. 0 is less than the minimum of 1"
        ),
        (
            #"{"os-extend": {"new_size": "0"}}"#,
            "Invalid input for field/attribute new_size. Value: 0. 0 is less than the minimum of 1"
        ),
        (
            #"{"os-extend": {"new_size": "two"}}"#,
            "Invalid input for field/attribute new_size. Value: two. 'two' does not match '^[0-9]+$'"
        ),
        (
            #"{"os-extend": {"new_size": 2.5}}"#,
            "Invalid input for field/attribute new_size. Value: 2.5. 2.5 is not of type 'integer', 'string'"
        ),
        (
            #"{"os-extend": null}"#,
            "Invalid input for field/attribute os-extend. Value: None. None is not of type 'object'"
        ),
        (
            #"{"os-set_bootable": {}}"#,
            "Invalid input for field/attribute os-set_bootable. Value: {}. 'bootable' is a required property"
        ),
        (
            #"{"os-set_bootable": {"bootable": "perhaps"}}"#,
            "Invalid input for field/attribute bootable. Value: perhaps. 'perhaps' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']"
        ),
        (
            #"{"os-update_readonly_flag": {"readonly": 1}}"#,
            "Invalid input for field/attribute readonly. Value: 1. 1 is not of type 'boolean', 'string'"
        ),
        (
            #"{"os-initialize_connection": {}}"#,
            "Invalid input for field/attribute os-initialize_connection. Value: {}. 'connector' is a required property"
        ),
        (
            #"{"os-initialize_connection": {"connector": 5}}"#,
            "Invalid input for field/attribute connector. Value: 5. 5 is not of type 'object', 'string'"
        ),
        (
            #"{"os-terminate_connection": {"connector": []}}"#,
            "Invalid input for field/attribute connector. Value: []. [] is not of type 'string', 'object', 'null'"
        ),
        (#"{"os-reserve": 1, "os-unreserve": 1}"#, "Malformed request body"),
    ])
    func badActionBodiesGetCindersMessages(body: String, message: String) async throws {
        try await APIHarness.run { client, casts, api in
            let id = try await client.placedVolume(api)
            let response = try await client.send(.post, "/volumes/\(id)/action", body)
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(response.json?["badRequest"]?["message"] == .string(message))
            #expect(casts.casts.allSatisfy { $0.hasPrefix("create_volume") })
            let volume = try await api.store.volume(id: id, scope: .allProjects)
            #expect(volume.status == .available)
            #expect(volume.size == 1)
            #expect(volume.adminMetadata.isEmpty)
        }
    }

    @Test(arguments: [
        #"{"os-reserve": null}"#, #"{"os-extend": {"new_size": 2}}"#, #"{"os-set_bootable": {"bootable": true}}"#,
        #"{"os-detach": null}"#, #"{"os-attach": {"host_name": "h", "mountpoint": "/m"}}"#,
    ])
    func actionsOnAMissingVolumeAre404(body: String) async throws {
        try await APIHarness.run { client, casts, _ in
            let response = try await client.send(.post, "/volumes/\(Self.zero)/action", body)
            #expect(response.status == .notFound)
            #expect(response.json?["itemNotFound"]?["message"] == .string("Volume \(Self.zero) could not be found."))
            #expect(casts.casts.isEmpty)
        }
    }
}
