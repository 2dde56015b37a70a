import EmberCore
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// The legacy `/consistencygroups` and `/cgsnapshots` through the paste pipeline, with the
/// casts recorded instead of workers: a consistency group is a group of
/// `default_cgsnapshot_type`, its volumes show it as `consistencygroup_id`, update and delete
/// follow the group rules with cinder's consistency-group texts, cgsnapshots are group
/// snapshots, create_from_src makes a group from either, and every call by role.
@Suite struct ConsistencyGroupsAPITests {
    typealias Roles = QoSSpecsAPITests
    typealias Groups = GroupsAPITests

    static func at(_ version: String, _ headers: HTTPFields = Roles.admin) -> HTTPFields {
        var fields = headers
        fields[.openStackAPIVersion] = "volume \(version)"
        return fields
    }

    static func createCG(
        _ client: any TestClientProtocol,
        _ body: String = #"{"consistencygroup": {"name": "cg", "volume_types": "fast"}}"#,
        as headers: HTTPFields = Roles.admin,
        project: String = Roles.project
    ) async throws -> String {
        let response = try await Groups.send(
            client,
            .post,
            "/consistencygroups",
            as: headers,
            project: project,
            body: body
        )
        guard response.status == .accepted, let id = response.json?["consistencygroup"]?["id"]?.stringValue else {
            throw APITestError.unexpected(response.status.code, response.text)
        }
        return id
    }

    @Test func lifeOfAConsistencyGroup() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, casts, api in
            let types = try await Groups.types(client)
            let cgType = try await api.store.groupType(name: "default_cgsnapshot_type")

            // Create: the volume types as comma-separated names or ids (a trailing comma
            // dropped); 202 with the summary; a group of the default cgsnapshot type.
            let created = try await Groups.send(
                client,
                .post,
                "/consistencygroups",
                body:
                    #"{"consistencygroup": {"name": " cg1 ", "description": " d ", "volume_types": "fast,\#(types.slow),"}}"#
            )
            #expect(created.status == .accepted, "\(created.text)")
            let id = try #require(created.json?["consistencygroup"]?["id"]?.stringValue)
            #expect(created.json == ["consistencygroup": ["id": .string(id), "name": "cg1"]])
            #expect(casts.casts == ["create_group:\(id)"])
            let stored = try await api.store.group(id: id, scope: .allProjects)
            #expect(stored.groupTypeID == cgType.id && stored.volumeTypeIDs == [types.fast, types.slow])
            #expect(stored.description == "d" && stored.availabilityZone == "nova")

            // Show: the consistency-group view, at any microversion.
            let shown = try await Groups.send(client, .get, "/consistencygroups/\(id)", as: Self.at("3.0"))
            let view = try #require(shown.json?["consistencygroup"])
            #expect(view["status"] == "creating" && view["name"] == "cg1" && view["description"] == "d")
            #expect(view["availability_zone"] == "nova" && view["created_at"]?.stringValue != nil)
            #expect(view["volume_types"] == [.string(types.fast), .string(types.slow)])
            #expect(
                view.objectValue?.keys.sorted() == [
                    "availability_zone", "created_at", "description", "id", "name", "status", "volume_types",
                ]
            )
            // The groups API keeps away from it, as cinder's does.
            let asGroup = try await Groups.send(client, .get, "/groups/\(id)")
            #expect(asGroup.status == .badRequest)

            // A generic group shows in the consistency-group lists too (cinder lists every group).
            let generic = try await Groups.createGroup(
                client,
                #"{"group": {"name": "zz", "group_type": "gt", "volume_types": ["fast"]}}"#
            )
            let index = try await Groups.send(client, .get, "/consistencygroups?sort=name:asc")
            #expect(
                index.json == [
                    "consistencygroups": [["id": .string(id), "name": "cg1"], ["id": .string(generic), "name": "zz"]]
                ]
            )
            let filtered = try await Groups.send(client, .get, "/consistencygroups/detail?name=cg1")
            #expect(filtered.json?["consistencygroups"]?.arrayValue.map { $0["id"] } == [.string(id)])
            let inexact = try await Groups.send(client, .get, "/consistencygroups?name~=g1")
            #expect(inexact.json?["consistencygroups"]?.arrayValue.map { $0["id"] } == [.string(id)])
            let unknownFilter = try await Groups.send(client, .get, "/consistencygroups?bogus=1")
            #expect(unknownFilter.json == ["consistencygroups": []])
            let paged = try await Groups.send(client, .get, "/consistencygroups/detail?limit=1&sort=name:asc")
            #expect(paged.json?["consistencygroups"]?.arrayValue.count == 1)
            let next = paged.json?["consistencygroup_links"]?.arrayValue.first?["href"]?.stringValue ?? ""
            #expect(next.hasSuffix("/consistencygroups?limit=1&sort=name%3Aasc&marker=\(id)"), "\(next)")
            #expect(try await Groups.send(client, .get, "/groups").json?["groups"]?.arrayValue.count == 1)

            // Placed, volumes join it by `consistencygroup_id` and show it back.
            try await Groups.place(api, id)
            casts.log.withLock { $0.removeAll() }
            let member = try await Groups.send(
                client,
                .post,
                "/volumes",
                as: Self.at("3.0"),
                body: #"{"volume": {"size": 1, "volume_type": "fast", "consistencygroup_id": "\#(id)"}}"#
            )
            #expect(member.status == .accepted, "\(member.text)")
            #expect(member.json?["volume"]?["consistencygroup_id"] == .string(id))
            let memberID = try #require(member.json?["volume"]?["id"]?.stringValue)
            #expect(try await api.store.volume(id: memberID, scope: .allProjects).groupID == id)
            _ = try await api.store.updateVolume(id: memberID, [.status(.available), .host("node@alpha#alpha")])
            let loose = try await Groups.volume(client, api, type: types.slow)
            let memberShown = try await Groups.send(client, .get, "/volumes/\(memberID)", as: Self.at("3.13"))
            #expect(memberShown.json?["volume"]?["consistencygroup_id"] == .string(id))
            #expect(memberShown.json?["volume"]?["group_id"] == .string(id))
            let list = try await Groups.send(client, .get, "/volumes/detail")
            let byID = Dictionary(
                uniqueKeysWithValues: (list.json?["volumes"]?.arrayValue ?? []).compactMap { volume in
                    volume["id"]?.stringValue.map { ($0, volume["consistencygroup_id"] ?? .null) }
                }
            )
            #expect(byID == [memberID: .string(id), loose: .null])
            // A volume of a generic group shows no consistency group.
            try await Groups.place(api, generic)
            let genericMember = try await Groups.volume(client, api, type: types.fast, group: generic)
            let genericShown = try await Groups.send(client, .get, "/volumes/\(genericMember)")
            #expect(genericShown.json?["volume"]?["consistencygroup_id"] == .null)
            #expect(genericShown.json?["volume"]?["group_id"] == .string(generic))
            let missingCG = try await Groups.send(
                client,
                .post,
                "/volumes",
                body: #"{"volume": {"size": 1, "volume_type": "fast", "consistencygroup_id": "\#(Groups.missing)"}}"#
            )
            #expect(
                missingCG.json?["itemNotFound"]?["message"] == .string("Group \(Groups.missing) could not be found.")
            )

            // Update: rename (a blank name from 3.6 on the core route), add and remove volumes.
            casts.log.withLock { $0.removeAll() }
            let renamed = try await Groups.send(
                client,
                .put,
                "/consistencygroups/\(id)",
                body: #"{"consistencygroup": {"name": " cg2 "}}"#
            )
            #expect(renamed.status == .accepted, "\(renamed.text)")
            #expect(try await api.store.group(id: id, scope: .allProjects).name == "cg2")
            let blankEarly = try await Groups.send(
                client,
                .put,
                "/consistencygroups/\(id)",
                as: Self.at("3.5"),
                body: #"{"consistencygroup": {"name": ""}}"#
            )
            #expect(
                blankEarly.json?["badRequest"]?["message"]
                    == "Name, description, add_volumes, and remove_volumes can not be all empty in the request body."
            )
            let nothing = try await Groups.send(
                client,
                .put,
                "/consistencygroups/\(id)",
                as: Self.at("3.6"),
                body: #"{"consistencygroup": {"add_volumes": ""}}"#
            )
            #expect(
                nothing.json?["badRequest"]?["message"]
                    == "Must specify one or more of the following keys to update: name, description, add_volumes, remove_volumes."
            )
            let blank = try await Groups.send(
                client,
                .put,
                "/consistencygroups/\(id)",
                as: Self.at("3.6"),
                body: #"{"consistencygroup": {"description": ""}}"#
            )
            #expect(blank.status == .accepted, "\(blank.text)")
            #expect(try await api.store.group(id: id, scope: .allProjects).description == "")
            // The extension's PUT …/update is the contrib controller: no 3.6 rule.
            let contribBlank = try await Groups.send(
                client,
                .put,
                "/consistencygroups/\(id)/update",
                as: Self.at("3.6"),
                body: #"{"consistencygroup": {"name": ""}}"#
            )
            #expect(
                contribBlank.json?["badRequest"]?["message"]
                    == "Name, description, add_volumes, and remove_volumes can not be all empty in the request body."
            )
            let add = try await Groups.send(
                client,
                .put,
                "/consistencygroups/\(id)/update",
                body: #"{"consistencygroup": {"add_volumes": "\#(loose)"}}"#
            )
            #expect(add.status == .accepted, "\(add.text)")
            #expect(casts.casts == ["update_group:\(id):+\(loose):-"])
            #expect(try await api.store.group(id: id, scope: .allProjects).status == .updating)
            _ = try await api.store.apply(GroupTransitions.updated, toGroup: id)

            // cgsnapshots: one member snapshot per volume; the consistency group's id shown back.
            casts.log.withLock { $0.removeAll() }
            let snap = try await Groups.send(
                client,
                .post,
                "/cgsnapshots",
                body: #"{"cgsnapshot": {"consistencygroup_id": "\#(id)", "name": " s1 ", "description": "d"}}"#
            )
            #expect(snap.status == .accepted, "\(snap.text)")
            let snapID = try #require(snap.json?["cgsnapshot"]?["id"]?.stringValue)
            #expect(snap.json == ["cgsnapshot": ["id": .string(snapID), "name": "s1"]])
            #expect(casts.casts == ["create_group_snapshot:\(snapID)"])
            #expect(try await api.store.groupSnapshotMembers(id: snapID).map(\.volumeID) == [memberID])
            let snapShown = try await Groups.send(client, .get, "/cgsnapshots/\(snapID)")
            let snapView = try #require(snapShown.json?["cgsnapshot"])
            #expect(snapView["consistencygroup_id"] == .string(id) && snapView["status"] == "creating")
            #expect(snapView["name"] == "s1" && snapView["description"] == "d")
            #expect(
                snapView.objectValue?.keys.sorted() == [
                    "consistencygroup_id", "created_at", "description", "id", "name", "status",
                ]
            )
            #expect(
                try await Groups.send(client, .get, "/cgsnapshots").json == [
                    "cgsnapshots": [["id": .string(snapID), "name": "s1"]]
                ]
            )
            #expect(try await Groups.send(client, .get, "/cgsnapshots/detail?offset=1").json == ["cgsnapshots": []])
            #expect(try await Groups.send(client, .get, "/group_snapshots/\(snapID)").status == .badRequest)
            // A snapshot still creating cannot go, with cinder's own text.
            let early = try await Groups.send(client, .delete, "/cgsnapshots/\(snapID)")
            #expect(
                early.json?["badRequest"]?["message"]
                    == "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation."
            )
            for snapshot in try await api.store.groupSnapshotMembers(id: snapID) {
                _ = try await api.store.updateSnapshot(id: snapshot.id, [.status(.available)])
            }
            _ = try await api.store.apply(GroupSnapshotTransitions.created, toGroupSnapshot: snapID)

            // create_from_src: from the cgsnapshot and from the consistency group.
            casts.log.withLock { $0.removeAll() }
            let fromSnap = try await Groups.send(
                client,
                .post,
                "/consistencygroups/create_from_src",
                body: #"{"consistencygroup-from-src": {"name": "copy", "cgsnapshot_id": "\#(snapID)"}}"#
            )
            #expect(fromSnap.status == .accepted, "\(fromSnap.text)")
            let copyID = try #require(fromSnap.json?["consistencygroup"]?["id"]?.stringValue)
            #expect(fromSnap.json == ["consistencygroup": ["id": .string(copyID), "name": "copy"]])
            let copy = try await api.store.group(id: copyID, scope: .allProjects)
            #expect(copy.groupTypeID == cgType.id && copy.groupSnapshotID == snapID && copy.host == "node@alpha#alpha")
            #expect(try await api.store.groupVolumes(groupID: copyID).count == 1)
            let fromGroup = try await Groups.send(
                client,
                .post,
                "/consistencygroups/create_from_src",
                body: #"{"consistencygroup-from-src": {"source_cgid": "\#(id)"}}"#
            )
            #expect(fromGroup.status == .accepted, "\(fromGroup.text)")
            let cloneID = try #require(fromGroup.json?["consistencygroup"]?["id"]?.stringValue)
            #expect(try await api.store.group(id: cloneID, scope: .allProjects).sourceGroupID == id)
            #expect(casts.casts == ["create_group_from_src:\(copyID)", "create_group_from_src:\(cloneID)"])
            // What the backend does: both made.
            _ = try await api.store.apply(GroupTransitions.created, toGroup: copyID)
            _ = try await api.store.apply(GroupTransitions.created, toGroup: cloneID)

            // The `action` member route of cinder's v3 router has no method: 404.
            let action = try await Groups.send(
                client,
                .post,
                "/consistencygroups/\(id)/action",
                body: #"{"delete": {}}"#
            )
            #expect(action.status == .notFound)

            // Delete: refused while the cgsnapshot exists and, without force, while volumes
            // are in it; with force the volumes go too.
            let withSnapshot = try await Groups.send(
                client,
                .post,
                "/consistencygroups/\(id)/delete",
                body: #"{"consistencygroup": {"force": true}}"#
            )
            #expect(withSnapshot.json?["badRequest"]?["message"] == "Invalid Group: Group has existing snapshots.")
            casts.log.withLock { $0.removeAll() }
            let snapDelete = try await Groups.send(client, .delete, "/cgsnapshots/\(snapID)")
            #expect(snapDelete.status == .accepted, "\(snapDelete.text)")
            #expect(casts.casts == ["delete_group_snapshot:\(snapID)"])
            // What the backend does: the member snapshots and the group snapshot go.
            for snapshot in try await api.store.groupSnapshotMembers(id: snapID) {
                try await api.store.deleteSnapshot(id: snapshot.id)
            }
            try await api.store.deleteGroupSnapshot(id: snapID)
            let withVolumes = try await Groups.send(
                client,
                .post,
                "/consistencygroups/\(id)/delete",
                body: #"{"consistencygroup": {"force": "false"}}"#
            )
            #expect(
                withVolumes.json?["badRequest"]?["message"]
                    == .string(
                        "Invalid Group: Group \(id) still contains volumes. The delete-volumes flag is required to delete it."
                    )
            )
            casts.log.withLock { $0.removeAll() }
            let forced = try await Groups.send(
                client,
                .post,
                "/consistencygroups/\(id)/delete",
                body: #"{"consistencygroup": {"force": "True"}}"#
            )
            #expect(forced.status == .accepted, "\(forced.text)")
            #expect(casts.casts == ["delete_group:\(id)"])
            #expect(try await api.store.group(id: id, scope: .allProjects).status == .deleting)
            #expect(try await api.store.volume(id: memberID, scope: .allProjects).status == .deleting)
            // The core DELETE route deletes as with an empty body (cinder: a 500).
            casts.log.withLock { $0.removeAll() }
            for volume in try await api.store.groupVolumes(groupID: cloneID) {
                try await api.store.deleteVolume(id: volume.id)
            }
            let deleted = try await Groups.send(client, .delete, "/consistencygroups/\(cloneID)")
            #expect(deleted.status == .accepted, "\(deleted.text)")
            #expect(casts.casts == ["delete_group:\(cloneID)"])
        }
    }

    @Test func cindersRefusals() async throws {
        try await APIHarness.run(trustIdentityHeaders: true) { client, _, api in
            _ = try await Groups.types(client)
            func create(_ fields: String) async throws -> TestResponse {
                try await Groups.send(client, .post, "/consistencygroups", body: #"{"consistencygroup": {\#(fields)}}"#)
            }
            let empty = try await create(#""name": "n", "volume_types": """#)
            #expect(
                empty.json?["badRequest"]?["message"] == "volume_types must be provided to create consistency group n."
            )
            let unnamed = try await create(#""volume_types": null"#)
            #expect(
                unnamed.json?["badRequest"]?["message"]
                    == "volume_types must be provided to create consistency group None."
            )
            let list = try await create(#""volume_types": ["fast"]"#)
            #expect(
                list.json?["badRequest"]?["message"]
                    == "Invalid input for field/attribute volume_types. Value: ['fast']. ['fast'] is not of type 'string'"
            )
            let noType = try await create(#""volume_types": "fast,nope""#)
            #expect(noType.json?["itemNotFound"]?["message"] == "Volume type with name nope could not be found.")
            let zone = try await create(#""volume_types": "fast", "availability_zone": "moon""#)
            #expect(
                zone.json?["badRequest"]?["message"] == "Invalid input received: Availability zone 'moon' is invalid."
            )
            #expect(try await api.store.listGroups(ListQuery(scope: .allProjects)).items.isEmpty)

            // Without the default cgsnapshot type (an admin deleted it), cinder's 400.
            let cgType = try await api.store.groupType(name: "default_cgsnapshot_type")
            let deleted = try await Groups.send(client, .delete, "/group_types/\(cgType.id)")
            #expect(deleted.status == .accepted, "\(deleted.text)")
            let gone = try await create(#""volume_types": "fast""#)
            #expect(
                gone.json?["badRequest"]?["message"]
                    == "Group type default_cgsnapshot_type not found. Rerun migration script to create the default cgsnapshot type."
            )
            #expect(try await api.store.listGroups(ListQuery(scope: .allProjects)).items.isEmpty)
        }
    }

    @Test func statusByCallAndRole() async throws {
        let calls: [(name: String, method: HTTPRequest.Method, path: String, body: String?)] = [
            ("index", .get, "/consistencygroups", nil),
            ("detail", .get, "/consistencygroups/detail", nil),
            ("show", .get, "/consistencygroups/{id}", nil),
            ("create", .post, "/consistencygroups", #"{"consistencygroup": {"volume_types": "fast"}}"#),
            ("update", .put, "/consistencygroups/{id}", #"{"consistencygroup": {"name": "renamed"}}"#),
            ("delete", .post, "/consistencygroups/{id}/delete", #"{"consistencygroup": {"force": true}}"#),
            (
                "create_from_src", .post, "/consistencygroups/create_from_src",
                #"{"consistencygroup-from-src": {"source_cgid": "{id}"}}"#
            ),
            ("cgsnapshot_index", .get, "/cgsnapshots", nil),
            ("cgsnapshot_detail", .get, "/cgsnapshots/detail", nil),
            ("cgsnapshot_show", .get, "/cgsnapshots/{snap}", nil),
            ("cgsnapshot_create", .post, "/cgsnapshots", #"{"cgsnapshot": {"consistencygroup_id": "{id}"}}"#),
            ("cgsnapshot_delete", .delete, "/cgsnapshots/{snap}", nil),
        ]
        // cinder maps them to the group and group snapshot policies: readers read, members
        // change; another project's consistency group and cgsnapshot are not found (its
        // lists are its own).
        let expected: [String: [String: Int]] = [
            "index": ["admin": 200, "member": 200, "reader": 200, "other": 200],
            "detail": ["admin": 200, "member": 200, "reader": 200, "other": 200],
            "show": ["admin": 200, "member": 200, "reader": 200, "other": 404],
            "create": ["admin": 202, "member": 202, "reader": 403, "other": 202],
            "update": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "delete": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "create_from_src": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "cgsnapshot_index": ["admin": 200, "member": 200, "reader": 200, "other": 200],
            "cgsnapshot_detail": ["admin": 200, "member": 200, "reader": 200, "other": 200],
            "cgsnapshot_show": ["admin": 200, "member": 200, "reader": 200, "other": 404],
            "cgsnapshot_create": ["admin": 202, "member": 202, "reader": 403, "other": 404],
            "cgsnapshot_delete": ["admin": 202, "member": 202, "reader": 403, "other": 404],
        ]
        let callers: [(String, HTTPFields, String)] = [
            ("admin", Roles.admin, Roles.project), ("member", Roles.member, Roles.project),
            ("reader", Roles.reader, Roles.project), ("other", Roles.other, Roles.otherProject),
        ]
        try await APIHarness.run(
            conf: "quota_groups = -1\nquota_volumes = -1\nquota_gigabytes = -1\nquota_snapshots = -1\n",
            trustIdentityHeaders: true
        ) { client, _, api in
            let types = try await Groups.types(client)
            for call in calls {
                for (role, headers, project) in callers {
                    let id = try await Self.createCG(
                        client,
                        #"{"consistencygroup": {"volume_types": "fast"}}"#,
                        as: Roles.member
                    )
                    try await Groups.place(api, id)
                    _ = try await Groups.volume(client, api, type: types.fast, group: id)
                    // A cgsnapshot for the calls on one (a group with one cannot be deleted).
                    var snapID = Groups.missing
                    if call.name.hasPrefix("cgsnapshot_") && call.name != "cgsnapshot_create" {
                        let snap = try await Groups.send(
                            client,
                            .post,
                            "/cgsnapshots",
                            as: Roles.member,
                            body: #"{"cgsnapshot": {"consistencygroup_id": "\#(id)"}}"#
                        )
                        snapID = try #require(snap.json?["cgsnapshot"]?["id"]?.stringValue, "\(snap.text)")
                        for snapshot in try await api.store.groupSnapshotMembers(id: snapID) {
                            _ = try await api.store.updateSnapshot(id: snapshot.id, [.status(.available)])
                        }
                        _ = try await api.store.apply(GroupSnapshotTransitions.created, toGroupSnapshot: snapID)
                    }
                    let before = try await api.store.listGroups(ListQuery(scope: .allProjects)).items.count
                    let response = try await Groups.send(
                        client,
                        call.method,
                        call.path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(
                            of: "{snap}",
                            with: snapID
                        ),
                        as: headers,
                        project: project,
                        body: call.body?.replacingOccurrences(of: "{id}", with: id)
                    )
                    let status = expected[call.name]?[role] ?? 0
                    #expect(Int(response.status.code) == status, "\(call.name) by \(role): \(response.text)")
                    let done = status == 202
                    let group = try await api.store.group(id: id, scope: .allProjects)
                    let groupSnapshot = try? await api.store.groupSnapshot(id: snapID, scope: .allProjects)
                    let after = try await api.store.listGroups(ListQuery(scope: .allProjects)).items.count
                    switch call.name {
                    case "update": #expect((group.name == "renamed") == done)
                    case "delete": #expect((group.status == .deleting) == done)
                    case "create", "create_from_src": #expect((after == before + 1) == done)
                    case "cgsnapshot_create":
                        let snapshots = try await api.store.listGroupSnapshots(
                            ListQuery(scope: .allProjects, filters: [.equals("group_id", id)])
                        )
                        #expect((snapshots.items.count == 1) == done)
                    case "cgsnapshot_delete": #expect((groupSnapshot?.status == .deleting) == done)
                    case "index", "detail":
                        let ids =
                            response.json?["consistencygroups"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
                        #expect(ids.contains(id) == (role != "other"), "\(call.name) by \(role)")
                    case "cgsnapshot_index", "cgsnapshot_detail":
                        let ids = response.json?["cgsnapshots"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
                        #expect(ids.contains(snapID) == (role != "other"), "\(call.name) by \(role)")
                    default: break
                    }
                }
            }
        }
    }
}
