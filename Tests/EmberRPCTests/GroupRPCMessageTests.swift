import EmberBus
import EmberCore
import EmberRPC
import Foundation
import Testing

/// The group messages of the scheduler and volume RPC APIs survive the envelope, with
/// cinder's method and argument names on the wire.
@Suite struct GroupRPCMessageTests {
    static let context = RPCContext(requestID: "req-group", userID: "u", projectID: "p")

    func roundTrip<Message: RPCMessage & Equatable>(_ message: Message, topic: String) throws -> JSONValue {
        let envelope = try message.envelope(topic: topic, context: Self.context)
        #expect(envelope.method == Message.method)
        #expect(envelope.version == Message.version)
        let wire = try Envelope.decode(try envelope.encoded())
        #expect(try Message.decode(wire.arguments) == message)
        return wire.arguments
    }

    @Test func groupMessagesRoundTripWithCindersNames() throws {
        let group = VolumeGroup(id: "g1", groupTypeID: "gt1", volumeTypeIDs: ["t1", "t2"])
        let create = try roundTrip(SchedulerRPC.CreateGroup(group: group), topic: SchedulerRPC.topic)
        #expect(create["group_id"] == "g1")
        #expect(create["group_spec"] == ["group_type_id": "gt1", "group_id": "g1"])
        #expect(
            create["request_spec_list"]
                == [["volume_type_id": "t1", "group_id": "g1"], ["volume_type_id": "t2", "group_id": "g1"]]
        )
        #expect(SchedulerRPC.CreateGroup.method == "create_group")

        let topic = VolumeRPC.topic(forHost: "node@alpha#alpha")
        _ = try roundTrip(VolumeRPC.CreateGroup(groupID: "g1"), topic: topic)
        _ = try roundTrip(VolumeRPC.DeleteGroup(groupID: "g1"), topic: topic)
        let update = try roundTrip(
            VolumeRPC.UpdateGroup(groupID: "g1", addVolumes: ["v1", "v2"], removeVolumes: []),
            topic: topic
        )
        #expect(update["add_volumes"] == "v1,v2")
        #expect(update["remove_volumes"] == nil || update["remove_volumes"] == .null)
        _ = try roundTrip(VolumeRPC.CreateGroupSnapshot(groupSnapshotID: "gs1"), topic: topic)
        _ = try roundTrip(VolumeRPC.DeleteGroupSnapshot(groupSnapshotID: "gs1"), topic: topic)
        let fromSource = try roundTrip(
            VolumeRPC.CreateGroupFromSrc(groupID: "g2", groupSnapshotID: "gs1", sourceGroupID: nil),
            topic: topic
        )
        #expect(fromSource["group_snapshot_id"] == "gs1" && fromSource["group_id"] == "g2")
        #expect(
            [
                VolumeRPC.CreateGroupSnapshot.method, VolumeRPC.DeleteGroupSnapshot.method,
                VolumeRPC.CreateGroupFromSrc.method,
            ]
                == ["create_group_snapshot", "delete_group_snapshot", "create_group_from_src"]
        )
        #expect(VolumeRPC.UpdateGroup.ids("v1,,v2,") == ["v1", "v2"])
        #expect(VolumeRPC.UpdateGroup.ids(nil) == [])
        #expect(
            [VolumeRPC.CreateGroup.method, VolumeRPC.DeleteGroup.method, VolumeRPC.UpdateGroup.method]
                == ["create_group", "delete_group", "update_group"]
        )
    }
}
