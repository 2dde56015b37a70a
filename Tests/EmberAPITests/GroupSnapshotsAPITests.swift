import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// `/group_snapshots` (3.14) and `POST /groups/action` `create-from-src` through the paste
/// pipeline with the casts recorded: the member snapshots, the views, reset_status (3.19),
/// delete, a member snapshot refused alone, and every call by role.
@Suite struct GroupSnapshotsAPITests {
    typealias Roles = QoSSpecsAPITests
    typealias Groups = GroupsAPITests

    /// A placed group with one available member volume; returns (group, volume).
    static func groupWithVolume(
        _ client: any TestClientProtocol,
        _ api: VolumeAPI,
        as headers: HTTPFields = Roles.admin
    ) async throws -> (String, String) {
        let group = try await Groups.createGroup(
            client,
            #"{"group": {"group_type": "gt", "volume_types": ["fast"]}}"#,
            as: headers
        )
        try await Groups.place(api, group)
        let fast = try await api.types.resolve("fast").id
        let volume = try await Groups.volume(client, api, type: fast, group: group)
        return (group, volume)
    }

    @Test func lifeOfAGroupSnapshot() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            _ = try await Groups.types(client)
            let (group, volume) = try await Self.groupWithVolume(client, api)
            let created = try await Groups.send(
                client,
                .post,
                "/group_snapshots",
                body: #"{"group_snapshot": {"group_id": "\#(group)", "name": "gs"}}"#
            )
            #expect(created.status == .accepted, "\(created.text)")
            let id = try #require(created.json?["group_snapshot"]?["id"]?.stringValue)
            let groupType = try await api.store.group(id: group, scope: .allProjects).groupTypeID
            #expect(
                created.json == [
                    "group_snapshot": ["id": .string(id), "name": "gs", "group_type_id": .string(groupType)]
                ]
            )
            #expect(casts.casts.last == "create_group_snapshot:\(id)")
            let members = try await api.store.groupSnapshotMembers(id: id)
            #expect(members.map(\.volumeID) == [volume] && members[0].status == .creating)
            #expect(members[0].displayName == "gs")

            let shown = try #require(
                try await Groups.send(client, .get, "/group_snapshots/\(id)").json?["group_snapshot"]
            )
            #expect(shown["group_id"] == .string(group) && shown["status"] == "creating")
            #expect(shown["project_id"] == .string(Roles.project))
            let index = try await Groups.send(client, .get, "/group_snapshots")
            #expect(index.json == ["group_snapshots": [["id": .string(id), "name": "gs"]]])
            let detail = try await Groups.send(client, .get, "/group_snapshots/detail?status=creating")
            #expect(detail.json?["group_snapshots"]?.arrayValue.first?["group_type_id"] == .string(groupType))

            // The group snapshot is done; a member snapshot cannot be deleted alone.
            _ = try await api.store.apply(GroupSnapshotTransitions.created, toGroupSnapshot: id)
            _ = try await api.store.apply(SnapshotTransitions.created, toSnapshot: members[0].id)
            let alone = try await Groups.send(client, .delete, "/snapshots/\(members[0].id)")
            #expect(alone.status == .badRequest, "\(alone.text)")

            // reset_status (3.19), then delete: the group snapshot and its members `deleting`.
            let reset = try await Groups.send(
                client,
                .post,
                "/group_snapshots/\(id)/action",
                body: #"{"reset_status": {"status": "error"}}"#
            )
            #expect(reset.status == .accepted)
            let badReset = try await Groups.send(
                client,
                .post,
                "/group_snapshots/\(id)/action",
                body: #"{"reset_status": {"status": "in-use"}}"#
            )
            #expect(
                badReset.json?["badRequest"]?["message"]
                    == "Invalid GroupSnapshot Status: Group snapshot status: in-use is invalid, valid statuses are: ('error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting')."
            )
            // create-from-src: both or neither id is cinder's 400; from the snapshot the new
            // group is on the source's backend with one `creating` volume per member.
            let neither = try await Groups.send(
                client,
                .post,
                "/groups/action",
                body: #"{"create-from-src": {"name": "x"}}"#
            )
            #expect(neither.status == .badRequest)
            let fromSnapshot = try await Groups.send(
                client,
                .post,
                "/groups/action",
                body: #"{"create-from-src": {"group_snapshot_id": "\#(id)", "name": "copy"}}"#
            )
            #expect(fromSnapshot.status == .accepted, "\(fromSnapshot.text)")
            let copyID = try #require(fromSnapshot.json?["group"]?["id"]?.stringValue)
            #expect(casts.casts.last == "create_group_from_src:\(copyID)")
            let copy = try await api.store.group(id: copyID, scope: .allProjects)
            #expect(copy.host == "node@alpha#alpha" && copy.groupSnapshotID == id && copy.status == .creating)
            let copies = try await api.store.groupVolumes(groupID: copyID)
            #expect(copies.map(\.snapshotID) == [members[0].id] && copies[0].status == .creating)
            // The source snapshot cannot go while a group is created from it.
            let inUse = try await Groups.send(client, .delete, "/group_snapshots/\(id)")
            #expect(
                inUse.json?["badRequest"]?["message"]
                    == "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation."
            )
            _ = try await api.store.apply(GroupTransitions.created, toGroup: copyID)
            let deleted = try await Groups.send(client, .delete, "/group_snapshots/\(id)")
            #expect(deleted.status == .accepted)
            #expect(casts.casts.last == "delete_group_snapshot:\(id)")
            #expect(try await api.store.groupSnapshot(id: id, scope: .allProjects).status == .deleting)
            #expect(try await api.store.snapshot(id: members[0].id, scope: .allProjects).status == .deleting)
            let missing = try await Groups.send(client, .get, "/group_snapshots/\(Groups.missing)")
            #expect(
                missing.json?["itemNotFound"]?["message"]
                    == .string("GroupSnapshot \(Groups.missing) could not be found.")
            )
        }
    }

    @Test func statusByCallAndRole() async throws {
        let expected: [String: [String: Int]] = [
            "index": ["admin": 200, "member": 200, "reader": 200, "other": 200],
            "show": ["admin": 200, "member": 200, "reader": 200, "other": 404],
            "create": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "delete": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "reset_status": ["admin": 202, "member": 403, "reader": 403, "other": 404],
        ]
        let callers: [(String, HTTPFields, String)] = [
            ("admin", Roles.admin, Roles.project), ("member", Roles.member, Roles.project),
            ("reader", Roles.reader, Roles.project), ("other", Roles.other, Roles.otherProject),
        ]
        try await APIHarness.run(
            conf: "quota_groups = -1\nquota_volumes = -1\nquota_snapshots = -1\nquota_gigabytes = -1\n",
            trustIdentityHeaders: true
        ) {
            client,
            _,
            api in
            _ = try await Groups.types(client)
            for (call, _) in expected.sorted(by: { $0.key < $1.key }) {
                for (role, headers, project) in callers {
                    let (group, _) = try await Self.groupWithVolume(client, api, as: Roles.member)
                    let made = try await Groups.send(
                        client,
                        .post,
                        "/group_snapshots",
                        as: Roles.member,
                        body: #"{"group_snapshot": {"group_id": "\#(group)"}}"#
                    )
                    let id = try #require(made.json?["group_snapshot"]?["id"]?.stringValue)
                    _ = try await api.store.apply(GroupSnapshotTransitions.created, toGroupSnapshot: id)
                    let (method, path, body): (HTTPRequest.Method, String, String?) =
                        switch call {
                        case "index": (.get, "/group_snapshots", nil)
                        case "show": (.get, "/group_snapshots/\(id)", nil)
                        case "create": (.post, "/group_snapshots", #"{"group_snapshot": {"group_id": "\#(group)"}}"#)
                        case "delete": (.delete, "/group_snapshots/\(id)", nil)
                        default: (.post, "/group_snapshots/\(id)/action", #"{"reset_status": {"status": "error"}}"#)
                        }
                    let response = try await Groups.send(
                        client,
                        method,
                        path,
                        as: headers,
                        project: project,
                        body: body
                    )
                    let status = expected[call]?[role] ?? 0
                    #expect(Int(response.status.code) == status, "\(call) by \(role): \(response.text)")
                    let current = try await api.store.groupSnapshot(id: id, scope: .allProjects)
                    switch call {
                    case "delete": #expect((current.status == .deleting) == (status == 202))
                    case "reset_status": #expect((current.status == .error) == (status == 202))
                    default: break
                    }
                }
            }
        }
    }
}
